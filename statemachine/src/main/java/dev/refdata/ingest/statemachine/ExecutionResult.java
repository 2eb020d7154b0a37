package dev.refdata.ingest.statemachine;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import java.util.Set;

/**
 * How an execution ended. SUCCEEDED carries the output and no error; FAILED carries the error and cause (from a Fail
 * state or an uncaught error) and no output; ABORTED means the executing thread was interrupted.
 */
public record ExecutionResult(String status, JsonNode output, String error, String cause) {

    public static final String SUCCEEDED = "SUCCEEDED";
    public static final String FAILED = "FAILED";
    public static final String ABORTED = "ABORTED";

    private static final Set<String> STATUSES = Set.of(SUCCEEDED, FAILED, ABORTED);

    public ExecutionResult {
        Objects.requireNonNull(status, "status");
        if (!STATUSES.contains(status)) {
            throw new IllegalArgumentException("status must be one of " + STATUSES + ": " + status);
        }
        if (status.equals(SUCCEEDED) && (output == null || error != null || cause != null)) {
            throw new IllegalArgumentException("a SUCCEEDED execution has an output and no error or cause");
        }
        if (!status.equals(SUCCEEDED) && output != null) {
            throw new IllegalArgumentException("a " + status + " execution has no output");
        }
    }

    static ExecutionResult succeeded(JsonNode output) {
        return new ExecutionResult(SUCCEEDED, output, null, null);
    }

    static ExecutionResult failed(String error, String cause) {
        return new ExecutionResult(FAILED, null, error, cause);
    }

    public boolean succeeded() {
        return status.equals(SUCCEEDED);
    }
}
