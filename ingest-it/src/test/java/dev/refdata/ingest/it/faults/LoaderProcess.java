package dev.refdata.ingest.it.faults;

import dev.refdata.ingest.adapter.dynamodb.DynamoDbRunStore;
import dev.refdata.ingest.adapter.opensearch.OpenSearchClientSettings;
import dev.refdata.ingest.adapter.opensearch.OpenSearchHttpClient;
import dev.refdata.ingest.adapter.opensearch.OpenSearchSinks;
import dev.refdata.ingest.adapter.s3.S3ClientSettings;
import dev.refdata.ingest.adapter.s3.S3ClientSettings.StaticCredentials;
import dev.refdata.ingest.adapter.s3.S3ObjectStores;
import dev.refdata.ingest.core.load.LoadChunkService;
import dev.refdata.ingest.core.load.LoadSettings;
import dev.refdata.ingest.core.port.out.SearchSink;
import dev.refdata.ingest.core.spec.DatasetCatalog;
import dev.refdata.ingest.lambda.loader.LoaderHandler;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;

/**
 * A loader in a process of its own, for {@link LoaderKilledIT} to kill: wires the real loader handler to the test
 * services named in a properties file (argument 1) and invokes it once with the input in a JSON file (argument 2).
 * Every bulk request waits {@code bulkDelayMillis} first, a slow cluster, so that there is time to kill the
 * process between checkpoints.
 */
final class LoaderProcess {

    private LoaderProcess() {
    }

    public static void main(String[] args) throws IOException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of(args[0]))) {
            p.load(in);
        }
        String region = p.getProperty("region");
        StaticCredentials credentials = new StaticCredentials(p.getProperty("accessKeyId"),
                p.getProperty("secretAccessKey"));
        S3Client s3 = S3ObjectStores.createClient(S3ClientSettings.forLocalEndpoint(region,
                URI.create(p.getProperty("s3")), credentials));
        DynamoDbClient dynamo = DynamoDbClient.builder()
                .endpointOverride(URI.create(p.getProperty("dynamodb")))
                .region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        credentials.accessKeyId(), credentials.secretAccessKey())))
                .httpClientBuilder(Apache5HttpClient.builder())
                .build();
        OpenSearchHttpClient search = OpenSearchSinks.create(OpenSearchClientSettings.builder(
                URI.create(p.getProperty("opensearch"))).build());
        long delay = Long.parseLong(p.getProperty("bulkDelayMillis"));
        SearchSink slow = (index, body) -> {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SearchSink.SearchSinkException(0, false, "interrupted", e);
            }
            return search.sink().bulk(index, body);
        };
        LoadSettings settings = LoadSettings.DEFAULTS.withMaxBulkItems(500).withCheckpointRecords(1_000)
                .withLease(Duration.ofSeconds(Long.parseLong(p.getProperty("leaseSeconds"))), Duration.ofSeconds(1));
        LoadChunkService load = new LoadChunkService(S3ObjectStores.of(s3),
                DynamoDbRunStore.chunkLedger(dynamo, p.getProperty("table")), slow,
                DatasetCatalog.withDirectory(Path.of(p.getProperty("specs"))), settings, Clock.systemUTC());
        LoaderHandler handler = new LoaderHandler(load, p.getProperty("artifacts"));
        try (InputStream input = Files.newInputStream(Path.of(args[1]))) {
            handler.handleRequest(input, System.out, null);
        }
        System.out.println();
        System.exit(0);
    }
}
