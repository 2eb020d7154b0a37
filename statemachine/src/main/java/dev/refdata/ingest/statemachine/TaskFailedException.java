package dev.refdata.ingest.statemachine;

import java.util.Objects;

/** A task's failure as Step Functions sees it: an error name (matched by Retry and Catch) and a cause. */
public class TaskFailedException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String error;
    private final String cause;

    /**
     * @param error the error name, never blank (a Java Lambda reports the exception's fully qualified class name)
     * @param cause the human-readable cause; null is reported as the empty string
     */
    public TaskFailedException(String error, String cause) {
        super(error + (cause == null || cause.isEmpty() ? "" : ": " + cause));
        Objects.requireNonNull(error, "error");
        if (error.isBlank()) {
            throw new IllegalArgumentException("error must not be blank");
        }
        this.error = error;
        this.cause = cause == null ? "" : cause;
    }

    public String error() {
        return error;
    }

    public String cause() {
        return cause;
    }
}
