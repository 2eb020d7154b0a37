package dev.refdata.ingest.statemachine;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Checks a definition against what {@link LocalExecutor} implements, naming the state and the field of the first
 * thing it refuses. Implemented: Pass, Task, Choice, Map, Succeed, Fail with the JSONPath query language; Wait,
 * Parallel, JSONata, variables (Assign), timeouts and heartbeats are not.
 */
final class DefinitionChecker {

    static final String LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke";
    static final String S3_GET_OBJECT = "arn:aws:states:::s3:getObject";
    static final String S3_PUT_OBJECT = "arn:aws:states:::s3:putObject";

    private static final Set<String> TOP_LEVEL_FIELDS = Set.of("StartAt", "States", "Comment");
    private static final Set<String> ITEM_PROCESSOR_FIELDS = Set.of("ProcessorConfig", "StartAt", "States", "Comment");
    private static final Map<String, Set<String>> FIELDS_BY_TYPE = Map.of(
            "Pass", Set.of("Type", "Comment", "Next", "End", "InputPath", "OutputPath", "Parameters", "Result",
                    "ResultPath"),
            "Task", Set.of("Type", "Comment", "Next", "End", "InputPath", "OutputPath", "Resource", "Parameters",
                    "ResultSelector", "ResultPath", "Retry", "Catch"),
            "Choice", Set.of("Type", "Comment", "InputPath", "OutputPath", "Choices", "Default"),
            "Succeed", Set.of("Type", "Comment", "InputPath", "OutputPath"),
            "Fail", Set.of("Type", "Comment", "Error", "ErrorPath", "Cause", "CausePath"),
            "Map", Set.of("Type", "Comment", "Next", "End", "InputPath", "OutputPath", "ItemProcessor", "ItemsPath",
                    "ItemReader", "ItemSelector", "MaxConcurrency", "MaxConcurrencyPath",
                    "ToleratedFailurePercentage", "ToleratedFailureCount", "Label", "ResultWriter",
                    "ResultSelector", "ResultPath", "Retry", "Catch"));
    private static final Set<String> DISTRIBUTED_ONLY_MAP_FIELDS = Set.of(
            "ItemReader", "ResultWriter", "ToleratedFailurePercentage", "ToleratedFailureCount", "Label");
    private static final Set<String> RETRIER_FIELDS = Set.of("ErrorEquals", "IntervalSeconds", "MaxAttempts",
            "BackoffRate", "MaxDelaySeconds", "JitterStrategy", "Comment");
    private static final Set<String> CATCHER_FIELDS = Set.of("ErrorEquals", "Next", "ResultPath", "Comment");

    private final Set<String> boundTaskNames = new HashSet<>();

    Set<String> boundTaskNames() {
        return boundTaskNames;
    }

    void checkStateMachine(JsonNode root) {
        if (!root.isObject()) {
            throw new InvalidDefinitionException("the definition is not a JSON object");
        }
        onlyFields(root, TOP_LEVEL_FIELDS, UnsupportedDefinitionException.STATE_MACHINE, "");
        checkStates(root, "the state machine");
    }

    /** StartAt and States of the state machine or of a Map's ItemProcessor. */
    private void checkStates(JsonNode block, String where) {
        JsonNode startAt = block.get("StartAt");
        JsonNode states = block.get("States");
        if (startAt == null || !startAt.isTextual()) {
            throw new InvalidDefinitionException(where + " has no StartAt string");
        }
        if (states == null || !states.isObject() || states.isEmpty()) {
            throw new InvalidDefinitionException(where + " has no States object");
        }
        Set<String> names = new HashSet<>();
        states.fieldNames().forEachRemaining(names::add);
        if (!names.contains(startAt.textValue())) {
            throw new InvalidDefinitionException(where + ": StartAt '" + startAt.textValue() + "' is not a state");
        }
        for (Iterator<Map.Entry<String, JsonNode>> entries = states.fields(); entries.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = entries.next();
            checkState(entry.getKey(), entry.getValue(), names);
        }
    }

