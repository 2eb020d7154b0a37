package dev.refdata.ingest.statemachine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A parsed intrinsic function call such as {@code States.Format('run {}', $.runId)}. Supported: States.Format,
 * States.JsonMerge (shallow), States.StringToJson, States.JsonToString, States.Array. Arguments are string literals
 * in single quotes (escapes \' \{ \} \\), numbers, true, false, null, paths and nested calls.
 */
final class IntrinsicFunction {

    static final Set<String> SUPPORTED = Set.of(
            "States.Format", "States.JsonMerge", "States.StringToJson", "States.JsonToString", "States.Array");

    /** An argument: a literal value, a path, or a nested call. */
    private sealed interface Argument permits Literal, StringLiteral, PathArgument, Call {
    }

    /**
     * A quoted string: its value, and the same with escaped braces marked so that States.Format does not take
     * {@code \{\}} for a placeholder.
     */
    private record StringLiteral(String value, String template) implements Argument {
        StringLiteral {
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(template, "template");
        }
    }

    private static final char ESCAPED_OPEN = '\u0000';
    private static final char ESCAPED_CLOSE = '\u0001';

    private record Literal(JsonNode value) implements Argument {
        Literal {
            Objects.requireNonNull(value, "value");
        }
    }

    private record PathArgument(String path) implements Argument {
        PathArgument {
            JsonPaths.check(path);
        }
    }

    private record Call(String name, List<Argument> arguments) implements Argument {
        Call {
            Objects.requireNonNull(name, "name");
            arguments = List.copyOf(arguments);
        }
    }

    /** A function the executor does not implement; the name is the message. */
    static final class UnsupportedFunctionException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        UnsupportedFunctionException(String name) {
            super(name);
        }
    }

    private final String text;
    private final Call call;

    private IntrinsicFunction(String text, Call call) {
        this.text = text;
        this.call = call;
    }

    static boolean looksLikeCall(String text) {
        return text.startsWith("States.");
    }

    /**
     * @throws UnsupportedFunctionException naming the first function (outermost first) that is not supported
     * @throws IllegalArgumentException when the text is not a well-formed call
     */
    static IntrinsicFunction parse(String text) {
        Parser parser = new Parser(text);
        Call call = parser.call();
        parser.skipSpaces();
        if (!parser.atEnd()) {
            throw new IllegalArgumentException("unexpected text after the call at offset " + parser.position + ": " + text);
        }
        return new IntrinsicFunction(text, call);
    }

    JsonNode evaluate(JsonNode data, JsonNode context) throws StatesError {
        return evaluate(call, data, context);
    }

    @Override
    public String toString() {
        return text;
    }

    private JsonNode evaluate(Call function, JsonNode data, JsonNode context) throws StatesError {
        List<JsonNode> values = new ArrayList<>();
        for (Argument argument : function.arguments()) {
            values.add(value(argument, data, context));
        }
        return switch (function.name()) {
            case "States.Format" -> format(function.arguments().isEmpty() ? null : function.arguments().get(0), values);
            case "States.JsonMerge" -> jsonMerge(values);
            case "States.StringToJson" -> stringToJson(values);
            case "States.JsonToString" -> jsonToString(values);
            case "States.Array" -> array(values);
            default -> throw new IllegalStateException("unchecked function " + function.name());
        };
    }

    private JsonNode value(Argument argument, JsonNode data, JsonNode context) throws StatesError {
        if (argument instanceof Literal literal) {
            return literal.value();
        }
        if (argument instanceof StringLiteral string) {
            return TextNode.valueOf(string.value());
        }
        if (argument instanceof PathArgument path) {
            return JsonPaths.read(path.path(), data, context);
        }
        return evaluate((Call) argument, data, context);
    }

    private StatesError failure(String message) {
        return StatesError.runtime("The intrinsic function " + text + " failed: " + message);
    }

    private JsonNode format(Argument first, List<JsonNode> values) throws StatesError {
        if (values.isEmpty() || !values.get(0).isTextual()) {
            throw failure("States.Format takes a template string first");
        }
        String template = first instanceof StringLiteral literal ? literal.template() : values.get(0).textValue();
        StringBuilder formatted = new StringBuilder();
        int next = 1;
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c == '{' && i + 1 < template.length() && template.charAt(i + 1) == '}') {
                if (next >= values.size()) {
                    throw failure("the template has more {} than there are arguments");
                }
                JsonNode value = values.get(next++);
                if (value.isContainerNode()) {
                    throw failure("States.Format takes strings, numbers, booleans or null, not " + value);
                }
                formatted.append(value.isTextual() ? value.textValue() : value.toString());
                i++;
            } else if (c == ESCAPED_OPEN) {
                formatted.append('{');
            } else if (c == ESCAPED_CLOSE) {
                formatted.append('}');
            } else {
                formatted.append(c);
            }
        }
        if (next != values.size()) {
            throw failure("the template has fewer {} than there are arguments");
        }
        return TextNode.valueOf(formatted.toString());
    }

    private JsonNode jsonMerge(List<JsonNode> values) throws StatesError {
        if (values.size() != 3 || !values.get(0).isObject() || !values.get(1).isObject()
                || !values.get(2).isBoolean()) {
            throw failure("States.JsonMerge takes two objects and a boolean");
        }
        if (values.get(2).booleanValue()) {
            throw failure("deep merging (true) is not supported by Step Functions");
        }
        ObjectNode merged = ((ObjectNode) values.get(0)).deepCopy();
        merged.setAll((ObjectNode) values.get(1).deepCopy());
        return merged;
    }

    private JsonNode stringToJson(List<JsonNode> values) throws StatesError {
        if (values.size() != 1 || !values.get(0).isTextual()) {
            throw failure("States.StringToJson takes one string");
        }
        try {
            return JsonPaths.MAPPER.readTree(values.get(0).textValue());
        } catch (JsonProcessingException e) {
            throw failure("not JSON: " + e.getOriginalMessage());
        }
    }

    private JsonNode jsonToString(List<JsonNode> values) throws StatesError {
        if (values.size() != 1) {
            throw failure("States.JsonToString takes one argument");
        }
        return TextNode.valueOf(values.get(0).toString());
    }

    private static JsonNode array(List<JsonNode> values) {
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        values.forEach(array::add);
        return array;
    }

    /** Recursive descent over the call syntax. */
    private static final class Parser {
        private final String text;
        private int position;

        Parser(String text) {
            this.text = text;
        }

        Call call() {
            skipSpaces();
            int start = position;
            while (!atEnd() && (Character.isLetterOrDigit(peek()) || peek() == '.')) {
                position++;
            }
            String name = text.substring(start, position);
            if (!name.startsWith("States.") || name.length() == "States.".length()) {
                throw new IllegalArgumentException("expected a function name at offset " + start + ": " + text);
            }
            if (!SUPPORTED.contains(name)) {
                throw new UnsupportedFunctionException(name);
            }
            skipSpaces();
            expect('(');
            List<Argument> arguments = new ArrayList<>();
            skipSpaces();
            if (!atEnd() && peek() == ')') {
                position++;
                return new Call(name, arguments);
            }
            while (true) {
                arguments.add(argument());
                skipSpaces();
                if (atEnd()) {
                    throw new IllegalArgumentException("unterminated call: " + text);
                }
                char c = text.charAt(position++);
                if (c == ')') {
                    return new Call(name, arguments);
                }
                if (c != ',') {
                    throw new IllegalArgumentException("expected ',' or ')' at offset " + (position - 1) + ": " + text);
                }
            }
        }

        private Argument argument() {
            skipSpaces();
            if (atEnd()) {
                throw new IllegalArgumentException("missing argument: " + text);
            }
            char c = peek();
            if (c == '\'') {
                return string();
            }
            if (c == '$') {
                return new PathArgument(path());
            }
            if (text.startsWith("States.", position)) {
                return call();
            }
            String token = token();
            switch (token) {
                case "true":
                    return new Literal(JsonNodeFactory.instance.booleanNode(true));
                case "false":
                    return new Literal(JsonNodeFactory.instance.booleanNode(false));
                case "null":
                    return new Literal(JsonNodeFactory.instance.nullNode());
                default:
                    try {
                        return new Literal(JsonNodeFactory.instance.numberNode(new BigDecimal(token)));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("not an argument: '" + token + "' in " + text, e);
                    }
            }
        }

        private StringLiteral string() {
            StringBuilder value = new StringBuilder();
            StringBuilder template = new StringBuilder();
            position++;
            while (!atEnd()) {
                char c = text.charAt(position++);
                if (c == '\'') {
                    return new StringLiteral(value.toString(), template.toString());
                }
                if (c == '\\') {
                    if (atEnd()) {
                        break;
                    }
                    char escaped = text.charAt(position++);
                    value.append(escaped);
                    template.append(escaped == '{' ? ESCAPED_OPEN : escaped == '}' ? ESCAPED_CLOSE : escaped);
                } else {
                    value.append(c);
                    template.append(c);
                }
            }
            throw new IllegalArgumentException("unterminated string: " + text);
        }

        /** A path runs to the next ',' or ')' outside brackets, parentheses and quotes. */
        private String path() {
            int start = position;
            int depth = 0;
            char quote = 0;
            while (!atEnd()) {
                char c = peek();
                if (quote != 0) {
                    if (c == quote) {
                        quote = 0;
                    }
                } else if (c == '\'' || c == '"') {
                    quote = c;
                } else if (c == '[' || c == '(') {
                    depth++;
                } else if (c == ']' || c == ')') {
                    if (depth == 0) {
                        break;
                    }
                    depth--;
                } else if (c == ',' && depth == 0) {
                    break;
                }
                position++;
            }
            return text.substring(start, position).trim();
        }

        private String token() {
            int start = position;
            while (!atEnd() && peek() != ',' && peek() != ')' && !Character.isWhitespace(peek())) {
                position++;
            }
            return text.substring(start, position);
        }

        private void expect(char c) {
            if (atEnd() || peek() != c) {
                throw new IllegalArgumentException("expected '" + c + "' at offset " + position + ": " + text);
            }
            position++;
        }

        void skipSpaces() {
            while (!atEnd() && Character.isWhitespace(peek())) {
                position++;
            }
        }

        boolean atEnd() {
            return position >= text.length();
        }

        private char peek() {
            return text.charAt(position);
        }
    }
}
