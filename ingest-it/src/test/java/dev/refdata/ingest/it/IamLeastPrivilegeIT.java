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
 * <p>The OpenSearch grants, given under the template's conditions on {@code OpenSearchAuth} ({@code !If}), are not
 * listed but worked out from the code: the HTTP methods each function's use case sends (see
 * {@link #signingForADomainEachFunctionIsGrantedExactlyTheHttpMethodsItsUseCaseSends}).
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
            granted.removeIf(IamLeastPrivilegeIT::isOpenSearchAction); // derived from the code, checked below
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

    // ---- OpenSearch: the HTTP methods each function's use case sends ---------------------------------------------

    private static final Pattern HTTP_REQUEST = Pattern.compile("new Http(Head|Get|Put|Post|Delete|Patch)\\(");
    /** A method of a class, at the class's indentation: its visibility (group 1, if any) and name (group 2). */
    private static final Pattern METHOD = Pattern.compile(
            "\n    (?:@\\w+\n    )?(public |private |protected )?(?:static )?(?:final )?(?:<[^>]+> )?[\\w<>, ?\\[\\]]+? (\\w+)\\([^)]*\\)[^;{]*\\{");
    private static final Pattern SERVICE_BUILT = Pattern.compile("new (\\w+Service)\\(");

    /**
     * Signing for OpenSearch Service, each function's role is granted {@code es:ESHttp<Method>} for exactly the HTTP
     * methods its use case sends, on the domain's paths and only under that condition. The methods are worked out
     * from the code, not listed: the use case the handler builds, the {@code IndexAdmin} methods that service calls
     * and the request each of them builds in {@code OpenSearchIndexAdmin}, and the bulk request of
     * {@code OpenSearchSink} for a service that takes a {@code SearchSink}.
     */
    @Test
    void signingForADomainEachFunctionIsGrantedExactlyTheHttpMethodsItsUseCaseSends() throws IOException {
        Map<String, Set<String>> adminMethods = indexAdminHttpMethods();
        Map<String, Set<String>> sent = new TreeMap<>();
        Map<String, Set<String>> granted = new TreeMap<>();
        for (String function : functions()) {
            sent.put(function, httpActionsOf(function, adminMethods));
            Set<String> actions = new TreeSet<>();
            for (Statement s : statementsOf(function)) {
                if (s.actions().stream().anyMatch(a -> a.startsWith("es:"))) {
                    assertThat(s.condition()).as("%s: es grants only when the functions sign for the service", function)
                            .isEqualTo("SignsForOpenSearchService");
                    assertThat(s.resources()).as("%s: es grants on the domain's paths", function)
                            .containsExactly("${OpenSearchResourceArn}/*");
                    actions.addAll(s.actions());
                }
            }
            granted.put(function, actions);
        }

        assertThat(sent).as("what the code sends was found").containsEntry("LoaderFunction", Set.of("es:ESHttpPost"))
                .containsEntry("ChunkerFunction",
                        Set.of("es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost", "es:ESHttpPut"));
        assertThat(granted).as("es:ESHttp* granted, by function").isEqualTo(sent);
        assertThat(condition("SignsForOpenSearchService"))
                .isEqualTo(new Tagged("!Equals", List.of(new Tagged("!Ref", "OpenSearchAuth"), "sigv4-es")));
    }

    /** Signing for OpenSearch Serverless, every function that has an OpenSearch endpoint may call the collection's API. */
    @Test
    void signingForACollectionEveryFunctionWithAnEndpointMayCallItsApi() {
        for (String function : functions()) {
            List<Statement> aoss = statementsOf(function).stream()
                    .filter(s -> s.actions().stream().anyMatch(a -> a.startsWith("aoss:"))).toList();
            if (!environmentOf(function).containsKey("INGEST_OPENSEARCH_URL")) {
                assertThat(aoss).as("%s has no OpenSearch endpoint", function).isEmpty();
                continue;
            }
            assertThat(aoss).as("%s: aoss grants", function).singleElement().satisfies(s -> {
                assertThat(s.actions()).containsExactly("aoss:APIAccessAll");
                assertThat(s.resources()).as("the collection (!Ref)").containsExactly("OpenSearchResourceArn");
                assertThat(s.condition()).isEqualTo("SignsForOpenSearchServerless");
            });
        }
        assertThat(condition("SignsForOpenSearchServerless"))
                .isEqualTo(new Tagged("!Equals", List.of(new Tagged("!Ref", "OpenSearchAuth"), "sigv4-aoss")));
    }

    @Test
    void theHttpMethodsAreReadFromTheAdaptersRequests() throws IOException {
        Map<String, Set<String>> methods = indexAdminHttpMethods();

        assertThat(methods).containsEntry("indexExists", Set.of("Head")).containsEntry("createIndex", Set.of("Put"))
                .containsEntry("deleteIndex", Set.of("Delete")).containsEntry("count", Set.of("Get"))
                .containsEntry("sources", Set.of("Post")).containsEntry("swapAlias", Set.of("Get", "Post"));
        assertThat(methods.keySet()).as("every IndexAdmin method has its request").containsAll(indexAdminMethods());
    }

    private static boolean isOpenSearchAction(String action) {
        return action.startsWith("es:") || action.startsWith("aoss:");
    }

    /**
     * The {@code es:ESHttp*} actions of what the function's use case sends to OpenSearch.
     *
     * @param adminMethods {@link #indexAdminHttpMethods()}, read once for all functions
     */
    private static Set<String> httpActionsOf(String function, Map<String, Set<String>> adminMethods)
            throws IOException {
        Map<String, Object> properties = properties(resources().get(function));
        String handler = text(properties.get("Handler"));
        String module = text(properties.get("CodeUri")).split("/")[0];
        Path handlerSource = root.resolve(module + "/src/main/java/"
                + handler.substring(0, handler.indexOf("::")).replace('.', '/') + ".java");
        Set<String> actions = new TreeSet<>();
        Matcher service = SERVICE_BUILT.matcher(Files.readString(handlerSource));
        boolean found = false;
        while (service.find()) {
            found = true;
            String code = Files.readString(coreSource(service.group(1)));
            Matcher admin = Pattern.compile("private final IndexAdmin (\\w+);").matcher(code);
            if (admin.find()) {
                Matcher call = Pattern.compile("\\b" + admin.group(1) + "\\.(\\w+)\\(").matcher(code);
                while (call.find()) {
                    assertThat(adminMethods).as("%s calls IndexAdmin.%s", service.group(1), call.group(1))
                            .containsKey(call.group(1));
                    adminMethods.get(call.group(1)).forEach(kind -> actions.add("es:ESHttp" + kind));
                }
            }
            if (code.contains("private final SearchSink ")) {
                Matcher request = HTTP_REQUEST.matcher(Files.readString(openSearchAdapter("OpenSearchSink")));
                while (request.find()) {
                    actions.add("es:ESHttp" + request.group(1));
                }
            }
        }
        assertThat(found).as("%s's handler %s builds its use case", function, handlerSource).isTrue();
        return actions;
    }

    /**
     * Each public method of {@code OpenSearchIndexAdmin} with the HTTP methods of the requests it builds, in its own
     * body or in the class's private methods it calls (e.g. {@code sources} through {@code multiGet}; a refused
     * {@code swapAlias} also asks which indices have the alias's name).
     */
    private static Map<String, Set<String>> indexAdminHttpMethods() throws IOException {
        String code = Files.readString(openSearchAdapter("OpenSearchIndexAdmin"));
        Map<String, String> bodies = new LinkedHashMap<>();
        Set<String> publicMethods = new TreeSet<>();
        Matcher method = METHOD.matcher(code);
        while (method.find()) {
            int end = code.indexOf("\n    }\n", method.end());
            bodies.put(method.group(2), code.substring(method.end(), end < 0 ? code.length() : end));
            if ("public ".equals(method.group(1))) {
                publicMethods.add(method.group(2));
            }
        }
        Map<String, Set<String>> methods = new TreeMap<>();
        for (String name : publicMethods) {
            Set<String> kinds = requestsBuiltIn(name, bodies, publicMethods, new TreeSet<>());
            if (!kinds.isEmpty()) {
                methods.put(name, kinds);
            }
        }
        return methods;
    }

    /** The kinds of request a method's body builds, or the private methods it calls build. */
    private static Set<String> requestsBuiltIn(String name, Map<String, String> bodies, Set<String> publicMethods,
                                               Set<String> seen) {
        Set<String> kinds = new TreeSet<>();
        if (!seen.add(name)) {
            return kinds;
        }
        String body = bodies.get(name);
        Matcher request = HTTP_REQUEST.matcher(body);
        while (request.find()) {
            kinds.add(request.group(1));
        }
        for (String other : bodies.keySet()) {
            if (!publicMethods.contains(other) && Pattern.compile("\\b" + other + "\\(").matcher(body).find()) {
                kinds.addAll(requestsBuiltIn(other, bodies, publicMethods, seen));
            }
        }
        return kinds;
    }

    /** The methods the {@code IndexAdmin} port declares. */
    private static Set<String> indexAdminMethods() throws IOException {
        Matcher declared = Pattern.compile("\\n    [\\w<>, ]+? (\\w+)\\([^)]*\\);")
                .matcher(Files.readString(coreSource("IndexAdmin")));
        Set<String> names = new TreeSet<>();
        while (declared.find()) {
            names.add(declared.group(1));
        }
        assertThat(names).as("IndexAdmin's methods were found").contains("createIndex", "sources");
        return names;
    }

    private static Path openSearchAdapter(String className) {
        return root.resolve("ingest-adapters/src/main/java/dev/refdata/ingest/adapter/opensearch/" + className + ".java");
    }

    private static Path coreSource(String className) throws IOException {
        try (Stream<Path> files = Files.walk(root.resolve("ingest-core/src/main/java"))) {
            return files.filter(f -> f.getFileName().toString().equals(className + ".java")).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + className + ".java in ingest-core"));
        }
    }

    private static Map<String, Object> environmentOf(String function) {
        Object environment = properties(resources().get(function)).get("Environment");
        return environment == null ? Map.of() : asMap(asMap(environment).get("Variables"));
    }

    private static Object condition(String name) {
        return asMap(template.get("Conditions")).get(name);
    }

    // ---- reading the template ---------------------------------------------------------------------------------

    /**
     * One statement: its actions and its resources, each written out ({@code !Sub} text, {@code !GetAtt X.Arn}), and
     * the template condition it is granted under ({@code !If}), or null.
     */
    record Statement(List<String> actions, List<String> resources, String condition) {
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
        for (Object entry : asList(policies)) {
            String condition = null;
            Object policy = entry;
            if (entry instanceof Tagged t && t.tag().equals("!If")) {
                // !If [condition, policy, !Ref AWS::NoValue]: the policy applies when the condition holds
                List<?> branches = asList(t.value());
                assertThat(branches).as("%s: !If has a condition and two branches", owner).hasSize(3);
                assertThat(branches.get(2)).as("%s: a conditional policy's other branch is AWS::NoValue", owner)
                        .isEqualTo(new Tagged("!Ref", "AWS::NoValue"));
                condition = String.valueOf(branches.get(0));
                policy = branches.get(1);
            }
            assertThat(policy).as("%s: a managed policy (%s) is not checked: write its statements out", owner, policy)
                    .isInstanceOf(Map.class);
            Map<String, Object> p = asMap(policy);
            if (p.containsKey("Statement")) {
                for (Object s : asList(p.get("Statement"))) {
                    Map<String, Object> statement = asMap(s);
                    assertThat(statement.get("Effect")).as("%s: only Allow statements", owner).isEqualTo("Allow");
                    out.add(new Statement(strings(statement.get("Action")), strings(statement.get("Resource")),
                            condition));
                }
            } else {
                assertThat(condition).as("%s: a SAM policy template under a condition is not checked", owner).isNull();
                assertThat(p).as("%s: one policy template per entry", owner).hasSize(1);
                String name = p.keySet().iterator().next();
                assertThat(SAM_POLICY_TEMPLATES).as("%s: SAM policy template %s is unknown to this test", owner, name)
                        .containsKey(name);
                List<String> parameters = new ArrayList<>();
                Object args = p.get(name);
                if (args instanceof Map<?, ?> m) {
                    m.values().forEach(v -> parameters.add(text(v)));
                }
                out.add(new Statement(SAM_POLICY_TEMPLATES.get(name), parameters, null));
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