    private void checkState(String name, JsonNode state, Set<String> names) {
        if (!state.isObject()) {
            throw new InvalidDefinitionException("state '" + name + "' is not a JSON object");
        }
        JsonNode type = state.get("Type");
        if (type == null || !type.isTextual()) {
            throw new InvalidDefinitionException("state '" + name + "' has no Type");
        }
        Set<String> fields = FIELDS_BY_TYPE.get(type.textValue());
        if (fields == null) {
            throw new UnsupportedDefinitionException(name, "Type", type.textValue());
        }
        onlyFields(state, fields, name, "");
        optionalPath(name, state, "InputPath");
        optionalPath(name, state, "OutputPath");
        optionalReferencePath(name, state, "ResultPath");
        optionalTemplate(name, state, "Parameters");
        optionalTemplate(name, state, "ResultSelector");
        if (fields.contains("Next")) {
            checkTransition(name, state, names);
        }
        if (state.has("Retry")) {
            checkRetriers(name, state.get("Retry"));
        }
        if (state.has("Catch")) {
            checkCatchers(name, state.get("Catch"), names);
        }
        switch (type.textValue()) {
            case "Task" -> checkTask(name, state);
            case "Choice" -> checkChoice(name, state, names);
            case "Fail" -> checkFail(name, state);
            case "Map" -> checkMap(name, state);
            default -> {
            }
        }
    }

    private void checkTransition(String name, JsonNode state, Set<String> names) {
        boolean end = state.has("End");
        if (end && !state.get("End").isBoolean()) {
            throw invalid(name, "End", "is not a boolean");
        }
        boolean ends = end && state.get("End").booleanValue();
        if (ends == state.has("Next")) {
            throw new InvalidDefinitionException("state '" + name + "' must have either Next or \"End\": true");
        }
        if (!ends) {
            checkTarget(name, "Next", state.get("Next"), names);
        }
    }

    private static void checkTarget(String name, String field, JsonNode target, Set<String> names) {
        if (target == null || !target.isTextual() || !names.contains(target.textValue())) {
            throw invalid(name, field, "does not name a state: " + target);
        }
    }

    private void checkTask(String name, JsonNode state) {
        JsonNode resource = state.get("Resource");
        if (resource == null || !resource.isTextual()) {
            throw invalid(name, "Resource", "is missing or not a string");
        }
        String arn = resource.textValue();
        if (arn.equals(LAMBDA_INVOKE)) {
            JsonNode parameters = state.get("Parameters");
            if (parameters == null || !parameters.isObject()) {
                throw invalid(name, "Parameters", "lambda:invoke needs Parameters with FunctionName");
            }
            onlyFields(parameters, Set.of("FunctionName", "FunctionName.$", "Payload", "Payload.$"), name,
                    "Parameters.");
            if (parameters.has("FunctionName")) {
                if (!parameters.get("FunctionName").isTextual()) {
                    throw invalid(name, "Parameters.FunctionName", "is not a string");
                }
                boundTaskNames.add(parameters.get("FunctionName").textValue());
            } else if (!parameters.has("FunctionName.$")) {
                throw invalid(name, "Parameters.FunctionName", "is missing");
            }
        } else if (arn.startsWith("arn:aws:states:::")) {
            throw new UnsupportedDefinitionException(name, "Resource", arn
                    + " (of the service integrations only " + LAMBDA_INVOKE + " is implemented)");
        } else {
            boundTaskNames.add(arn);
        }
    }

    private void checkChoice(String name, JsonNode state, Set<String> names) {
        JsonNode choices = state.get("Choices");
        if (choices == null || !choices.isArray() || choices.isEmpty()) {
            throw invalid(name, "Choices", "is missing or empty");
        }
        for (int i = 0; i < choices.size(); i++) {
            JsonNode rule = choices.get(i);
            String field = "Choices[" + i + "]";
            checkTarget(name, field + ".Next", rule.get("Next"), names);
            checkRule(name, rule, field, true);
        }
        if (state.has("Default")) {
            checkTarget(name, "Default", state.get("Default"), names);
        }
    }

    private void checkRule(String name, JsonNode rule, String field, boolean topLevel) {
        if (!rule.isObject()) {
            throw invalid(name, field, "is not an object");
        }
        if (!topLevel && rule.has("Next")) {
            throw invalid(name, field + ".Next", "is only allowed on a top-level choice rule");
        }
        for (String combinator : new String[] {"And", "Or"}) {
            if (rule.has(combinator)) {
                onlyFields(rule, Set.of(combinator, "Next", "Comment"), name, field + ".");
                JsonNode operands = rule.get(combinator);
                if (!operands.isArray() || operands.isEmpty()) {
                    throw invalid(name, field + "." + combinator, "is not a non-empty array");
                }
                for (int i = 0; i < operands.size(); i++) {
                    checkRule(name, operands.get(i), field + "." + combinator + "[" + i + "]", false);
                }
                return;
            }
        }
        if (rule.has("Not")) {
            onlyFields(rule, Set.of("Not", "Next", "Comment"), name, field + ".");
            checkRule(name, rule.get("Not"), field + ".Not", false);
            return;
        }
        JsonNode variable = rule.get("Variable");
        if (variable == null || !variable.isTextual()) {
            throw invalid(name, field + ".Variable", "is missing or not a string");
        }
        path(name, field + ".Variable", variable.textValue());
        int operators = 0;
        for (Iterator<String> fields = rule.fieldNames(); fields.hasNext(); ) {
            String operator = fields.next();
            if (operator.equals("Variable") || operator.equals("Next") || operator.equals("Comment")) {
                continue;
            }
            operators++;
            if (!ChoiceRules.supportedOperator(operator)) {
                throw new UnsupportedDefinitionException(name, field + "." + operator, null);
            }
            checkOperand(name, field + "." + operator, operator, rule.get(operator));
        }
        if (operators != 1) {
            throw invalid(name, field, "needs exactly one comparison operator");
        }
    }

