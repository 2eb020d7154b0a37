package dev.refdata.ingest.adapter.opensearch;

import dev.refdata.ingest.adapter.opensearch.OpenSearchClientSettings.Basic;
import dev.refdata.ingest.adapter.opensearch.OpenSearchClientSettings.SigV4;
import dev.refdata.ingest.core.port.out.SearchSink.SearchSinkException;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.HostnameVerificationPolicy;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.message.BasicHeader;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.net.URIBuilder;
import org.apache.hc.core5.pool.PoolStats;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one pooled HTTP client of a process, shared by the sink and the index admin: connection pool, timeouts,
 * TLS, authentication, and the translation of failures into {@link SearchSinkException}.
 *
 * <p>HttpClient's own retries and redirects are off: whether to send a bulk again is the caller's decision,
 * made from {@link SearchSinkException#retryable()} and each item's status.
 */
final class OpenSearchTransport implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OpenSearchTransport.class);
    /** A pooled connection idle for longer gets a cheap liveness probe before it is reused. */
    private static final TimeValue VALIDATE_AFTER_INACTIVITY = TimeValue.ofSeconds(2);
    private static final String USER_AGENT = "refdata-ingest";

    private final OpenSearchClientSettings settings;
    private final CloseableHttpClient client;
    private final PoolingHttpClientConnectionManager pool;
    private final CountingConnectionFactory connections;
    private final AutoCloseable ownedCredentials;
    private final AtomicInteger nextNode = new AtomicInteger();

    private OpenSearchTransport(OpenSearchClientSettings settings, CloseableHttpClient client,
                                PoolingHttpClientConnectionManager pool, CountingConnectionFactory connections,
                                AutoCloseable ownedCredentials) {
        this.settings = settings;
        this.client = client;
        this.pool = pool;
        this.connections = connections;
        this.ownedCredentials = ownedCredentials;
    }

    /**
     * @param credentials for SigV4: the provider to sign with, or {@code null} for the SDK's default chain
     * @param clock       for SigV4: the signing clock
     */
    static OpenSearchTransport create(OpenSearchClientSettings settings, AwsCredentialsProvider credentials, Clock clock) {
        Objects.requireNonNull(settings, "settings");
        CountingConnectionFactory connections = new CountingConnectionFactory();
        PoolingHttpClientConnectionManager pool = PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnTotal(settings.maxConnections())
                .setMaxConnPerRoute(settings.maxConnections())
                .setConnectionFactory(connections)
                .setTlsSocketStrategy(tlsStrategy(settings))
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(settings.connectTimeout()))
                        .setSocketTimeout(Timeout.of(settings.responseTimeout()))
                        .setTimeToLive(TimeValue.of(settings.timeToLive()))
                        .setValidateAfterInactivity(VALIDATE_AFTER_INACTIVITY)
                        .build())
                .build();
        HttpClientBuilder builder = HttpClients.custom()
                .setConnectionManager(pool)
                .setKeepAliveStrategy(new IdleLimitKeepAliveStrategy(settings.maxIdleTime()))
                .setDefaultRequestConfig(RequestConfig.custom()
                        // waiting for a free pooled connection: as long as waiting for a response
                        .setConnectionRequestTimeout(Timeout.of(settings.responseTimeout()))
                        .setResponseTimeout(Timeout.of(settings.responseTimeout()))
                        .build())
                .setUserAgent(USER_AGENT)
                .disableAutomaticRetries()
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableAuthCaching();
        if (settings.backgroundEviction()) {
            builder.evictExpiredConnections().evictIdleConnections(TimeValue.of(settings.maxIdleTime()));
        }
        AutoCloseable ownedCredentials = null;
        if (settings.authentication() instanceof Basic basic) {
            builder.setDefaultHeaders(List.of(new BasicHeader(HttpHeaders.AUTHORIZATION, "Basic " + Base64.getEncoder()
                    .encodeToString((basic.username() + ":" + basic.password()).getBytes(StandardCharsets.UTF_8)))));
        } else if (settings.authentication() instanceof SigV4 sigV4) {
            AwsCredentialsProvider provider = credentials;
            if (provider == null) {
                DefaultCredentialsProvider chain = DefaultCredentialsProvider.builder().build();
                provider = chain;
                ownedCredentials = chain;
            }
            builder.addRequestInterceptorLast(new SigV4RequestSigner(sigV4, provider, clock));
        }
        if (settings.insecureTrustAll()) {
            LOG.warn("TLS certificate and host name verification is OFF for OpenSearch at {}: insecureTrustAll is set;"
                    + " use this only for a local cluster with a self-signed certificate", settings.urls());
        }
        return new OpenSearchTransport(settings, builder.build(), pool, connections, ownedCredentials);
    }

    OpenSearchClientSettings settings() {
        return settings;
    }

    /** The next node's base URL, round-robin. */
    URI nextNode() {
        List<URI> urls = settings.urls();
        return urls.get(Math.floorMod(nextNode.getAndIncrement(), urls.size()));
    }

    /** {@code node} with the given path segments, each percent-encoded as needed. */
    static URI uri(URI node, String... pathSegments) {
        try {
            return new URIBuilder(node).setPathSegments(pathSegments).build();
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("cannot build a URL from " + List.of(pathSegments), e);
        }
    }

    /** {@code scheme://host:port}, for messages. */
    static String origin(URI node) {
        return node.getScheme() + "://" + node.getHost() + (node.getPort() < 0 ? "" : ":" + node.getPort());
    }

    /**
     * Sends {@code request} and lets {@code reader} turn the response into a value. A {@link SearchSinkException}
     * thrown by the reader is rethrown only after the rest of the body was read, so that an error response
     * (a 429 under load) does not cost a connection.
     */
    <T> T execute(ClassicHttpRequest request, String action, ResponseReader<T> reader) {
        Outcome<T> outcome;
        try {
            outcome = client.execute(request, response -> {
                try {
                    return new Outcome<>(reader.read(response), null);
                } catch (SearchSinkException e) {
                    return new Outcome<>(null, e);
                }
            });
        } catch (IOException e) {
            throw SearchSinkFailures.forTransport(action, e);
        }
        if (outcome.failure() != null) {
            throw outcome.failure();
        }
        return outcome.value();
    }

    ConnectionPoolStats poolStats() {
        PoolStats stats = pool.getTotalStats();
        return new ConnectionPoolStats(stats.getLeased(), stats.getAvailable(), stats.getPending(), stats.getMax(),
                connections.opened());
    }

    @Override
    public void close() {
        try {
            client.close(CloseMode.GRACEFUL);
        } finally {
            if (ownedCredentials != null) {
                try {
                    ownedCredentials.close();
                } catch (Exception e) {
                    LOG.debug("Closing the AWS credentials provider failed", e);
                }
            }
        }
    }

    private static TlsSocketStrategy tlsStrategy(OpenSearchClientSettings settings) {
        if (!settings.insecureTrustAll()) {
            return DefaultClientTlsStrategy.createDefault();
        }
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new TrustAllCertificates()}, null);
            return new DefaultClientTlsStrategy(context, HostnameVerificationPolicy.CLIENT, NoopHostnameVerifier.INSTANCE);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a TLS context: " + e.getMessage(), e);
        }
    }

    /** Reads a response; may throw {@link SearchSinkException} for a failure the server reported. */
    @FunctionalInterface
    interface ResponseReader<T> {
        T read(ClassicHttpResponse response) throws IOException;
    }

    private record Outcome<T>(T value, SearchSinkException failure) {
    }
}
