package dev.refdata.ingest.adapter.s3;

import dev.refdata.ingest.core.port.out.ObjectStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

import java.util.Objects;

/**
 * Entry point of the S3 adapter: builds the {@link S3Client} and the {@link ObjectStore} on top of it.
 *
 * <p>An {@link S3Client} owns a connection pool and threads; build it once per process and share it, and close it
 * at shutdown. The object stores made from it hold no resources of their own.
 */
public final class S3ObjectStores {

    private S3ObjectStores() {
    }

    /** An {@link ObjectStore} backed by {@code s3}; streamed uploads go up as multipart uploads in parts of 8 MiB. */
    public static ObjectStore of(S3Client s3) {
        return new S3ObjectStore(Objects.requireNonNull(s3, "s3"), S3ObjectStore.DEFAULT_PART_SIZE);
    }

    /**
     * Builds an S3 client from {@code settings}: Apache HTTP client with a bounded pool and short idle time and,
     * for a local endpoint, path-style addressing with checksums only where the S3 API requires them (local
     * S3 implementations do not all support the SDK's default trailing checksums).
     */
    public static S3Client createClient(S3ClientSettings settings) {
        return clientBuilder(settings).build();
    }

    /** The builder behind {@link #createClient}, for callers that add to it (metrics, interceptors) before building. */
    public static S3ClientBuilder clientBuilder(S3ClientSettings settings) {
        Objects.requireNonNull(settings, "settings");
        Apache5HttpClient.Builder http = Apache5HttpClient.builder()
                .maxConnections(settings.maxConnections())
                .connectionMaxIdleTime(settings.connectionMaxIdleTime())
                .connectionTimeout(settings.connectionTimeout())
                .socketTimeout(settings.socketTimeout())
                .useIdleConnectionReaper(true);
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(settings.region()))
                .httpClientBuilder(http)
                .credentialsProvider(credentialsProvider(settings));
        settings.endpoint().ifPresent(endpoint -> builder
                .endpointOverride(endpoint)
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED));
        return builder;
    }

    private static AwsCredentialsProvider credentialsProvider(S3ClientSettings settings) {
        return settings.staticCredentials()
                .<AwsCredentialsProvider>map(c -> StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(c.accessKeyId(), c.secretAccessKey())))
                .orElseGet(() -> DefaultCredentialsProvider.builder().build());
    }
}