    private static void checkOperand(String name, String field, String operator, JsonNode operand) {
        if (operator.endsWith("Path")) {
            if (!operand.isTextual()) {
                throw invalid(name, field, "is not a path string");
            }
            path(name, field, operand.textValue());
        } else if (operator.startsWith("String") && !operand.isTextual()) {
            throw invalid(name, field, "is not a string");
        } else if (operator.startsWith("Numeric") && !operand.isNumber()) {
            throw invalid(name, field, "is not a number");
        } else if ((operator.startsWith("Boolean") || operator.startsWith("Is")) && !operand.isBoolean()) {
            throw invalid(name, field, "is not a boolean");
        }
    }

    private void checkFail(String name, JsonNode state) {
        for (String field : new String[] {"Error", "Cause"}) {
            if (state.has(field) && state.has(field + "Path")) {
                throw invalid(name, field, "and " + field + "Path exclude each other");
            }
            if (state.has(field) && !state.get(field).isTextual()) {
                throw invalid(name, field, "is not a string");
            }
            if (state.has(field + "Path")) {
                expression(name, field + "Path", state.get(field + "Path"));
            }
        }
    }

    private void checkMap(String name, JsonNode state) {
        JsonNode processor = state.get("ItemProcessor");
        if (processor == null || !processor.isObject()) {
            throw invalid(name, "ItemProcessor", "is missing (the legacy Iterator is not supported)");
        }
        onlyFields(processor, ITEM_PROCESSOR_FIELDS, name, "ItemProcessor.");
        JsonNode config = processor.get("ProcessorConfig");
        String mode = "INLINE";
        if (config != null) {
            onlyFields(config, Set.of("Mode", "ExecutionType"), name, "ItemProcessor.ProcessorConfig.");
            if (config.has("Mode")) {
                mode = config.get("Mode").asText();
            }
            if (!mode.equals("INLINE") && !mode.equals("DISTRIBUTED")) {
                throw invalid(name, "ItemProcessor.ProcessorConfig.Mode", "is neither INLINE nor DISTRIBUTED");
            }
            if (config.has("ExecutionType")) {
                String executionType = config.get("ExecutionType").asText();
                if (!mode.equals("DISTRIBUTED") || !Set.of("STANDARD", "EXPRESS").contains(executionType)) {
                    throw invalid(name, "ItemProcessor.ProcessorConfig.ExecutionType",
                            "is STANDARD or EXPRESS, in DISTRIBUTED mode only");
                }
            }
        }
        if (mode.equals("INLINE")) {
            for (String field : DISTRIBUTED_ONLY_MAP_FIELDS) {
                if (state.has(field)) {
                    throw invalid(name, field, "is allowed in DISTRIBUTED mode only");
                }
            }
        }
        checkStates(processor, "state '" + name + "': ItemProcessor");
        optionalPath(name, state, "ItemsPath");
        optionalPath(name, state, "MaxConcurrencyPath");
        optionalTemplate(name, state, "ItemSelector");
        if (state.has("MaxConcurrency") && state.has("MaxConcurrencyPath")) {
            throw invalid(name, "MaxConcurrency", "and MaxConcurrencyPath exclude each other");
        }
        if (state.has("MaxConcurrency") && !(state.get("MaxConcurrency").canConvertToInt()
                && state.get("MaxConcurrency").isIntegralNumber() && state.get("MaxConcurrency").intValue() >= 0)) {
            throw invalid(name, "MaxConcurrency", "is not a non-negative integer");
        }
        if (state.has("ToleratedFailurePercentage")) {
            JsonNode percentage = state.get("ToleratedFailurePercentage");
            if (!percentage.isNumber() || percentage.doubleValue() < 0 || percentage.doubleValue() > 100) {
                throw invalid(name, "ToleratedFailurePercentage", "is not a number from 0 to 100");
            }
        }
        if (state.has("ToleratedFailureCount")) {
            JsonNode count = state.get("ToleratedFailureCount");
            if (!count.isIntegralNumber() || count.longValue() < 0) {
                throw invalid(name, "ToleratedFailureCount", "is not a non-negative integer");
            }
        }
        if (state.has("ItemReader")) {
            JsonNode reader = state.get("ItemReader");
            onlyFields(reader, Set.of("Resource", "ReaderConfig", "Parameters"), name, "ItemReader.");
            if (!S3_GET_OBJECT.equals(reader.path("Resource").asText())) {
                throw new UnsupportedDefinitionException(name, "ItemReader.Resource",
                        reader.path("Resource").asText() + " (only " + S3_GET_OBJECT + ")");
            }
            JsonNode readerConfig = reader.path("ReaderConfig");
            onlyFields(readerConfig, Set.of("InputType"), name, "ItemReader.ReaderConfig.");
            if (!"JSON".equals(readerConfig.path("InputType").asText())) {
                throw new UnsupportedDefinitionException(name, "ItemReader.ReaderConfig.InputType",
                        readerConfig.path("InputType").asText() + " (only JSON)");
            }
            checkS3Parameters(name, reader, "ItemReader", Set.of("Bucket", "Key"));
        }
        if (state.has("ResultWriter")) {
            JsonNode writer = state.get("ResultWriter");
            onlyFields(writer, Set.of("Resource", "Parameters"), name, "ResultWriter.");
            if (!S3_PUT_OBJECT.equals(writer.path("Resource").asText())) {
                throw new UnsupportedDefinitionException(name, "ResultWriter.Resource",
                        writer.path("Resource").asText() + " (only " + S3_PUT_OBJECT + ")");
            }
            checkS3Parameters(name, writer, "ResultWriter", Set.of("Bucket", "Prefix"));
        }
    }

