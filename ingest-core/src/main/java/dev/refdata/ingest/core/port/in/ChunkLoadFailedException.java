package dev.refdata.ingest.core.port.in;

/**
 * A chunk could not be loaded and is marked FAILED with this message as its reason; a re-run resumes it from
 * its last checkpoint. {@link #retryable()} says whether the cause may pass by itself (an overloaded or
 * unreachable cluster) or needs a fix first (a rejected request, a count that does not match the plan).
 */
public class ChunkLoadFailedException extends RuntimeException {

    private final boolean retryable;

    public ChunkLoadFailedException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }
}
