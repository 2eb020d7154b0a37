package dev.refdata.ingest.lambda.loader;

/**
 * The errors the loader Lambda throws, one class each, so that the state machine can tell them apart: Java
 * Lambdas report the exception's fully qualified class name as the error type, e.g.
 * {@code dev.refdata.ingest.lambda.loader.LoaderErrors$ChunkBusy}.
 */
public final class LoaderErrors {

    private LoaderErrors() {
    }

    /** Another loader holds the chunk's lease: retry after a while. */
    public static final class ChunkBusy extends RuntimeException {
        public ChunkBusy(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The chunk failed for a reason that may pass (an overloaded or unreachable service): retry with backoff. */
    public static final class RetryableLoadFailure extends RuntimeException {
        public RetryableLoadFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The chunk failed for a reason that needs a fix first (bad request, wrong count): do not retry. */
    public static final class PermanentLoadFailure extends RuntimeException {
        public PermanentLoadFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