    private void checkS3Parameters(String name, JsonNode owner, String ownerField, Set<String> required) {
        JsonNode parameters = owner.get("Parameters");
        String field = ownerField + ".Parameters";
        if (parameters == null || !parameters.isObject()) {
            throw invalid(name, field, "is missing");
        }
        Set<String> allowed = new HashSet<>();
        for (String parameter : required) {
            allowed.add(parameter);
            allowed.add(parameter + ".$");
            if (!parameters.has(parameter) && !parameters.has(parameter + ".$")) {
                throw invalid(name, field + "." + parameter, "is missing");
            }
        }
        onlyFields(parameters, allowed, name, field + ".");
        template(name, field, parameters);
    }

    private static void checkRetriers(String name, JsonNode retriers) {
        if (!retriers.isArray()) {
            throw invalid(name, "Retry", "is not an array");
        }
        for (int i = 0; i < retriers.size(); i++) {
            JsonNode retrier = retriers.get(i);
            String field = "Retry[" + i + "]";
            onlyFields(retrier, RETRIER_FIELDS, name, field + ".");
            checkErrorEquals(name, field, retrier.get("ErrorEquals"), i == retriers.size() - 1);
            positiveInteger(name, retrier, field, "IntervalSeconds");
            positiveInteger(name, retrier, field, "MaxDelaySeconds");
            if (retrier.has("MaxAttempts") && !(retrier.get("MaxAttempts").isIntegralNumber()
                    && retrier.get("MaxAttempts").intValue() >= 0)) {
                throw invalid(name, field + ".MaxAttempts", "is not a non-negative integer");
            }
            if (retrier.has("BackoffRate") && !(retrier.get("BackoffRate").isNumber()
                    && retrier.get("BackoffRate").doubleValue() >= 1.0)) {
                throw invalid(name, field + ".BackoffRate", "is not a number of at least 1.0");
            }
            if (retrier.has("JitterStrategy")
                    && !Set.of("FULL", "NONE").contains(retrier.get("JitterStrategy").asText())) {
                throw invalid(name, field + ".JitterStrategy", "is neither FULL nor NONE");
            }
        }
    }

