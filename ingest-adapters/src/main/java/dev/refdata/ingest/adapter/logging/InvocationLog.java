package dev.refdata.ingest.adapter.logging;

import org.slf4j.MDC;

/**
 * What every log line of one invocation carries, set once at the edge (a Lambda handler, a CLI command) in the
 * SLF4J MDC: the Lambda request id, the run id and the chunk number, as far as they are known. Closing it removes
 * them, so a container's next invocation starts clean.
 *
 * <pre>{@code
 * try (InvocationLog log = InvocationLog.begin(context == null ? null : context.getAwsRequestId())) {
 *     log.run(runId).chunk(chunk);
 *     ...
 * }
 * }</pre>
 */
public final class InvocationLog implements AutoCloseable {

    public static final String REQUEST_ID = "requestId";
    public static final String RUN_ID = "runId";
    public static final String CHUNK = "chunk";

    private InvocationLog() {
    }

    /** Starts an invocation's context; {@code requestId} is the Lambda request id, or {@code null} outside Lambda. */
    public static InvocationLog begin(String requestId) {
        clear();
        if (requestId != null) {
            MDC.put(REQUEST_ID, requestId);
        }
        return new InvocationLog();
    }

    public InvocationLog run(String runId) {
        if (runId != null) {
            MDC.put(RUN_ID, runId);
        }
        return this;
    }

    public InvocationLog chunk(int chunk) {
        MDC.put(CHUNK, Integer.toString(chunk));
        return this;
    }

    @Override
    public void close() {
        clear();
    }

    private static void clear() {
        MDC.remove(REQUEST_ID);
        MDC.remove(RUN_ID);
        MDC.remove(CHUNK);
    }
}
