package dev.refdata.ingest.statemachine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.random.RandomGenerator;

/**
 * Runs a checked {@link StateMachineDefinition} in the calling thread (Map iterations in a bounded pool), with tasks
 * bound to Java, a Distributed Map's items and results in an {@link ItemSource}, and retry delays through a
 * {@link Sleeper}.
 */
public final class LocalExecutor {

    /** The pool size for a Map whose MaxConcurrency is 0 (unlimited). */
    static final int UNLIMITED_CONCURRENCY_THREADS = 64;

    private static final String STATE_MACHINE_ARN = "arn:aws:states:local:000000000000:stateMachine:local";

    private final StateMachineDefinition definition;
    private final Map<String, TaskHandler> tasks;
    private final ItemSource items;
    private final Sleeper sleeper;
    private final RandomGenerator jitter;

    public LocalExecutor(StateMachineDefinition definition, Map<String, TaskHandler> tasks, ItemSource items,
            Sleeper sleeper) {
        this(definition, tasks, items, sleeper, RandomGenerator.getDefault());
    }

    /**
     * @param jitter draws the FULL jitter of retry delays
     * @throws IllegalArgumentException when a task the definition names has no handler
     */
    public LocalExecutor(StateMachineDefinition definition, Map<String, TaskHandler> tasks, ItemSource items,
            Sleeper sleeper, RandomGenerator jitter) {
        this.definition = Objects.requireNonNull(definition, "definition");
        this.tasks = Map.copyOf(tasks);
        this.items = Objects.requireNonNull(items, "items");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.jitter = Objects.requireNonNull(jitter, "jitter");
        Set<String> unbound = new TreeSet<>(definition.boundTaskNames());
        unbound.removeAll(this.tasks.keySet());
        if (!unbound.isEmpty()) {
            throw new IllegalArgumentException("no TaskHandler for " + unbound);
        }
    }

