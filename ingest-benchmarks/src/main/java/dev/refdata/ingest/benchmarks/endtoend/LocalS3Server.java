package dev.refdata.ingest.benchmarks.endtoend;

import dev.refdata.ingest.adapter.s3.S3ClientSettings.StaticCredentials;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;

/**
 * S3Proxy in the benchmark's own JVM on a free loopback port, over jclouds' in-memory blob store: the real S3 HTTP
 * API (SigV4, ranged GET) that the pipeline's S3 adapter talks to, as in the integration tests.
 */
final class LocalS3Server implements AutoCloseable {

    static final StaticCredentials CREDENTIALS = new StaticCredentials("ingest-bench", "ingest-bench-secret");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final S3Proxy proxy;
    private final BlobStoreContext context;
    private final URI endpoint;

    private LocalS3Server(S3Proxy proxy, BlobStoreContext context, URI endpoint) {
        this.proxy = proxy;
        this.context = context;
        this.endpoint = endpoint;
    }

    static LocalS3Server start() throws Exception {
        BlobStoreContext context = ContextBuilder.newBuilder("transient").credentials("unused", "unused")
                .build(BlobStoreContext.class);
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(context.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, CREDENTIALS.accessKeyId(),
                        CREDENTIALS.secretAccessKey())
                .build();
        try {
            proxy.start();
            Instant deadline = Instant.now().plus(START_TIMEOUT);
            while (!"STARTED".equals(proxy.getState())) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("S3Proxy not started within " + START_TIMEOUT + ": " + proxy.getState());
                }
                Thread.sleep(10);
            }
            return new LocalS3Server(proxy, context, URI.create("http://127.0.0.1:" + proxy.getPort()));
        } catch (Exception e) {
            stop(proxy, context);
            throw e;
        }
    }

    URI endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        stop(proxy, context);
    }

    private static void stop(S3Proxy proxy, BlobStoreContext context) {
        try {
            proxy.stop();
        } catch (Exception e) {
            System.err.println("stopping S3Proxy failed: " + e);
        } finally {
            context.close();
        }
    }
}
