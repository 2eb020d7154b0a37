package dev.refdata.ingest.adapter.s3;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to build the process's {@link software.amazon.awssdk.services.s3.S3Client}: region, an optional endpoint
 * override for S3-compatible local services (S3Proxy, LocalStack), optional static credentials (otherwise the
 * SDK's default provider chain), and the bounds of the Apache HTTP connection pool.
 *
 * <p>{@code connectionMaxIdleTime} stays well under 60 s: S3 closes idle connections after about 20 s on its
 * side, and reusing a connection the server already dropped fails the request.
 */
public record S3ClientSettings(
        String region,
        URI endpointOverride,
        StaticCredentials credentials,
        int maxConnections,
        Duration connectionMaxIdleTime,
        Duration connectionTimeout,
        Duration socketTimeout) {

    public static final int DEFAULT_MAX_CONNECTIONS = 32;
    public static final Duration DEFAULT_CONNECTION_MAX_IDLE_TIME = Duration.ofSeconds(15);
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_SOCKET_TIMEOUT = Duration.ofSeconds(60);

    private static final Duration MAX_IDLE_TIME_LIMIT = Duration.ofSeconds(50);

    public S3ClientSettings {
        Objects.requireNonNull(region, "region");
        if (region.isBlank()) {
            throw new IllegalArgumentException("region must not be blank");
        }
        if (endpointOverride != null && (endpointOverride.getScheme() == null || endpointOverride.getHost() == null)) {
            throw new IllegalArgumentException("endpointOverride must be an absolute URI with a host: " + endpointOverride);
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be >= 1: " + maxConnections);
        }
        requirePositive(connectionMaxIdleTime, "connectionMaxIdleTime");
        if (connectionMaxIdleTime.compareTo(MAX_IDLE_TIME_LIMIT) > 0) {
            throw new IllegalArgumentException("connectionMaxIdleTime must be at most " + MAX_IDLE_TIME_LIMIT
                    + " (S3 drops idle connections on its side): " + connectionMaxIdleTime);
        }
        requirePositive(connectionTimeout, "connectionTimeout");
        requirePositive(socketTimeout, "socketTimeout");
    }

    /** Settings for AWS S3 in {@code region} with the default credential chain and default pool bounds. */
    public static S3ClientSettings forRegion(String region) {
        return new S3ClientSettings(region, null, null, DEFAULT_MAX_CONNECTIONS, DEFAULT_CONNECTION_MAX_IDLE_TIME,
                DEFAULT_CONNECTION_TIMEOUT, DEFAULT_SOCKET_TIMEOUT);
    }

    /**
     * Settings for an S3-compatible local endpoint: path-style addressing, and checksums only where the API
     * requires them (the clients built from these settings take care of both).
     */
    public static S3ClientSettings forLocalEndpoint(String region, URI endpoint, StaticCredentials credentials) {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(credentials, "credentials");
        return forRegion(region).withEndpointOverride(endpoint).withCredentials(credentials);
    }

    public S3ClientSettings withEndpointOverride(URI endpoint) {
        return new S3ClientSettings(region, endpoint, credentials, maxConnections, connectionMaxIdleTime,
                connectionTimeout, socketTimeout);
    }

    public S3ClientSettings withCredentials(StaticCredentials staticCredentials) {
        return new S3ClientSettings(region, endpointOverride, staticCredentials, maxConnections, connectionMaxIdleTime,
                connectionTimeout, socketTimeout);
    }

    public S3ClientSettings withMaxConnections(int connections) {
        return new S3ClientSettings(region, endpointOverride, credentials, connections, connectionMaxIdleTime,
                connectionTimeout, socketTimeout);
    }

    public Optional<URI> endpoint() {
        return Optional.ofNullable(endpointOverride);
    }

    public Optional<StaticCredentials> staticCredentials() {
        return Optional.ofNullable(credentials);
    }

    /** True when the client talks to a local S3-compatible service rather than AWS. */
    public boolean isLocalEndpoint() {
        return endpointOverride != null;
    }

    private static void requirePositive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + duration);
        }
    }

    /** An access key pair; {@link #toString()} never shows the secret. */
    public record StaticCredentials(String accessKeyId, String secretAccessKey) {

        public StaticCredentials {
            Objects.requireNonNull(accessKeyId, "accessKeyId");
            Objects.requireNonNull(secretAccessKey, "secretAccessKey");
            if (accessKeyId.isBlank() || secretAccessKey.isBlank()) {
                throw new IllegalArgumentException("access key id and secret must not be blank");
            }
        }

        @Override
        public String toString() {
            return "StaticCredentials[accessKeyId=" + accessKeyId + ", secretAccessKey=***]";
        }
    }
}