    /**
     * Runs the definition to its end. A thread interrupted meanwhile ends the run ABORTED with its interrupt flag
     * set again.
     */
    public ExecutionResult run(JsonNode input, String executionName) {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(executionName, "executionName");
        ObjectNode context = JsonNodeFactory.instance.objectNode();
        ObjectNode execution = context.putObject("Execution");
        execution.put("Id", STATE_MACHINE_ARN.replace(":stateMachine:", ":execution:") + ":" + executionName);
        execution.put("Name", executionName);
        execution.set("Input", input.deepCopy());
        execution.put("StartTime", Instant.now().toString());
        ObjectNode stateMachine = context.putObject("StateMachine");
        stateMachine.put("Id", STATE_MACHINE_ARN);
        stateMachine.put("Name", "local");
        try {
            return ExecutionResult.succeeded(runStates(definition.root(), input.deepCopy(), context));
        } catch (StatesError e) {
            return ExecutionResult.failed(e.error(), e.errorCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ExecutionResult(ExecutionResult.ABORTED, null, "Interrupted", "the executing thread was interrupted");
        }
    }

    /** A state's output and the state to go to next, or null at the end. */
    private record Transition(JsonNode output, String next) {
        Transition {
            Objects.requireNonNull(output, "output");
        }
    }

    private JsonNode runStates(JsonNode block, JsonNode input, ObjectNode executionContext)
            throws StatesError, InterruptedException {
        JsonNode states = block.get("States");
        String current = block.get("StartAt").textValue();
        JsonNode data = input;
        while (true) {
            JsonNode state = states.get(current);
            ObjectNode context = executionContext.deepCopy();
            ObjectNode stateContext = context.putObject("State");
            stateContext.put("Name", current);
            stateContext.put("EnteredTime", Instant.now().toString());
            stateContext.put("RetryCount", 0);
            Transition transition = runState(current, state, data, context);
            if (transition.next() == null) {
                return transition.output();
            }
            current = transition.next();
            data = transition.output();
        }
    }

    private Transition runState(String name, JsonNode state, JsonNode rawInput, ObjectNode context)
            throws StatesError, InterruptedException {
        String type = state.get("Type").textValue();
        switch (type) {
            case "Fail" -> throw failState(state, rawInput, context);
            case "Succeed" -> {
                return new Transition(outputPath(state, inputPath(state, rawInput, context), context), null);
            }
            case "Choice" -> {
                JsonNode effective = inputPath(state, rawInput, context);
                return new Transition(outputPath(state, effective, context), choose(name, state, effective, context));
            }
            case "Pass" -> {
                JsonNode effective = parameters(state, inputPath(state, rawInput, context), context);
                JsonNode result = state.has("Result") ? state.get("Result").deepCopy() : effective;
                return next(state, outputPath(state, resultPath(state.get("ResultPath"), state.has("ResultPath"),
                        rawInput, result), context));
            }
            case "Task", "Map" -> {
                try {
                    JsonNode effective = parameters(state, inputPath(state, rawInput, context), context);
                    JsonNode result = withRetries(state, context,
                            () -> type.equals("Task") ? invokeTask(state, effective) : runMap(state, effective, context));
                    if (state.has("ResultSelector")) {
                        result = Expressions.applyTemplate(state.get("ResultSelector"), result, context);
                    }
                    return next(state, outputPath(state, resultPath(state.get("ResultPath"),
                            state.has("ResultPath"), rawInput, result), context));
                } catch (StatesError e) {
                    return caught(state, rawInput, e);
                }
            }
            default -> throw new IllegalStateException("unchecked state type " + type);
        }
    }

    private static Transition next(JsonNode state, JsonNode output) {
        return new Transition(output, state.has("Next") ? state.get("Next").textValue() : null);
    }

    private static JsonNode inputPath(JsonNode state, JsonNode rawInput, JsonNode context) throws StatesError {
        return selectPath(state, "InputPath", rawInput, context);
    }

    private static JsonNode outputPath(JsonNode state, JsonNode output, JsonNode context) throws StatesError {
        return selectPath(state, "OutputPath", output, context);
    }

    /** InputPath and OutputPath: absent keeps the data, null gives {}. */
    private static JsonNode selectPath(JsonNode state, String field, JsonNode data, JsonNode context)
            throws StatesError {
        JsonNode path = state.get(field);
        if (path == null) {
            return data;
        }
        if (path.isNull()) {
            return JsonPaths.emptyObject();
        }
        return JsonPaths.read(path.textValue(), data, context);
    }

    private static JsonNode parameters(JsonNode state, JsonNode effective, JsonNode context) throws StatesError {
        if (state.has("Parameters")) {
            return Expressions.applyTemplate(state.get("Parameters"), effective, context);
        }
        return effective;
    }

    /** ResultPath: absent is $, null keeps the raw input and discards the result. */
    private static JsonNode resultPath(JsonNode path, boolean given, JsonNode rawInput, JsonNode result)
            throws StatesError {
        if (!given) {
            return result;
        }
        if (path.isNull()) {
            return rawInput;
        }
        return JsonPaths.place(rawInput, path.textValue(), result);
    }

    private static StatesError failState(JsonNode state, JsonNode input, JsonNode context) throws StatesError {
        String error = failField(state, "Error", input, context);
        String cause = failField(state, "Cause", input, context);
        return StatesError.fromFailState(error, cause);
    }

    private static String failField(JsonNode state, String field, JsonNode input, JsonNode context)
            throws StatesError {
        if (state.has(field)) {
            return state.get(field).textValue();
        }
        if (state.has(field + "Path")) {
            JsonNode value = Expressions.evaluate(state.get(field + "Path").textValue(), input, context);
            if (!value.isTextual()) {
                throw StatesError.runtime(field + "Path " + state.get(field + "Path").textValue()
                        + " selects " + value + ", not a string");
            }
            return value.textValue();
        }
        return null;
    }

    private static String choose(String name, JsonNode state, JsonNode input, JsonNode context) throws StatesError {
        for (JsonNode rule : state.get("Choices")) {
            if (ChoiceRules.matches(rule, input, context)) {
                return rule.get("Next").textValue();
            }
        }
        if (state.has("Default")) {
            return state.get("Default").textValue();
        }
        throw StatesError.of(StatesError.NO_CHOICE_MATCHED, "No Choice Rule matched in state '" + name
                + "' and it has no Default");
    }

    /** The work a Retry covers. */
    @FunctionalInterface
    private interface Attempt {
        JsonNode run() throws StatesError, InterruptedException;
    }

    private JsonNode withRetries(JsonNode state, ObjectNode context, Attempt attempt)
            throws StatesError, InterruptedException {
        JsonNode retriers = state.path("Retry");
        int[] retriesByRetrier = new int[retriers.size()];
        int retries = 0;
        while (true) {
            try {
                return attempt.run();
            } catch (StatesError e) {
                int index = matchingEntry(retriers, e);
                if (index < 0) {
                    throw e;
                }
                JsonNode retrier = retriers.get(index);
                int maxAttempts = retrier.path("MaxAttempts").asInt(3);
                if (retriesByRetrier[index] >= maxAttempts) {
                    throw e;
                }
                retriesByRetrier[index]++;
                sleeper.sleep(retryDelay(retrier, retriesByRetrier[index]));
                ((ObjectNode) context.get("State")).put("RetryCount", ++retries);
            }
        }
    }

    /** The delay before the given retry (1 for the first) of a retrier. */
    Duration retryDelay(JsonNode retrier, int retry) {
        double seconds = retrier.path("IntervalSeconds").asDouble(1)
                * Math.pow(retrier.path("BackoffRate").asDouble(2.0), retry - 1);
        if (retrier.has("MaxDelaySeconds")) {
            seconds = Math.min(seconds, retrier.get("MaxDelaySeconds").asDouble());
        }
        if (retrier.path("JitterStrategy").asText("NONE").equals("FULL")) {
            seconds = jitter.nextDouble() * seconds;
        }
        return Duration.ofMillis(Math.round(seconds * 1000));
    }

    private static int matchingEntry(JsonNode entries, StatesError error) {
        for (int i = 0; i < entries.size(); i++) {
            for (JsonNode name : entries.get(i).get("ErrorEquals")) {
                if (error.matchedBy(name.textValue())) {
                    return i;
                }
            }
        }
        return -1;
    }

    private static Transition caught(JsonNode state, JsonNode rawInput, StatesError error) throws StatesError {
        JsonNode catchers = state.path("Catch");
        int index = matchingEntry(catchers, error);
        if (index < 0) {
            throw error;
        }
        JsonNode catcher = catchers.get(index);
        JsonNode output = resultPath(catcher.get("ResultPath"), catcher.has("ResultPath"), rawInput,
                error.errorOutput());
        return new Transition(output, catcher.get("Next").textValue());
    }

    private JsonNode invokeTask(JsonNode state, JsonNode parameters) throws StatesError {
        String resource = state.get("Resource").textValue();
        if (!resource.equals(DefinitionChecker.LAMBDA_INVOKE)) {
            return invokeHandler(resource, parameters);
        }
        JsonNode functionName = parameters.get("FunctionName");
        if (functionName == null || !functionName.isTextual()) {
            throw StatesError.runtime("lambda:invoke needs a FunctionName string, got " + functionName);
        }
        if (!tasks.containsKey(functionName.textValue())) {
            throw StatesError.of("Lambda.ResourceNotFoundException", "Function not found: " + functionName.textValue());
        }
        JsonNode payload = parameters.has("Payload") ? parameters.get("Payload") : JsonPaths.emptyObject();
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        result.set("Payload", invokeHandler(functionName.textValue(), payload));
        result.put("StatusCode", 200);
        return result;
    }

    private JsonNode invokeHandler(String name, JsonNode input) throws StatesError {
        TaskHandler handler = tasks.get(name);
        try {
            JsonNode result = handler.invoke(input);
            return result == null ? NullNode.getInstance() : result.deepCopy();
        } catch (TaskFailedException e) {
            throw StatesError.fromTask(e);
        } catch (RuntimeException e) {
            throw StatesError.fromTask(new TaskFailedException(e.getClass().getName(), String.valueOf(e.getMessage())));
        }
    }

    /** How one Map iteration ended: an output, or an error. */
    private record IterationOutcome(JsonNode input, JsonNode output, StatesError failure) {
        IterationOutcome {
            if ((output == null) == (failure == null)) {
                throw new IllegalArgumentException("an iteration has either an output or a failure");
            }
        }
    }

    private JsonNode runMap(JsonNode state, JsonNode effective, ObjectNode context)
            throws StatesError, InterruptedException {
        JsonNode processor = state.get("ItemProcessor");
        boolean distributed = "DISTRIBUTED".equals(processor.path("ProcessorConfig").path("Mode").asText("INLINE"));
        JsonNode itemValues = readItems(state, effective, context);
        List<JsonNode> iterationInputs = new ArrayList<>();
        for (int index = 0; index < itemValues.size(); index++) {
            if (!state.has("ItemSelector")) {
                iterationInputs.add(itemValues.get(index).deepCopy());
                continue;
            }
            ObjectNode itemContext = context.deepCopy();
            ObjectNode item = itemContext.putObject("Map").putObject("Item");
            item.put("Index", index);
            item.set("Value", itemValues.get(index));
            iterationInputs.add(Expressions.applyTemplate(state.get("ItemSelector"), effective, itemContext));
        }
        List<IterationOutcome> outcomes = iterate(processor, iterationInputs, maxConcurrency(state, effective, context),
                distributed, context);
        int failed = (int) outcomes.stream().filter(outcome -> outcome.failure() != null).count();
        if (exceedsToleratedFailures(state, failed, outcomes.size())) {
            throw StatesError.of(StatesError.EXCEED_TOLERATED_FAILURE_THRESHOLD, "The specified tolerated failure "
                    + "threshold was exceeded: " + failed + " of " + outcomes.size() + " items failed");
        }
        if (state.has("ResultWriter")) {
            return writeResults(state.get("ResultWriter"), outcomes, effective, context);
        }
        ArrayNode results = JsonNodeFactory.instance.arrayNode();
        for (IterationOutcome outcome : outcomes) {
            results.add(outcome.output() != null ? outcome.output() : outcome.failure().errorOutput());
        }
        return results;
    }

    private JsonNode readItems(JsonNode state, JsonNode effective, JsonNode context) throws StatesError {
        JsonNode itemValues;
        if (state.has("ItemReader")) {
            JsonNode location = Expressions.applyTemplate(state.get("ItemReader").get("Parameters"), effective, context);
            if (!location.path("Bucket").isTextual() || !location.path("Key").isTextual()) {
                throw StatesError.of(StatesError.ITEM_READER_FAILED, "Bucket and Key must be strings: " + location);
            }
            try {
                itemValues = items.read(location.get("Bucket").textValue(), location.get("Key").textValue());
            } catch (RuntimeException e) {
                throw StatesError.of(StatesError.ITEM_READER_FAILED, "Reading s3://" + location.get("Bucket").textValue()
                        + "/" + location.get("Key").textValue() + " failed: " + e);
            }
            if (itemValues == null || !itemValues.isArray()) {
                throw StatesError.of(StatesError.ITEM_READER_FAILED, "The object s3://" + location.get("Bucket")
                        .textValue() + "/" + location.get("Key").textValue() + " is not a JSON array");
            }
        } else {
            itemValues = JsonPaths.read(state.path("ItemsPath").asText("$"), effective, context);
            if (!itemValues.isArray()) {
                throw StatesError.runtime("ItemsPath selects " + itemValues + ", not an array");
            }
        }
        return itemValues;
    }

    private static int maxConcurrency(JsonNode state, JsonNode effective, JsonNode context) throws StatesError {
        int maxConcurrency = state.path("MaxConcurrency").asInt(0);
        if (state.has("MaxConcurrencyPath")) {
            JsonNode value = JsonPaths.read(state.get("MaxConcurrencyPath").textValue(), effective, context);
            if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 0) {
                throw StatesError.runtime("MaxConcurrencyPath selects " + value + ", not a non-negative integer");
            }
            maxConcurrency = value.intValue();
        }
        return maxConcurrency;
    }

