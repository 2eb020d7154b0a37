package dev.refdata.ingest.statemachine.differential;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refdata.ingest.statemachine.TaskFailedException;
import dev.refdata.ingest.statemachine.TaskHandler;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The deterministic fake task behaviours of {@code statemachine/differential/run-asl.mjs}, for the Java executor. A
 * fixture's {@code "tasks"} object maps a Task state's Resource to one of:
 * <ul>
 *   <li>{@code {"kind": "echo"}}: returns its input;</li>
 *   <li>{@code {"kind": "add"}}: returns {@code {"sum": input.a + input.b}};</li>
 *   <li>{@code {"kind": "constant", "value": v}}: returns v;</li>
 *   <li>{@code {"kind": "fail", "error": e, "cause": c}}: fails with e/c every time;</li>
 *   <li>{@code {"kind": "failTimes", "times": n, "error": e, "cause": c}}: fails with e/c on its first n calls (counted
 *       per resource over the whole execution), then returns its input.</li>
 * </ul>
 * Keep the two in step: a difference here is a difference in the test, not in the executors.
 */
final class FakeTasks {

    private FakeTasks() {
    }

    /** Fresh handlers (fresh failTimes counters) for one execution. */
    static Map<String, TaskHandler> handlers(JsonNode tasks) {
        Map<String, TaskHandler> byResource = new LinkedHashMap<>();
        if (tasks == null || tasks.isNull()) {
            return byResource;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = tasks.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            byResource.put(entry.getKey(), handler(entry.getKey(), entry.getValue()));
        }
        return byResource;
    }

    private static TaskHandler handler(String resource, JsonNode spec) {
        String kind = spec.path("kind").asText();
        switch (kind) {
            case "echo":
                return input -> input;
            case "add":
                return FakeTasks::add;
            case "constant": {
                JsonNode value = spec.get("value");
                return input -> value.deepCopy();
            }
            case "fail": {
                String error = spec.path("error").asText();
                String cause = text(spec.get("cause"));
                return input -> {
                    throw new TaskFailedException(error, cause);
                };
            }
            case "failTimes": {
                int times = spec.path("times").asInt();
                String error = spec.path("error").asText();
                String cause = text(spec.get("cause"));
                AtomicInteger calls = new AtomicInteger();
                return input -> {
                    if (calls.incrementAndGet() <= times) {
                        throw new TaskFailedException(error, cause);
                    }
                    return input;
                };
            }
            default:
                throw new IllegalArgumentException("unknown fake task kind '" + kind + "' for resource " + resource);
        }
    }

    /** JavaScript's {@code input.a + input.b} for the numbers the fixtures use: integral stays integral. */
    private static JsonNode add(JsonNode input) {
        JsonNode a = input.get("a");
        JsonNode b = input.get("b");
        if (a == null || b == null || !a.isNumber() || !b.isNumber()) {
            throw new IllegalArgumentException("add needs numeric a and b: " + input);
        }
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        if (a.canConvertToExactIntegral() && b.canConvertToExactIntegral()) {
            result.put("sum", a.bigIntegerValue().add(b.bigIntegerValue()));
        } else {
            result.put("sum", a.doubleValue() + b.doubleValue());
        }
        return result;
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }
}
