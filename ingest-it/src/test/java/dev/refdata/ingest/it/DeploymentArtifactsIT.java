package dev.refdata.ingest.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@code sam build && sam deploy} relies on, checked against the artifacts the build has just made: the
 * functions' {@code CodeUri} jars exist and hold their {@code Handler} classes, which are Lambda handlers; the
 * state machine definition's {@code ${…}} placeholders and the template's {@code DefinitionSubstitutions} match
 * one to one; the function ARNs substituted are exactly the template's functions; every {@code lambda:invoke}
 * task calls one of them.
 *
 * <p>The jars are made in {@code package} by ingest-chunker, ingest-loader and ingest-verifier, which come before
 * ingest-it in the reactor. ingest-it does not depend on them, so {@code -pl ingest-it -am} does not build them:
 * name them in {@code -pl} too.
 *
 * <p>Every check is a method that takes the parsed template (and definition) and returns the problems it found,
 * so that {@link #theChecksReportEveryDefectOfABrokenCopy()} can feed them a deliberately broken copy.
 */
class DeploymentArtifactsIT {

    private static final String FUNCTION = "AWS::Serverless::Function";
    private static final String STATE_MACHINE = "AWS::Serverless::StateMachine";
    private static final String LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke";
    private static final String STREAM_HANDLER = "com.amazonaws.services.lambda.runtime.RequestStreamHandler";
    private static final String REQUEST_HANDLER = "com.amazonaws.services.lambda.runtime.RequestHandler";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_]+)}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path root;
    private static Map<String, Object> template;

    @BeforeAll
    static void readTemplate() throws IOException {
        root = repositoryRoot();
        template = parseTemplate(Files.readString(root.resolve("template.yaml")));
    }

    @Test
    void everyFunctionsCodeUriIsAJarTheBuildMade() {
        assertThat(functions(template)).containsOnlyKeys("ChunkerFunction", "LoaderFunction", "VerifierFunction");

        assertThat(codeUriProblems(root, template)).isEmpty();
    }

    @Test
    void everyHandlerIsAClassInItsJarThatImplementsALambdaHandlerInterface() {
        assertThat(handlerProblems(root, template)).isEmpty();
    }

    @Test
    void everyPlaceholderOfTheDefinitionHasASubstitutionAndEverySubstitutionIsUsed() throws IOException {
        String definition = definitionText(root, template);
        assertThat(placeholders(definition))
                .contains("ChunkerFunctionArn", "LoaderFunctionArn", "VerifierFunctionArn", "ArtifactsBucketName");

        assertThat(substitutionProblems(template, definition)).isEmpty();
    }

    @Test
    void theFunctionArnsSubstitutedAreExactlyTheFunctionsOfTheTemplate() {
        assertThat(functionArnSubstitutions(template)).containsOnlyKeys(
                "ChunkerFunctionArn", "LoaderFunctionArn", "VerifierFunctionArn");

        assertThat(functionReferenceProblems(template)).isEmpty();
    }

    @Test
    void everyLambdaInvokeTaskCallsAFunctionArnSubstitutionIncludingTheMapsItemProcessor() throws IOException {
        JsonNode definition = JSON.readTree(definitionText(root, template));
        assertThat(invokedFunctions(definition).keySet()).containsExactlyInAnyOrder(
                "States.Plan", "States.LoadChunks.ItemProcessor.States.Load", "States.Verify");

        assertThat(invokeTaskProblems(template, definition)).isEmpty();
    }

    @Test
    void theChecksReportEveryDefectOfABrokenCopy() throws IOException {
        Map<String, Object> broken = parseTemplate(Files.readString(root.resolve("template.yaml")));
        Map<String, Object> loader = properties(resource(broken, "LoaderFunction"));
        loader.put("Handler", "dev.refdata.ingest.lambda.loader.NoSuchHandler::handleRequest");
        Map<String, Object> verifier = properties(resource(broken, "VerifierFunction"));
        verifier.put("Handler", "java.lang.String::handleRequest");   // in no Lambda jar
        Map<String, Object> chunker = properties(resource(broken, "ChunkerFunction"));
        chunker.put("CodeUri", "ingest-chunker/target/no-such-lambda.jar");
        Map<String, Object> substitutions = substitutions(broken);
        substitutions.remove("VerifierFunctionArn");
        substitutions.put("UnusedName", new Tagged("!Ref", "ArtifactsBucket"));
        substitutions.put("GhostFunctionArn", new Tagged("!GetAtt", "GhostFunction.Arn"));

        ObjectNode definition = (ObjectNode) JSON.readTree(definitionText(root, broken));
        ObjectNode load = (ObjectNode) definition.at("/States/LoadChunks/ItemProcessor/States/Load/Parameters");
        load.put("FunctionName", "${ArtifactsBucketName}");   // a substitution, but not a function ARN

        assertThat(codeUriProblems(root, broken))
                .singleElement().asString().contains("ChunkerFunction", "no-such-lambda.jar");
        assertThat(handlerProblems(root, broken)).hasSize(3)
                .anySatisfy(p -> assertThat(p).contains("ChunkerFunction", "no-such-lambda.jar"))
                .anySatisfy(p -> assertThat(p).contains("LoaderFunction",
                        "dev/refdata/ingest/lambda/loader/NoSuchHandler.class"))
                .anySatisfy(p -> assertThat(p).contains("VerifierFunction", "java/lang/String.class"));
        assertThat(substitutionProblems(broken, JSON.writeValueAsString(definition)))
                .containsExactlyInAnyOrder(
                        "placeholder ${VerifierFunctionArn} of the definition has no DefinitionSubstitutions entry",
                        "DefinitionSubstitutions entry LoaderFunctionArn is not used by the definition",
                        "DefinitionSubstitutions entry UnusedName is not used by the definition",
                        "DefinitionSubstitutions entry GhostFunctionArn is not used by the definition");
        assertThat(functionReferenceProblems(broken)).containsExactlyInAnyOrder(
                "substitution GhostFunctionArn names GhostFunction, which is not a function of the template",
                "function VerifierFunction is not referenced by any DefinitionSubstitutions entry");
        assertThat(invokeTaskProblems(broken, definition)).containsExactlyInAnyOrder(
                "task States.LoadChunks.ItemProcessor.States.Load invokes ${ArtifactsBucketName},"
                        + " which is not a function ARN substitution",
                "task States.Verify invokes ${VerifierFunctionArn}, which is not a function ARN substitution");
    }

    // ---- the checks -------------------------------------------------------------------------------------------

    static List<String> codeUriProblems(Path root, Map<String, Object> template) {
        List<String> problems = new ArrayList<>();
        functions(template).forEach((name, function) -> {
            Object codeUri = properties(function).get("CodeUri");
            if (!(codeUri instanceof String uri)) {
                problems.add("function " + name + " has no CodeUri path: " + codeUri);
            } else if (!Files.isRegularFile(root.resolve(uri))) {
                problems.add("function " + name + ": CodeUri " + uri + " is not a file (build the module with"
                        + " ./mvnw -B package first)");
            }
        });
        return problems;
    }

    static List<String> handlerProblems(Path root, Map<String, Object> template) {
        List<String> problems = new ArrayList<>();
        functions(template).forEach((name, function) -> {
            String problem = handlerProblem(root, properties(function));
            if (problem != null) {
                problems.add("function " + name + ": " + problem);
            }
        });
        return problems;
    }

    private static String handlerProblem(Path root, Map<String, Object> properties) {
        if (!(properties.get("Handler") instanceof String handler) || !handler.contains("::")) {
            return "Handler is not <class>::<method>: " + properties.get("Handler");
        }
        String className = handler.substring(0, handler.indexOf("::"));
        String methodName = handler.substring(handler.indexOf("::") + 2);
        Path jar = root.resolve(String.valueOf(properties.get("CodeUri")));
        if (!Files.isRegularFile(jar)) {
            return "CodeUri " + properties.get("CodeUri") + " is not a file, so Handler " + handler
                    + " cannot be in it";
        }
        String entry = className.replace('.', '/') + ".class";
        try (JarFile jarFile = new JarFile(jar.toFile())) {
            if (jarFile.getEntry(entry) == null) {
                return jar.getFileName() + " has no " + entry;
            }
        } catch (IOException e) {
            return jar + " is not a readable jar: " + e;
        }
        // Parent: the platform class loader, so that the handler and the Lambda interfaces come from the jar only.
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            Class<?> type = Class.forName(className, false, loader);
            Class<?> streamHandler = loadOrNull(STREAM_HANDLER, loader);
            Class<?> requestHandler = loadOrNull(REQUEST_HANDLER, loader);
            if (streamHandler == null && requestHandler == null) {
                return jar.getFileName() + " does not contain aws-lambda-java-core (no " + STREAM_HANDLER + ")";
            }
            boolean isHandler = (streamHandler != null && streamHandler.isAssignableFrom(type))
                    || (requestHandler != null && requestHandler.isAssignableFrom(type));
            if (!isHandler) {
                return className + " implements neither RequestStreamHandler nor RequestHandler";
            }
            if (!Modifier.isPublic(type.getModifiers()) || Modifier.isAbstract(type.getModifiers())) {
                return className + " is not a public concrete class";
            }
            try {
                type.getConstructor();
            } catch (NoSuchMethodException e) {
                return className + " has no public no-argument constructor (the Lambda runtime needs one)";
            }
            boolean hasMethod = false;
            for (Method method : type.getMethods()) {
                hasMethod |= method.getName().equals(methodName) && !method.isBridge();
            }
            return hasMethod ? null : className + " has no public method " + methodName;
        } catch (ClassNotFoundException | LinkageError e) {
            return className + " cannot be loaded from " + jar.getFileName() + ": " + e;
        } catch (IOException e) {
            return jar + ": " + e;
        }
    }

    private static Class<?> loadOrNull(String name, ClassLoader loader) {
        try {
            return Class.forName(name, false, loader);
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    static List<String> substitutionProblems(Map<String, Object> template, String definition) {
        Set<String> used = placeholders(definition);
        Set<String> given = substitutions(template).keySet();
        List<String> problems = new ArrayList<>();
        for (String name : used) {
            if (!given.contains(name)) {
                problems.add("placeholder ${" + name + "} of the definition has no DefinitionSubstitutions entry");
            }
        }
        for (String name : given) {
            if (!used.contains(name)) {
                problems.add("DefinitionSubstitutions entry " + name + " is not used by the definition");
            }
        }
        return problems;
    }

    static List<String> functionReferenceProblems(Map<String, Object> template) {
        Set<String> functions = functions(template).keySet();
        List<String> problems = new ArrayList<>();
        Set<String> referenced = new LinkedHashSet<>();
        functionArnSubstitutions(template).forEach((substitution, resource) -> {
            if (functions.contains(resource)) {
                referenced.add(resource);
            } else {
                problems.add("substitution " + substitution + " names " + resource
                        + ", which is not a function of the template");
            }
        });
        for (String function : functions) {
            if (!referenced.contains(function)) {
                problems.add("function " + function + " is not referenced by any DefinitionSubstitutions entry");
            }
        }
        return problems;
    }

    static List<String> invokeTaskProblems(Map<String, Object> template, JsonNode definition) {
        Set<String> functionArns = functionArnSubstitutions(template).keySet();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> task : invokedFunctions(definition).entrySet()) {
            Matcher m = PLACEHOLDER.matcher(task.getValue());
            if (!m.matches() || !functionArns.contains(m.group(1))) {
                problems.add("task " + task.getKey() + " invokes " + task.getValue()
                        + ", which is not a function ARN substitution");
            }
        }
        return problems;
    }

    // ---- reading the template and the definition ----------------------------------------------------------------

    /** A CloudFormation short-form tag ({@code !Ref}, {@code !GetAtt}, …) with its value. */
    record Tagged(String tag, Object value) {
    }

    /** SnakeYAML's safe constructor, with every unknown (CloudFormation) tag kept as a {@link Tagged} value. */
    private static final class CloudFormationConstructor extends SafeConstructor {
        CloudFormationConstructor() {
            super(new LoaderOptions());
            yamlConstructors.put(null, new AbstractConstruct() {
                @Override
                public Object construct(Node node) {
                    Object value;
                    if (node instanceof ScalarNode scalar) {
                        value = constructScalar(scalar);
                    } else if (node instanceof SequenceNode sequence) {
                        value = constructSequence(sequence);
                    } else {
                        value = constructMapping((MappingNode) node);
                    }
                    return new Tagged(node.getTag().getValue(), value);
                }
            });
        }
    }

    static Map<String, Object> parseTemplate(String yaml) {
        return asMap(new Yaml(new CloudFormationConstructor()).load(yaml), "template");
    }

    static Path repositoryRoot() {
        String start = System.getProperty("ingest.it.basedir", System.getProperty("user.dir"));
        for (Path dir = Path.of(start).toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("template.yaml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no template.yaml in " + start + " or any directory above it");
    }

    static Map<String, Object> resource(Map<String, Object> template, String name) {
        return asMap(asMap(template.get("Resources"), "Resources").get(name), name);
    }

    static Map<String, Object> properties(Map<String, Object> resource) {
        return asMap(resource.get("Properties"), "Properties");
    }

    static Map<String, Map<String, Object>> resourcesOfType(Map<String, Object> template, String type) {
        Map<String, Map<String, Object>> found = new LinkedHashMap<>();
        asMap(template.get("Resources"), "Resources").forEach((name, value) -> {
            Map<String, Object> resource = asMap(value, name);
            if (type.equals(resource.get("Type"))) {
                found.put(name, resource);
            }
        });
        return found;
    }

    static Map<String, Map<String, Object>> functions(Map<String, Object> template) {
        return resourcesOfType(template, FUNCTION);
    }

    static Map<String, Object> stateMachine(Map<String, Object> template) {
        Map<String, Map<String, Object>> machines = resourcesOfType(template, STATE_MACHINE);
        assertThat(machines).as("state machines of the template").hasSize(1);
        return properties(machines.values().iterator().next());
    }

    static Map<String, Object> substitutions(Map<String, Object> template) {
        Object substitutions = stateMachine(template).get("DefinitionSubstitutions");
        return substitutions == null ? new LinkedHashMap<>() : asMap(substitutions, "DefinitionSubstitutions");
    }

    /** Substitution name to the resource it takes the ARN of, for {@code !GetAtt X.Arn} (either form). */
    static Map<String, String> functionArnSubstitutions(Map<String, Object> template) {
        Map<String, String> arns = new LinkedHashMap<>();
        substitutions(template).forEach((name, value) -> {
            Object getAtt = null;
            if (value instanceof Tagged tagged && tagged.tag().equals("!GetAtt")) {
                getAtt = tagged.value();
            } else if (value instanceof Map<?, ?> map && map.size() == 1 && map.containsKey("Fn::GetAtt")) {
                getAtt = map.get("Fn::GetAtt");
            }
            String resourceAndAttribute = getAtt instanceof List<?> list && list.size() == 2
                    ? list.get(0) + "." + list.get(1)
                    : getAtt instanceof String s ? s : null;
            if (resourceAndAttribute != null && resourceAndAttribute.endsWith(".Arn")) {
                arns.put(name, resourceAndAttribute.substring(0, resourceAndAttribute.length() - ".Arn".length()));
            }
        });
        return arns;
    }

    static String definitionText(Path root, Map<String, Object> template) throws IOException {
        Object uri = stateMachine(template).get("DefinitionUri");
        assertThat(uri).as("DefinitionUri of the state machine").isInstanceOf(String.class);
        return Files.readString(root.resolve((String) uri));
    }

    static Set<String> placeholders(String definition) {
        Set<String> names = new TreeSet<>();
        Matcher m = PLACEHOLDER.matcher(definition);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** Path of every {@code lambda:invoke} task (anywhere, map item processors included) to its FunctionName. */
    static Map<String, String> invokedFunctions(JsonNode definition) {
        List<String> tasks = new ArrayList<>();
        List<String> functionNames = new ArrayList<>();
        collectInvokeTasks(definition, "", tasks, functionNames);
        Map<String, String> invoked = new LinkedHashMap<>();
        for (int i = 0; i < tasks.size(); i++) {
            invoked.put(tasks.get(i), functionNames.get(i));
        }
        return invoked;
    }

    private static void collectInvokeTasks(JsonNode node, String path, List<String> tasks,
                                           List<String> functionNames) {
        if (node.isObject()) {
            if (node.path("Resource").asText("").startsWith(LAMBDA_INVOKE)) {
                JsonNode parameters = node.has("Arguments") ? node.get("Arguments") : node.path("Parameters");
                tasks.add(path);
                functionNames.add(parameters.has("FunctionName")
                        ? parameters.get("FunctionName").asText()
                        : "no literal FunctionName (" + parameters + ")");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                collectInvokeTasks(field.getValue(), path.isEmpty() ? field.getKey() : path + "." + field.getKey(),
                        tasks, functionNames);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collectInvokeTasks(node.get(i), path + "[" + i + "]", tasks, functionNames);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object value, String what) {
        assertThat(value).as(what).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }
}
