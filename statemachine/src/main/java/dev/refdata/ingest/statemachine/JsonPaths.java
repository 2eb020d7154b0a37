package dev.refdata.ingest.statemachine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.JsonPathException;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ASL paths on Jackson trees, evaluated by the json-path library: a path starting with {@code $$} reads the context
 * object, any other the state's data. Reference paths (ResultPath) are restricted to {@code $} and {@code $.a.b}
 * so that they can be written.
 */
final class JsonPaths {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private static final Configuration CONFIGURATION = Configuration.builder()
            .jsonProvider(new JacksonJsonNodeJsonProvider(MAPPER))
            .mappingProvider(new JacksonMappingProvider(MAPPER))
            .build();

    private static final Pattern REFERENCE_PATH = Pattern.compile("\\$((\\.[A-Za-z_][A-Za-z0-9_-]*)*)");
    private static final Map<String, JsonPath> COMPILED = new ConcurrentHashMap<>();

    private JsonPaths() {
    }

    /** Throws IllegalArgumentException with the reason when the text is not a path json-path can evaluate. */
    static void check(String path) {
        if (!path.startsWith("$")) {
            throw new IllegalArgumentException("a path starts with '$': " + path);
        }
        compiled(path);
    }

    static boolean isReferencePath(String path) {
        return REFERENCE_PATH.matcher(path).matches();
    }

    /** The value at the path; a deep copy, so the caller may change it. */
    static JsonNode read(String path, JsonNode data, JsonNode context) throws StatesError {
        JsonNode document = path.startsWith("$$") ? context : data;
        try {
            Object value = compiled(path).read(document, CONFIGURATION);
            if (value instanceof JsonNode node) {
                return node.deepCopy();
            }
            return MAPPER.valueToTree(value);
        } catch (JsonPathException | IllegalArgumentException e) {
            throw StatesError.runtime("The JSONPath '" + path + "' could not be found in the input '" + data + "': "
                    + e.getMessage());
        }
    }

    /** Whether the path selects something (IsPresent). */
    static boolean present(String path, JsonNode data, JsonNode context) {
        try {
            read(path, data, context);
            return true;
        } catch (StatesError e) {
            return false;
        }
    }

    /**
     * ResultPath: the raw input with the result placed at the reference path; {@code $} replaces the input; missing
     * objects on the way are created.
     */
    static JsonNode place(JsonNode rawInput, String referencePath, JsonNode result) throws StatesError {
        Matcher matcher = REFERENCE_PATH.matcher(referencePath);
        if (!matcher.matches()) {
            throw new IllegalStateException("not a checked reference path: " + referencePath);
        }
        if (referencePath.equals("$")) {
            return result;
        }
        if (!rawInput.isObject()) {
            throw StatesError.of(StatesError.RESULT_PATH_MATCH_FAILURE, "Unable to apply ResultPath '" + referencePath
                    + "' to input '" + rawInput + "': the input is not an object");
        }
        List<String> names = new ArrayList<>(List.of(matcher.group(1).substring(1).split("\\.")));
        String last = names.remove(names.size() - 1);
        ObjectNode output = (ObjectNode) rawInput.deepCopy();
        ObjectNode parent = output;
        for (String name : names) {
            JsonNode child = parent.get(name);
            if (child == null || child.isNull()) {
                parent = parent.putObject(name);
            } else if (child.isObject()) {
                parent = (ObjectNode) child;
            } else {
                throw StatesError.of(StatesError.RESULT_PATH_MATCH_FAILURE, "Unable to apply ResultPath '"
                        + referencePath + "' to input '" + rawInput + "': '" + name + "' is not an object");
            }
        }
        parent.set(last, result);
        return output;
    }

    static ObjectNode emptyObject() {
        return JsonNodeFactory.instance.objectNode();
    }

    private static JsonPath compiled(String path) {
        String documentPath = path.startsWith("$$") ? path.substring(1) : path;
        try {
            return COMPILED.computeIfAbsent(documentPath, JsonPath::compile);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("not a valid JSONPath: " + path + " (" + e.getMessage() + ")", e);
        }
    }
}
