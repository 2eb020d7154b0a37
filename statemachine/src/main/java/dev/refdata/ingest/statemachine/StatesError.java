package dev.refdata.ingest.statemachine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * An error raised while a state runs, named as Step Functions names it. {@code raisedByTask} marks the errors a task
 * handler reported, which the {@code States.TaskFailed} wildcard matches.
 */
final class StatesError extends Exception {

    private static final long serialVersionUID = 1L;

    static final String ALL = "States.ALL";
    static final String RUNTIME = "States.Runtime";
    static final String TASK_FAILED = "States.TaskFailed";
    static final String TIMEOUT = "States.Timeout";
    static final String NO_CHOICE_MATCHED = "States.NoChoiceMatched";
    static final String RESULT_PATH_MATCH_FAILURE = "States.ResultPathMatchFailure";
    static final String EXCEED_TOLERATED_FAILURE_THRESHOLD = "States.ExceedToleratedFailureThreshold";
    static final String ITEM_READER_FAILED = "States.ItemReaderFailed";
    static final String RESULT_WRITER_FAILED = "States.ResultWriterFailed";

    private final String error;
    private final String errorCause;
    private final boolean raisedByTask;

    private StatesError(String error, String errorCause, boolean raisedByTask) {
        super(error + ": " + errorCause, null, false, false);
        this.error = error;
        this.errorCause = errorCause;
        this.raisedByTask = raisedByTask;
    }

    static StatesError of(String error, String cause) {
        return new StatesError(Objects.requireNonNull(error, "error"), Objects.requireNonNull(cause, "cause"), false);
    }

    static StatesError runtime(String cause) {
        return new StatesError(RUNTIME, cause, false);
    }

    static StatesError fromTask(TaskFailedException failure) {
        return new StatesError(failure.error(), failure.cause(), true);
    }

    /** From a Fail state: the error and the cause may be absent (null), as Step Functions reports them. */
    static StatesError fromFailState(String error, String cause) {
        return new StatesError(error, cause, false);
    }

    String error() {
        return error;
    }

    String errorCause() {
        return errorCause;
    }

    /** States.Runtime is terminal: no Retry or Catch handles it. */
    boolean terminal() {
        return RUNTIME.equals(error);
    }

    /** Whether a Retrier's or Catcher's {@code ErrorEquals} entry matches this error. */
    boolean matchedBy(String errorName) {
        if (terminal()) {
            return false;
        }
        if (errorName.equals(ALL)) {
            return true;
        }
        if (errorName.equals(TASK_FAILED) && raisedByTask && !TIMEOUT.equals(error)) {
            return true;
        }
        return errorName.equals(error);
    }

    /** The error output that a Catcher's ResultPath places: {"Error": ..., "Cause": ...}. */
    ObjectNode errorOutput() {
        ObjectNode output = JsonNodeFactory.instance.objectNode();
        if (error == null) {
            output.putNull("Error");
        } else {
            output.put("Error", error);
        }
        if (errorCause == null) {
            output.putNull("Cause");
        } else {
            output.put("Cause", errorCause);
        }
        return output;
    }
}
