package dev.refdata.ingest.adapter.opensearch;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How to build the process's one HTTP client to OpenSearch ({@link OpenSearchSinks#create}).
 *
 * <p>Idle connections are the production hazard: a load balancer or NAT drops a connection idle for longer than
 * its own timeout (60 s on an ALB) without telling either side, and a frozen Lambda container wakes up holding
 * connections that died while it slept. The client therefore never leases a connection that has been idle for
 * longer than {@code maxIdleTime}, checked when the connection is taken from the pool, so it holds even when no
 * background thread ran in between.
 *
 * @param urls               base URLs of the cluster ({@code https://host[:port]}), used round-robin; no user
 *                           info, path, query or fragment
 * @param authentication     none, HTTP basic, or AWS SigV4 &mdash; always configured explicitly, never guessed
 *                           from the host name
 * @param maxConnections     the pool size: at least the number of requests this process has in flight at once
 * @param maxIdleTime        a connection idle for longer is closed instead of reused; at most 50 s
 * @param timeToLive         a connection older than this is closed instead of reused, however busy it was
 * @param connectTimeout     TCP (and TLS) connect timeout
 * @param responseTimeout    the longest silence while waiting for or reading a response
 * @param gzip               compress request bodies ({@code Content-Encoding: gzip})
 * @param insecureTrustAll   accept any TLS certificate and host name; for local clusters with self-signed
 *                           certificates only, logged as a warning when the client is built
 * @param backgroundEviction also close idle connections from a background thread, so that a long-running
 *                           process does not hold sockets the server has already given up on; the lease-time
 *                           check does not depend on it
 */
public record OpenSearchClientSettings(
        List<URI> urls,
        Authentication authentication,
        int maxConnections,
        Duration maxIdleTime,
        Duration timeToLive,
        Duration connectTimeout,
        Duration responseTimeout,
        boolean gzip,
        boolean insecureTrustAll,
        boolean backgroundEviction) {

    public static final int DEFAULT_MAX_CONNECTIONS = 16;
    public static final int MAX_CONNECTIONS_LIMIT = 1024;
    /** Well under an ALB's 60 s idle timeout. */
    public static final Duration DEFAULT_MAX_IDLE_TIME = Duration.ofSeconds(30);
    public static final Duration MAX_IDLE_TIME_LIMIT = Duration.ofSeconds(50);
    public static final Duration DEFAULT_TIME_TO_LIVE = Duration.ofMinutes(5);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** A large bulk on a busy cluster can take tens of seconds before its first response byte. */
    public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(60);

    public OpenSearchClientSettings {
        Objects.requireNonNull(urls, "urls");
        urls = List.copyOf(urls);
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("at least one OpenSearch URL is required");
        }
        urls.forEach(OpenSearchClientSettings::requireBaseUrl);
        Objects.requireNonNull(authentication, "authentication");
        if (maxConnections < 1 || maxConnections > MAX_CONNECTIONS_LIMIT) {
            throw new IllegalArgumentException("maxConnections must be between 1 and " + MAX_CONNECTIONS_LIMIT + ": "
                    + maxConnections);
        }
        requirePositive(maxIdleTime, "maxIdleTime");
        if (maxIdleTime.compareTo(MAX_IDLE_TIME_LIMIT) > 0) {
            throw new IllegalArgumentException("maxIdleTime must be at most " + MAX_IDLE_TIME_LIMIT
                    + " (load balancers drop idle connections after 60 s): " + maxIdleTime);
        }
        requirePositive(timeToLive, "timeToLive");
        if (timeToLive.compareTo(maxIdleTime) < 0) {
            throw new IllegalArgumentException("timeToLive (" + timeToLive + ") must not be shorter than maxIdleTime ("
                    + maxIdleTime + ")");
        }
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(responseTimeout, "responseTimeout");
    }

    /** Defaults for one base URL: no authentication, no gzip, TLS verified. */
    public static Builder builder(URI url) {
        return new Builder(List.of(Objects.requireNonNull(url, "url")));
    }

    /** Defaults for a list of base URLs, used round-robin. */
    public static Builder builder(List<URI> urls) {
        return new Builder(urls);
    }

    /** A copy of these settings with another pool size. */
    public OpenSearchClientSettings withMaxConnections(int connections) {
        return new OpenSearchClientSettings(urls, authentication, connections, maxIdleTime, timeToLive, connectTimeout,
                responseTimeout, gzip, insecureTrustAll, backgroundEviction);
    }

    /** A copy of these settings with request compression on or off. */
    public OpenSearchClientSettings withGzip(boolean compress) {
        return new OpenSearchClientSettings(urls, authentication, maxConnections, maxIdleTime, timeToLive,
                connectTimeout, responseTimeout, compress, insecureTrustAll, backgroundEviction);
    }

    private static void requireBaseUrl(URI url) {
        Objects.requireNonNull(url, "url");
        // Never echo a URL that carries user info: it is where a password would be.
        if (url.getRawUserInfo() != null) {
            throw new IllegalArgumentException("an OpenSearch URL must not carry user info (credentials); "
                    + "configure basic authentication explicitly instead");
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("an OpenSearch URL must be http or https: " + url);
        }
        if (url.getHost() == null || url.getHost().isBlank()) {
            throw new IllegalArgumentException("an OpenSearch URL needs a host: " + url);
        }
        String path = url.getRawPath();
        if ((path != null && !path.isEmpty() && !path.equals("/")) || url.getRawQuery() != null
                || url.getRawFragment() != null) {
            throw new IllegalArgumentException("an OpenSearch URL must be scheme, host and port only: " + url);
        }
    }

    private static void requirePositive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + duration);
        }
    }

    /** How requests authenticate. */
    public sealed interface Authentication {

        /** No authentication: a local node without the security plugin, or a cluster behind a trusted proxy. */
        static Authentication none() {
            return None.INSTANCE;
        }

        static Authentication basic(String username, String password) {
            return new Basic(username, password);
        }

        /** SigV4 with credentials from the AWS SDK's default provider chain. */
        static Authentication sigV4(String region, AwsService service) {
            return new SigV4(region, service);
        }
    }

    /** No authentication. */
    public enum None implements Authentication {
        INSTANCE
    }

    /** HTTP basic authentication; {@link #toString()} never shows the password. */
    public record Basic(String username, String password) implements Authentication {

        public Basic {
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(password, "password");
            if (username.isBlank() || username.indexOf(':') >= 0) {
                throw new IllegalArgumentException("a basic-auth user name must be non-blank and contain no ':'");
            }
        }

        @Override
        public String toString() {
            return "Basic[username=" + username + ", password=***]";
        }
    }

    /**
     * AWS Signature Version 4, credentials from the default provider chain (environment, profile, container,
     * instance or Lambda role), resolved again for every request so that rotated credentials are picked up.
     */
    public record SigV4(String region, AwsService service) implements Authentication {

        public SigV4 {
            Objects.requireNonNull(region, "region");
            Objects.requireNonNull(service, "service");
            if (region.isBlank()) {
                throw new IllegalArgumentException("a SigV4 region must not be blank");
            }
        }
    }

    /** The signing name of the AWS service in front of the cluster. */
    public enum AwsService {
        /** Amazon OpenSearch Service (managed domains). */
        ES("es"),
        /** Amazon OpenSearch Serverless collections. */
        AOSS("aoss");

        private final String signingName;

        AwsService(String signingName) {
            this.signingName = signingName;
        }

        public String signingName() {
            return signingName;
        }
    }

    /** Builds {@link OpenSearchClientSettings} starting from the defaults. */
    public static final class Builder {
        private final List<URI> urls;
        private Authentication authentication = Authentication.none();
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private Duration maxIdleTime = DEFAULT_MAX_IDLE_TIME;
        private Duration timeToLive = DEFAULT_TIME_TO_LIVE;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration responseTimeout = DEFAULT_RESPONSE_TIMEOUT;
        private boolean gzip;
        private boolean insecureTrustAll;
        private boolean backgroundEviction;

        private Builder(List<URI> urls) {
            this.urls = Objects.requireNonNull(urls, "urls");
        }

        public Builder authentication(Authentication auth) {
            this.authentication = auth;
            return this;
        }

        public Builder basicAuth(String username, String password) {
            return authentication(Authentication.basic(username, password));
        }

        public Builder sigV4(String region, AwsService service) {
            return authentication(Authentication.sigV4(region, service));
        }

        public Builder maxConnections(int connections) {
            this.maxConnections = connections;
            return this;
        }

        public Builder maxIdleTime(Duration idle) {
            this.maxIdleTime = idle;
            return this;
        }

        public Builder timeToLive(Duration ttl) {
            this.timeToLive = ttl;
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        public Builder responseTimeout(Duration timeout) {
            this.responseTimeout = timeout;
            return this;
        }

        public Builder gzip(boolean compress) {
            this.gzip = compress;
            return this;
        }

        public Builder insecureTrustAll(boolean trustAll) {
            this.insecureTrustAll = trustAll;
            return this;
        }

        public Builder backgroundEviction(boolean evict) {
            this.backgroundEviction = evict;
            return this;
        }

        public OpenSearchClientSettings build() {
            return new OpenSearchClientSettings(urls, authentication, maxConnections, maxIdleTime, timeToLive,
                    connectTimeout, responseTimeout, gzip, insecureTrustAll, backgroundEviction);
        }
    }
}