    private static void checkCatchers(String name, JsonNode catchers, Set<String> names) {
        if (!catchers.isArray()) {
            throw invalid(name, "Catch", "is not an array");
        }
        for (int i = 0; i < catchers.size(); i++) {
            JsonNode catcher = catchers.get(i);
            String field = "Catch[" + i + "]";
            onlyFields(catcher, CATCHER_FIELDS, name, field + ".");
            checkErrorEquals(name, field, catcher.get("ErrorEquals"), i == catchers.size() - 1);
            checkTarget(name, field + ".Next", catcher.get("Next"), names);
            optionalReferencePath(name, catcher, "ResultPath", field + ".ResultPath");
        }
    }

    private static void checkErrorEquals(String name, String field, JsonNode errorEquals, boolean last) {
        if (errorEquals == null || !errorEquals.isArray() || errorEquals.isEmpty()) {
            throw invalid(name, field + ".ErrorEquals", "is missing or empty");
        }
        for (JsonNode error : errorEquals) {
            if (!error.isTextual()) {
                throw invalid(name, field + ".ErrorEquals", "holds something other than strings");
            }
            if (error.textValue().equals(StatesError.ALL) && (errorEquals.size() != 1 || !last)) {
                throw invalid(name, field + ".ErrorEquals", "States.ALL must appear alone and in the last entry");
            }
        }
    }

    private static void positiveInteger(String name, JsonNode owner, String ownerField, String field) {
        if (owner.has(field) && !(owner.get(field).isIntegralNumber() && owner.get(field).longValue() > 0)) {
            throw invalid(name, ownerField + "." + field, "is not a positive integer");
        }
    }

    private static void onlyFields(JsonNode node, Set<String> allowed, String name, String prefix) {
        if (!node.isObject()) {
            throw invalid(name, prefix.isEmpty() ? "(state)" : prefix.substring(0, prefix.length() - 1),
                    "is not an object");
        }
        for (Iterator<String> fields = node.fieldNames(); fields.hasNext(); ) {
            String field = fields.next();
            if (!allowed.contains(field)) {
                throw new UnsupportedDefinitionException(name, prefix + field, null);
            }
        }
    }

    private static void optionalPath(String name, JsonNode state, String field) {
        JsonNode value = state.get(field);
        if (value == null) {
            return;
        }
        if (value.isNull() && (field.equals("InputPath") || field.equals("OutputPath"))) {
            return;
        }
        if (!value.isTextual()) {
            throw invalid(name, field, "is not a path string");
        }
        path(name, field, value.textValue());
    }

    private static void optionalReferencePath(String name, JsonNode owner, String field) {
        optionalReferencePath(name, owner, field, field);
    }

    private static void optionalReferencePath(String name, JsonNode owner, String field, String fieldName) {
        JsonNode value = owner.get(field);
        if (value == null || value.isNull()) {
            return;
        }
        if (!value.isTextual()) {
            throw invalid(name, fieldName, "is not a path string");
        }
        if (!JsonPaths.isReferencePath(value.textValue())) {
            throw new UnsupportedDefinitionException(name, fieldName,
                    value.textValue() + " (only $ and $.name.name... reference paths)");
        }
    }

    private static void path(String name, String field, String path) {
        try {
            JsonPaths.check(path);
        } catch (IllegalArgumentException e) {
            throw invalid(name, field, e.getMessage());
        }
    }

    private static void expression(String name, String field, JsonNode expression) {
        if (!expression.isTextual()) {
            throw invalid(name, field, "is not a path or intrinsic function string");
        }
        try {
            Expressions.checkExpression(expression.textValue());
        } catch (IntrinsicFunction.UnsupportedFunctionException e) {
            throw new UnsupportedDefinitionException(name, field, "intrinsic function " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw invalid(name, field, e.getMessage());
        }
    }

    private static void optionalTemplate(String name, JsonNode state, String field) {
        JsonNode template = state.get(field);
        if (template != null) {
            template(name, field, template);
        }
    }

    private static void template(String name, String field, JsonNode template) {
        if (template.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = template.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = fields.next();
                String key = entry.getKey();
                String child = field + "." + key;
                if (key.endsWith(".$")) {
                    if (template.has(key.substring(0, key.length() - 2))) {
                        throw invalid(name, child, "and " + key.substring(0, key.length() - 2) + " are both given");
                    }
                    expression(name, child, entry.getValue());
                } else {
                    template(name, child, entry.getValue());
                }
            }
        } else if (template.isArray()) {
            for (int i = 0; i < template.size(); i++) {
                template(name, field + "[" + i + "]", template.get(i));
            }
        }
    }

    private static InvalidDefinitionException invalid(String name, String field, String problem) {
        return new InvalidDefinitionException("state '" + name + "': field '" + field + "' " + problem);
    }
}
