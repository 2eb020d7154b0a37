package dev.refdata.ingest.it.support;

import dev.refdata.ingest.adapter.s3.S3ClientSettings;
import dev.refdata.ingest.adapter.s3.S3ClientSettings.StaticCredentials;
import dev.refdata.ingest.adapter.s3.S3ObjectStores;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Where the services of this test run listen and how to authenticate: the one place tests read endpoints from.
 * The clients built here are the caller's to close.
 */
public record ServiceEndpoints(
        ServiceTarget target,
        URI s3Endpoint,
        URI dynamoDbEndpoint,
        URI openSearchUrl,
        String region,
        StaticCredentials credentials) {

    public ServiceEndpoints {
        Objects.requireNonNull(target, "target");
        requireHttpUri(s3Endpoint, "s3Endpoint");
        requireHttpUri(dynamoDbEndpoint, "dynamoDbEndpoint");
        requireHttpUri(openSearchUrl, "openSearchUrl");
        Objects.requireNonNull(region, "region");
        if (region.isBlank()) {
            throw new IllegalArgumentException("region must not be blank");
        }
        Objects.requireNonNull(credentials, "credentials");
    }

    /** S3 client settings for the local endpoint: path-style, checksums only when required. */
    public S3ClientSettings s3ClientSettings() {
        return S3ClientSettings.forLocalEndpoint(region, s3Endpoint, credentials);
    }

    /** A new S3 client built the way production builds it, pointed at this run's S3. */
    public S3Client newS3Client() {
        return S3ObjectStores.createClient(s3ClientSettings());
    }

    /** A new DynamoDB client pointed at this run's DynamoDB. */
    public DynamoDbClient newDynamoDbClient() {
        return DynamoDbClient.builder()
                .endpointOverride(dynamoDbEndpoint)
                .region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(credentials.accessKeyId(), credentials.secretAccessKey())))
                .httpClientBuilder(Apache5HttpClient.builder()
                        .maxConnections(16)
                        .connectionMaxIdleTime(Duration.ofSeconds(15)))
                .build();
    }

    /**
     * LocalStack's single gateway, which serves every AWS API (Lambda, Step Functions, IAM as well as S3 and
     * DynamoDB); only in {@link ServiceTarget#LOCALSTACK} mode.
     */
    public URI localStackGateway() {
        if (target != ServiceTarget.LOCALSTACK) {
            throw new IllegalStateException("no LocalStack in " + target + " mode (" + ServiceTarget.ENV + ")");
        }
        return s3Endpoint;
    }

    /** An OpenSearch URL for {@code pathAndQuery}, e.g. {@code openSearch("/my-index/_count")}. */
    public URI openSearch(String pathAndQuery) {
        Objects.requireNonNull(pathAndQuery, "pathAndQuery");
        return openSearchUrl.resolve(pathAndQuery.startsWith("/") ? pathAndQuery : "/" + pathAndQuery);
    }

    private static void requireHttpUri(URI uri, String name) {
        Objects.requireNonNull(uri, name);
        if (!"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() <= 0) {
            throw new IllegalArgumentException(name + " must be an http URI with host and port: " + uri);
        }
    }
}
