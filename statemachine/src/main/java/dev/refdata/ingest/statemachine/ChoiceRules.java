package dev.refdata.ingest.statemachine;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * Choice rules: {@code Variable} with a comparison operator, and {@code And}, {@code Or}, {@code Not}. A comparison
 * whose value has another type than the operator compares is false; a Variable that selects nothing is a
 * States.Runtime error except for IsPresent.
 */
final class ChoiceRules {

    static final Set<String> STRING_OPERATORS = Set.of(
            "StringEquals", "StringLessThan", "StringGreaterThan", "StringLessThanEquals", "StringGreaterThanEquals",
            "StringMatches");
    static final Set<String> NUMERIC_OPERATORS = Set.of(
            "NumericEquals", "NumericLessThan", "NumericGreaterThan", "NumericLessThanEquals",
            "NumericGreaterThanEquals");
    static final Set<String> BOOLEAN_OPERATORS = Set.of("BooleanEquals");
    static final Set<String> TYPE_TESTS = Set.of("IsNull", "IsPresent", "IsString", "IsNumeric", "IsBoolean");

    private ChoiceRules() {
    }

    /** A comparison operator this class evaluates, with or without the Path suffix. */
    static boolean supportedOperator(String name) {
        String base = name.endsWith("Path") ? name.substring(0, name.length() - "Path".length()) : name;
        boolean comparison = STRING_OPERATORS.contains(base) || NUMERIC_OPERATORS.contains(base)
                || BOOLEAN_OPERATORS.contains(base);
        return comparison && !(name.endsWith("Path") && base.equals("StringMatches"))
                || TYPE_TESTS.contains(name);
    }

    static boolean matches(JsonNode rule, JsonNode data, JsonNode context) throws StatesError {
        if (rule.has("And")) {
            for (JsonNode operand : rule.get("And")) {
                if (!matches(operand, data, context)) {
                    return false;
                }
            }
            return true;
        }
        if (rule.has("Or")) {
            for (JsonNode operand : rule.get("Or")) {
                if (matches(operand, data, context)) {
                    return true;
                }
            }
            return false;
        }
        if (rule.has("Not")) {
            return !matches(rule.get("Not"), data, context);
        }
        String variable = rule.get("Variable").textValue();
        String operator = operator(rule);
        JsonNode expected = rule.get(operator);
        if (operator.equals("IsPresent")) {
            return JsonPaths.present(variable, data, context) == expected.booleanValue();
        }
        JsonNode actual = JsonPaths.read(variable, data, context);
        if (TYPE_TESTS.contains(operator)) {
            boolean is = switch (operator) {
                case "IsNull" -> actual.isNull();
                case "IsString" -> actual.isTextual();
                case "IsNumeric" -> actual.isNumber();
                case "IsBoolean" -> actual.isBoolean();
                default -> throw new IllegalStateException(operator);
            };
            return is == expected.booleanValue();
        }
        String comparison = operator;
        if (operator.endsWith("Path")) {
            comparison = operator.substring(0, operator.length() - "Path".length());
            expected = JsonPaths.read(expected.textValue(), data, context);
        }
        return compare(comparison, actual, expected);
    }

    /** The one field of a comparison rule that is neither Variable, Next nor Comment. */
    static String operator(JsonNode rule) {
        for (var names = rule.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("Variable") && !name.equals("Next") && !name.equals("Comment")) {
                return name;
            }
        }
        throw new IllegalStateException("unchecked rule without operator: " + rule);
    }

    private static boolean compare(String operator, JsonNode actual, JsonNode expected) {
        if (STRING_OPERATORS.contains(operator)) {
            if (!actual.isTextual() || !expected.isTextual()) {
                return false;
            }
            if (operator.equals("StringMatches")) {
                return wildcardMatches(expected.textValue(), actual.textValue());
            }
            return ordered(operator.substring("String".length()), actual.textValue().compareTo(expected.textValue()));
        }
        if (NUMERIC_OPERATORS.contains(operator)) {
            if (!actual.isNumber() || !expected.isNumber()) {
                return false;
            }
            return ordered(operator.substring("Numeric".length()), actual.decimalValue().compareTo(expected.decimalValue()));
        }
        if (BOOLEAN_OPERATORS.contains(operator)) {
            return actual.isBoolean() && expected.isBoolean() && actual.booleanValue() == expected.booleanValue();
        }
        throw new IllegalStateException("unchecked operator " + operator);
    }

    private static boolean ordered(String relation, int comparison) {
        return switch (relation) {
            case "Equals" -> comparison == 0;
            case "LessThan" -> comparison < 0;
            case "GreaterThan" -> comparison > 0;
            case "LessThanEquals" -> comparison <= 0;
            case "GreaterThanEquals" -> comparison >= 0;
            default -> throw new IllegalStateException(relation);
        };
    }

    /** StringMatches: {@code *} matches any run of characters; {@code \*} and {@code \\} are literal. */
    static boolean wildcardMatches(String pattern, String value) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\' && i + 1 < pattern.length()) {
                regex.append(java.util.regex.Pattern.quote(String.valueOf(pattern.charAt(++i))));
            } else if (c == '*') {
                regex.append(".*");
            } else {
                regex.append(java.util.regex.Pattern.quote(String.valueOf(c)));
            }
        }
        return value.matches("(?s)" + regex);
    }
}
