package dev.refdata.ingest.statemachine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Evaluates what a definition computes from data: a path or intrinsic function call (the value of a {@code .$}
 * field, of ErrorPath and of CausePath), and payload templates (Parameters, ItemSelector, ResultSelector, the
 * Parameters of ItemReader and ResultWriter). The definition checker has checked every expression before.
 */
final class Expressions {

    private static final Map<String, IntrinsicFunction> FUNCTIONS = new ConcurrentHashMap<>();

    private Expressions() {
    }

    /** Throws IllegalArgumentException (or IntrinsicFunction.UnsupportedFunctionException) when not valid. */
    static void checkExpression(String expression) {
        if (IntrinsicFunction.looksLikeCall(expression)) {
            IntrinsicFunction.parse(expression);
        } else {
            JsonPaths.check(expression);
        }
    }

    static JsonNode evaluate(String expression, JsonNode data, JsonNode context) throws StatesError {
        if (IntrinsicFunction.looksLikeCall(expression)) {
            return FUNCTIONS.computeIfAbsent(expression, IntrinsicFunction::parse).evaluate(data, context);
        }
        return JsonPaths.read(expression, data, context);
    }

    /**
     * The template with every field {@code "name.$": expression} replaced by {@code "name": value}, in nested objects
     * and arrays too.
     */
    static JsonNode applyTemplate(JsonNode template, JsonNode data, JsonNode context) throws StatesError {
        if (template.isObject()) {
            ObjectNode result = JsonNodeFactory.instance.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> fields = template.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (field.getKey().endsWith(".$")) {
                    String name = field.getKey().substring(0, field.getKey().length() - 2);
                    result.set(name, evaluate(field.getValue().textValue(), data, context));
                } else {
                    result.set(field.getKey(), applyTemplate(field.getValue(), data, context));
                }
            }
            return result;
        }
        if (template.isArray()) {
            ArrayNode result = JsonNodeFactory.instance.arrayNode();
            for (JsonNode element : template) {
                result.add(applyTemplate(element, data, context));
            }
            return result;
        }
        return template.deepCopy();
    }
}
