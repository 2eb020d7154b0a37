package dev.refdata.ingest.it;

import dev.refdata.ingest.it.DeploymentArtifactsIT.Tagged;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The IAM permissions of {@code template.yaml} are least privilege: each function is granted exactly the actions
 * its code calls, and no statement anywhere in the template grants a {@code *} resource where a specific ARN exists.
 *
 * <p>What each function uses is a documented allow-list ({@link #USES}): every action with the port methods that
 * need it. The list is checked against the code in two directions: every AWS SDK call in the adapters' sources must
 * be known to {@link #SDK_ACTIONS} (a new call fails this test until someone decides which function needs it), and
 * every action allowed must be one an SDK call of the adapters makes (an allowance the code no longer needs fails
 * too). An allow-list rather than a call graph from handler to SDK: the handlers wire their use cases through ports,
 * so which adapter method a function reaches is decided by the use case's code, which a reviewer reads anyway; the
 * list is short, says why, and this test keeps it honest against the SDK calls that exist.
 *
 * <p>SAM policy templates ({@code S3CrudPolicy}, …) are expanded to the actions SAM gives them, so that a broad
 * template cannot hide actions; an unknown one fails the test.
 */
class IamLeastPrivilegeIT {

    /** The actions each function needs, with the port methods (and SDK calls) that need them. */
    static final Map<String, Map<String, String>> USES = Map.of(
            "ChunkerFunction", Map.of(
                    "s3:GetObject", "ObjectStore.describe (HeadObject) and open (GetObject) of the source objects",
                    "s3:ListBucket", "ObjectStore.list of a source prefix; also makes a missing object a 404",
                    "s3:PutObject", "the manifest (PutObject) and staged parts of gzipped sources (multipart upload)",
                    "s3:AbortMultipartUpload", "a staged part abandoned when the gzipped source is bad",
                    "dynamodb:PutItem", "RunStore.create and update: conditional puts of the run item",
                    "dynamodb:GetItem", "RunStore.find",
                    "dynamodb:Query", "RunStore.registerChunks (chunks registered before) and chunkDefinitions",
                    "dynamodb:BatchWriteItem", "RunStore.registerChunks"),
            "LoaderFunction", Map.of(
                    "s3:GetObject", "ranged GetObject of a chunk (source or staged part); HeadObject of a reject file",
                    "s3:ListBucket", "the artifacts bucket: a reject file not there must read as 404, not 403",
                    "s3:PutObject", "reject files",
                    "dynamodb:GetItem", "ChunkLedger: a chunk's state",
                    "dynamodb:UpdateItem", "ChunkLedger claim, checkpoint, complete, fail, release (conditional)"),
            "VerifierFunction", Map.of(
                    "s3:GetObject", "the input read again (sources, staged parts) and the reject files",
                    "s3:ListBucket", "ObjectStore.list of the run's reject files",
                    "s3:PutObject", "the run report",
                    "dynamodb:GetItem", "RunStore.find",
                    "dynamodb:PutItem", "RunStore.update (conditional put)",
                    "dynamodb:Query", "RunStore.chunkDefinitions and chunkStates"));

    /** The IAM action each AWS SDK method of the adapters needs; null for a method that calls no AWS API. */
    static final Map<String, String> SDK_ACTIONS = sdkActions();

    /** The actions SAM's policy templates grant (SAM's policy_templates.json), for the templates this repo may use. */
    static final Map<String, List<String>> SAM_POLICY_TEMPLATES = Map.of(
            "S3ReadPolicy", List.of("s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation", "s3:GetObjectVersion",
                    "s3:GetLifecycleConfiguration"),
            "S3WritePolicy", List.of("s3:PutObject", "s3:PutObjectAcl", "s3:PutLifecycleConfiguration"),
            "S3CrudPolicy", List.of("s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation", "s3:GetObjectVersion",
                    "s3:PutObject", "s3:PutObjectAcl", "s3:GetLifecycleConfiguration", "s3:PutLifecycleConfiguration",
                    "s3:DeleteObject"),
            "DynamoDBReadPolicy", List.of("dynamodb:GetItem", "dynamodb:Scan", "dynamodb:Query",
                    "dynamodb:BatchGetItem", "dynamodb:DescribeTable"),
            "DynamoDBWritePolicy", List.of("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem"),
            "DynamoDBCrudPolicy", List.of("dynamodb:GetItem", "dynamodb:DeleteItem", "dynamodb:PutItem",
                    "dynamodb:Scan", "dynamodb:Query", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem",
                    "dynamodb:BatchGetItem", "dynamodb:DescribeTable", "dynamodb:ConditionCheckItem"),
            "LambdaInvokePolicy", List.of("lambda:InvokeFunction"));

    private static final Pattern SDK_CALL = Pattern.compile("\\b(?:s3|dynamo)\\.([a-zA-Z0-9]+)\\(");

    private static Map<String, Object> template;
    private static Path root;

    @BeforeAll
    static void readTemplate() throws IOException {
        root = DeploymentArtifactsIT.repositoryRoot();
        template = DeploymentArtifactsIT.parseTemplate(Files.readString(root.resolve("template.yaml")));
    }

    private static Map<String, String> sdkActions() {
        Map<String, String> m = new TreeMap<>();
        m.put("headObject", "s3:GetObject");
        m.put("getObject", "s3:GetObject");
        m.put("listObjectsV2", "s3:ListBucket");
        m.put("listObjectsV2Paginator", "s3:ListBucket");
        m.put("putObject", "s3:PutObject");
        m.put("createMultipartUpload", "s3:PutObject");
        m.put("uploadPart", "s3:PutObject");
        m.put("completeMultipartUpload", "s3:PutObject");
        m.put("abortMultipartUpload", "s3:AbortMultipartUpload");
        m.put("serviceClientConfiguration", null);
        m.put("getItem", "dynamodb:GetItem");
        m.put("putItem", "dynamodb:PutItem");
        m.put("updateItem", "dynamodb:UpdateItem");
        m.put("query", "dynamodb:Query");
        m.put("queryPaginator", "dynamodb:Query");
        m.put("batchWriteItem", "dynamodb:BatchWriteItem");
        m.put("scan", "dynamodb:Scan"); // the CLI's status listing; no function
        m.put("scanPaginator", "dynamodb:Scan");
        m.put("createTable", "dynamodb:CreateTable"); // table set-up by the CLI and tests; CloudFormation in AWS
        return m;
    }

    @Test
    void everyFunctionIsGrantedExactlyTheActionsItsCodeUses() {
        Map<String, Set<String>> excess = new TreeMap<>();
        Map<String, Set<String>> missing = new TreeMap<>();
        for (String function : functions()) {
            assertThat(USES).as("the allow-list documents %s", function).containsKey(function);
            Set<String> granted = new TreeSet<>();
            statementsOf(function).forEach(s -> granted.addAll(s.actions()));
            Set<String> over = new TreeSet<>(granted);
            over.removeAll(USES.get(function).keySet());
            if (!over.isEmpty()) {
                excess.put(function, over);
            }
            Set<String> under = new TreeSet<>(USES.get(function).keySet());
            under.removeAll(granted);
            if (!under.isEmpty()) {
                missing.put(function, under);
            }
        }

        assertThat(excess).as("actions granted that the function does not use").isEmpty();
        assertThat(missing).as("actions the function uses that are not granted").isEmpty();
    }

    @Test
    void noStatementGrantsAWildcardResource() {
        List<String> wildcards = new ArrayList<>();
        for (var entry : resources().entrySet()) {
            Object policies = properties(entry.getValue()).get("Policies");
            if (policies == null) {
                continue;
            }
            for (Statement s : statements(entry.getKey(), policies)) {
                for (String resource : s.resources()) {
                    if (isWildcard(resource)) {
                        wildcards.add(entry.getKey() + " " + s.actions() + " on " + resource);
                    }
                }
            }
        }

        assertThat(wildcards).as("statements on every resource of a service where a specific ARN exists").isEmpty();
    }

    @Test
    void theAllowListMatchesTheSdkCallsOfTheAdapters() throws IOException {
        Set<String> calls = sdkCallsOfTheAdapters();
        Set<String> unknown = new TreeSet<>(calls);
        unknown.removeAll(SDK_ACTIONS.keySet());
        assertThat(unknown).as("SDK calls without a known IAM action: add them to SDK_ACTIONS and to the allow-list "
                + "of the functions that reach them").isEmpty();

        Set<String> actionsCalled = new TreeSet<>();
        calls.forEach(c -> {
            if (SDK_ACTIONS.get(c) != null) {
                actionsCalled.add(SDK_ACTIONS.get(c));
            }
        });
        Set<String> allowedButNeverCalled = new TreeSet<>();
        USES.values().forEach(actions -> allowedButNeverCalled.addAll(actions.keySet()));
        allowedButNeverCalled.removeAll(actionsCalled);
        assertThat(allowedButNeverCalled).as("allowed actions no SDK call of the adapters makes").isEmpty();
    }

    @Test
    void theChecksCatchABroadTemplateAndAWildcard() {
        Map<String, Object> broad = Map.of("Policies", List.of(
                Map.of("DynamoDBCrudPolicy", Map.of("TableName", new Tagged("!Ref", "RunTable"))),
                Map.of("Statement", List.of(Map.of("Effect", "Allow", "Action", "s3:GetObject", "Resource", "*")))));
        List<Statement> statements = statements("Broken", broad.get("Policies"));

        assertThat(statements).flatExtracting(Statement::actions).contains("dynamodb:Scan", "dynamodb:DeleteItem");
        assertThat(statements).flatExtracting(Statement::resources).anyMatch(IamLeastPrivilegeIT::isWildcard);
    }

    // ---- reading the template ---------------------------------------------------------------------------------

    /** One statement: its actions and its resources, each written out ({@code !Sub} text, {@code !GetAtt X.Arn}). */
    record Statement(List<String> actions, List<String> resources) {
    }

    private static boolean isWildcard(String resource) {
        return resource.equals("*") || resource.matches("arn:[^:]*:[^:]*:[^:]*:[^:]*:\\*")
                || resource.matches("arn:[^:]*:s3:::\\*(/.*)?");
    }

    private static List<String> functions() {
        List<String> functions = new ArrayList<>();
        resources().forEach((name, r) -> {
            if ("AWS::Serverless::Function".equals(asMap(r).get("Type"))
                    || "AWS::Lambda::Function".equals(asMap(r).get("Type"))) {
                functions.add(name);
            }
        });
        return functions;
    }

    private static List<Statement> statementsOf(String function) {
        Object policies = properties(resources().get(function)).get("Policies");
        assertThat(policies).as("%s has policies", function).isNotNull();
        return statements(function, policies);
    }

    private static List<Statement> statements(String owner, Object policies) {
        List<Statement> out = new ArrayList<>();
        for (Object policy : asList(policies)) {
            assertThat(policy).as("%s: a managed policy (%s) is not checked: write its statements out", owner, policy)
                    .isInstanceOf(Map.class);
            Map<String, Object> p = asMap(policy);
            if (p.containsKey("Statement")) {
                for (Object s : asList(p.get("Statement"))) {
                    Map<String, Object> statement = asMap(s);
                    assertThat(statement.get("Effect")).as("%s: only Allow statements", owner).isEqualTo("Allow");
                    out.add(new Statement(strings(statement.get("Action")), strings(statement.get("Resource"))));
                }
            } else {
                assertThat(p).as("%s: one policy template per entry", owner).hasSize(1);
                String name = p.keySet().iterator().next();
                assertThat(SAM_POLICY_TEMPLATES).as("%s: SAM policy template %s is unknown to this test", owner, name)
                        .containsKey(name);
                List<String> parameters = new ArrayList<>();
                Object args = p.get(name);
                if (args instanceof Map<?, ?> m) {
                    m.values().forEach(v -> parameters.add(text(v)));
                }
                out.add(new Statement(SAM_POLICY_TEMPLATES.get(name), parameters));
            }
        }
        return out;
    }

    private static Set<String> sdkCallsOfTheAdapters() throws IOException {
        Set<String> calls = new TreeSet<>();
        Path sources = root.resolve("ingest-adapters/src/main/java/dev/refdata/ingest/adapter");
        for (String pkg : List.of("s3", "dynamodb")) {
            try (Stream<Path> files = Files.walk(sources.resolve(pkg))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    Matcher m = SDK_CALL.matcher(Files.readString(file));
                    while (m.find()) {
                        calls.add(m.group(1));
                    }
                }
            }
        }
        assertThat(calls).as("the adapters' SDK calls were found").contains("getObject", "updateItem");
        return calls;
    }

    private static List<String> strings(Object value) {
        List<String> out = new ArrayList<>();
        for (Object v : value instanceof List<?> l ? l : List.of(value)) {
            out.add(text(v));
        }
        return out;
    }

    /** A value as text: a plain string, or a tag's text ({@code !Sub} string, {@code !GetAtt} target, …). */
    private static String text(Object value) {
        if (value instanceof Tagged t) {
            Object inner = t.value();
            return inner instanceof List<?> l ? String.valueOf(l.get(0)) : String.valueOf(inner);
        }
        return String.valueOf(value);
    }

    private static Map<String, Object> resources() {
        return new LinkedHashMap<>(asMap(template.get("Resources")));
    }

    private static Map<String, Object> properties(Object resource) {
        Object p = asMap(resource).get("Properties");
        return p == null ? Map.of() : asMap(p);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    private static List<?> asList(Object value) {
        assertThat(value).isInstanceOf(List.class);
        return (List<?>) value;
    }
}
