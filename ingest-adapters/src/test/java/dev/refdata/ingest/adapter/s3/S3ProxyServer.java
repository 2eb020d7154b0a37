package dev.refdata.ingest.adapter.s3;

import dev.refdata.ingest.adapter.s3.S3ClientSettings.StaticCredentials;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * S3Proxy running in this JVM on a free loopback port, over jclouds' in-memory blob store: a real S3 HTTP API
 * (SigV4, ranged GET, ListObjectsV2, multipart uploads), nothing on disk. Published in this module's test-jar for
 * the integration tests and the end-to-end benchmark, which need the same server.
 */
public final class S3ProxyServer implements AutoCloseable {

    private static final String BLOB_STORE = "transient";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final S3Proxy proxy;
    private final BlobStoreContext context;
    private final URI endpoint;

    private S3ProxyServer(S3Proxy proxy, BlobStoreContext context, URI endpoint) {
        this.proxy = proxy;
        this.context = context;
        this.endpoint = endpoint;
    }

    /**
     * Starts a server that accepts requests signed with {@code credentials}.
     *
     * @throws IllegalStateException if it did not start (the interrupt flag is kept when interrupted)
     */
    public static S3ProxyServer start(StaticCredentials credentials) {
        Objects.requireNonNull(credentials, "credentials");
        BlobStoreContext context = ContextBuilder.newBuilder(BLOB_STORE)
                .credentials("unused", "unused")
                .build(BlobStoreContext.class);
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(context.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, credentials.accessKeyId(),
                        credentials.secretAccessKey())
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
            return new S3ProxyServer(proxy, context, URI.create("http://127.0.0.1:" + proxy.getPort()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopQuietly(proxy, context);
            throw new IllegalStateException("interrupted while starting S3Proxy", e);
        } catch (Exception e) {
            stopQuietly(proxy, context);
            throw new IllegalStateException("S3Proxy did not start: " + e.getMessage(), e);
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        stopQuietly(proxy, context);
    }

    @Override
    public String toString() {
        return "S3Proxy[" + endpoint + ", " + BLOB_STORE + "]";
    }

    private static void stopQuietly(S3Proxy proxy, BlobStoreContext context) {
        try {
            proxy.stop();
        } catch (Exception e) {
            LoggerFactory.getLogger(S3ProxyServer.class).warn("Stopping S3Proxy failed", e);
        } finally {
            context.close();
        }
    }
}
