package dev.refdata.ingest.benchmarks.endtoend;

import dev.refdata.ingest.lambda.loader.LoaderHandler;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * The cold-start probe of the loader as deployed: run on the loader's own deployment jar (the shaded
 * {@code ingest-loader-*-lambda.jar}, nothing else on the classpath but this class, which the harness copies out
 * of its jar), it does what the Lambda runtime does: builds {@link LoaderHandler} with its no-argument constructor,
 * which reads this process's environment, and invokes it once with the request JSON given as the only argument.
 * Prints one line {@code RESULT {json}} on stdout, among the handler's JSON logs, with the time the handler was
 * ready; the first bulk request is timed by the harness ({@link BulkArrivalProxy}).
 *
 * <p>Depends on nothing but the JDK and the loader's jar, so it must not use the harness's other classes.
 */
public final class LambdaColdStart {

    private LambdaColdStart() {
    }

    public static void main(String[] argv) throws Exception {
        long mainStarted = System.currentTimeMillis();
        if (argv.length != 1) {
            throw new IllegalArgumentException("usage: LambdaColdStart <the loader's request JSON>");
        }
        LoaderHandler handler = new LoaderHandler();
        long ready = System.currentTimeMillis();
        long t0 = System.nanoTime();
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(argv[0].getBytes(StandardCharsets.UTF_8)), response, null);
        double seconds = (System.nanoTime() - t0) / 1e9;
        String json = response.toString(StandardCharsets.UTF_8);
        if (!json.contains("\"COMPLETED\"")) {
            throw new IllegalStateException("the loader did not complete the chunk: " + json);
        }
        double cpu = ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO).toNanos() / 1e9;
        // a compile-time constant, inlined: PipelineProcess itself is not on this process's classpath
        System.out.println(PipelineProcess.RESULT_PREFIX + String.format(Locale.ROOT, "{\"handlerReadyEpochMs\":%d,\"seconds\":%.3f,"
                        + "\"mainStartedEpochMs\":%d,\"firstBulkEpochMs\":-1,\"processCpuSeconds\":%.2f,"
                        + "\"liveAtBulkMB\":-1,\"peakLiveHeapMB\":-1,\"response\":%s}", ready, seconds, mainStarted,
                cpu, json));
    }
}