    private static boolean exceedsToleratedFailures(JsonNode state, int failed, int total) {
        if (failed == 0) {
            return false;
        }
        boolean countGiven = state.has("ToleratedFailureCount");
        boolean percentageGiven = state.has("ToleratedFailurePercentage");
        if (!countGiven && !percentageGiven) {
            return true;
        }
        boolean exceedsCount = countGiven && failed > state.get("ToleratedFailureCount").longValue();
        boolean exceedsPercentage = percentageGiven
                && failed * 100.0 / total > state.get("ToleratedFailurePercentage").doubleValue();
        return exceedsCount || exceedsPercentage;
    }

    /**
     * Runs the iterations at most maxConcurrency (0: unlimited) at a time. INLINE: the first failure (in item order)
     * stops the others and fails the map. DISTRIBUTED: every iteration runs, as a child execution of its own.
     */
    private List<IterationOutcome> iterate(JsonNode processor, List<JsonNode> inputs, int maxConcurrency,
            boolean distributed, ObjectNode context) throws StatesError, InterruptedException {
        List<IterationOutcome> outcomes = new ArrayList<>();
        if (inputs.isEmpty()) {
            return outcomes;
        }
        int threads = Math.min(inputs.size(), maxConcurrency == 0 ? UNLIMITED_CONCURRENCY_THREADS : maxConcurrency);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<IterationOutcome>> futures = new ArrayList<>();
            for (int index = 0; index < inputs.size(); index++) {
                JsonNode input = inputs.get(index);
                ObjectNode iterationContext = distributed ? childExecutionContext(context, index, input) : context;
                futures.add(pool.submit(() -> {
                    try {
                        return new IterationOutcome(input, runStates(processor, input, iterationContext), null);
                    } catch (StatesError e) {
                        return new IterationOutcome(input, null, e);
                    }
                }));
            }
            for (Future<IterationOutcome> future : futures) {
                IterationOutcome outcome = outcome(future);
                if (!distributed && outcome.failure() != null) {
                    throw outcome.failure();
                }
                outcomes.add(outcome);
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    private static IterationOutcome outcome(Future<IterationOutcome> future) throws InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof InterruptedException interrupted) {
                throw interrupted;
            }
            if (e.getCause() instanceof RuntimeException unexpected) {
                throw unexpected;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private static ObjectNode childExecutionContext(ObjectNode parent, int index, JsonNode input) {
        ObjectNode context = parent.deepCopy();
        context.remove("State");
        ObjectNode execution = (ObjectNode) context.get("Execution");
        String name = execution.get("Name").textValue() + "-item-" + index;
        execution.put("Id", execution.get("Id").textValue() + "/" + index);
        execution.put("Name", name);
        execution.set("Input", input);
        execution.put("StartTime", Instant.now().toString());
        return context;
    }

    /**
     * ResultWriter: writes {@code Prefix/<map run id>/SUCCEEDED_0.json} and {@code FAILED_0.json} (arrays of
     * {Name, Status, Input, Output | Error, Cause}, Input and Output as JSON strings) and a {@code manifest.json}
     * listing them; the map's result is {"MapRunArn", "ResultWriterDetails": {"Bucket", "Key" of the manifest}}.
     */
    private JsonNode writeResults(JsonNode resultWriter, List<IterationOutcome> outcomes, JsonNode effective,
            JsonNode context) throws StatesError {
        JsonNode location = Expressions.applyTemplate(resultWriter.get("Parameters"), effective, context);
        if (!location.path("Bucket").isTextual() || !location.path("Prefix").isTextual()) {
            throw StatesError.of(StatesError.RESULT_WRITER_FAILED, "Bucket and Prefix must be strings: " + location);
        }
        String bucket = location.get("Bucket").textValue();
        String mapRunId = UUID.randomUUID().toString();
        String prefix = location.get("Prefix").textValue();
        String directory = (prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/") + mapRunId + "/";
        String mapRunArn = STATE_MACHINE_ARN.replace(":stateMachine:", ":mapRun:") + "/" + mapRunId;
        ArrayNode succeeded = JsonNodeFactory.instance.arrayNode();
        ArrayNode failed = JsonNodeFactory.instance.arrayNode();
        for (int index = 0; index < outcomes.size(); index++) {
            IterationOutcome outcome = outcomes.get(index);
            ObjectNode entry = (outcome.failure() == null ? succeeded : failed).addObject();
            entry.put("Name", String.valueOf(index));
            entry.put("Input", outcome.input().toString());
            if (outcome.failure() == null) {
                entry.put("Status", "SUCCEEDED");
                entry.put("Output", outcome.output().toString());
            } else {
                entry.put("Status", "FAILED");
                entry.put("Error", outcome.failure().error());
                entry.put("Cause", outcome.failure().errorCause());
            }
        }
        ObjectNode manifest = JsonNodeFactory.instance.objectNode();
        manifest.put("DestinationBucket", bucket);
        manifest.put("MapRunArn", mapRunArn);
        ObjectNode resultFiles = manifest.putObject("ResultFiles");
        write(bucket, directory + "SUCCEEDED_0.json", succeeded, resultFiles.putArray("SUCCEEDED"));
        write(bucket, directory + "FAILED_0.json", failed, resultFiles.putArray("FAILED"));
        resultFiles.putArray("PENDING");
        write(bucket, directory + "manifest.json", manifest, null);
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        result.put("MapRunArn", mapRunArn);
        ObjectNode details = result.putObject("ResultWriterDetails");
        details.put("Bucket", bucket);
        details.put("Key", directory + "manifest.json");
        return result;
    }

    private void write(String bucket, String key, JsonNode content, ArrayNode listing) throws StatesError {
        if (listing != null && content.isEmpty()) {
            return;
        }
        byte[] bytes;
        try {
            bytes = JsonPaths.MAPPER.writeValueAsBytes(content);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        try {
            items.write(bucket, key, bytes);
        } catch (RuntimeException e) {
            throw StatesError.of(StatesError.RESULT_WRITER_FAILED, "Writing s3://" + bucket + "/" + key + " failed: " + e);
        }
        if (listing != null) {
            listing.addObject().put("Key", key).put("Size", bytes.length);
        }
    }
}
