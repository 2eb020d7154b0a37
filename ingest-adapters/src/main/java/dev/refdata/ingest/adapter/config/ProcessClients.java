package dev.refdata.ingest.adapter.config;

import dev.refdata.ingest.adapter.dynamodb.DynamoDbRunStore;
import dev.refdata.ingest.adapter.opensearch.OpenSearchClientSettings;
import dev.refdata.ingest.adapter.opensearch.OpenSearchHttpClient;
import dev.refdata.ingest.adapter.opensearch.OpenSearchSinks;
import dev.refdata.ingest.adapter.s3.S3ClientSettings;
import dev.refdata.ingest.adapter.s3.S3ObjectStores;
import dev.refdata.ingest.core.port.out.ChunkLedger;
import dev.refdata.ingest.core.port.out.ObjectStore;
import dev.refdata.ingest.core.port.out.RunStore;
import dev.refdata.ingest.core.spec.DatasetCatalog;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.util.Objects;

/**
 * The clients of one process, built once from its {@link RuntimeSettings} and shared by whatever it runs: one S3
 * client, one DynamoDB client, one pooled OpenSearch client. Each is created on first use, so a handler that needs
 * no OpenSearch never connects to it. Not closed: they live as long as the process (a Lambda container).
 */
public final class ProcessClients {

    private final RuntimeSettings settings;
    private ObjectStore objects;
    private DynamoDbClient dynamo;
    private OpenSearchHttpClient search;

    public ProcessClients(RuntimeSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** From this process's environment, read once. */
    public static ProcessClients fromEnvironment() {
        return new ProcessClients(RuntimeSettings.from(System.getenv()));
    }

    public RuntimeSettings settings() {
        return settings;
    }

    public synchronized ObjectStore objectStore() {
        if (objects == null) {
            S3ClientSettings s3 = S3ClientSettings.forRegion(settings.region());
            s3 = settings.s3EndpointOverride().map(s3::withEndpointOverride).orElse(s3);
            objects = S3ObjectStores.of(S3ObjectStores.createClient(s3));
        }
        return objects;
    }

    private synchronized DynamoDbClient dynamo() {
        if (dynamo == null) {
            dynamo = DynamoDbRunStore.createClient(settings.region(), settings.dynamoDbEndpointOverride().orElse(null));
        }
        return dynamo;
    }

    public RunStore runStore() {
        return DynamoDbRunStore.runStore(dynamo(), settings.runTable());
    }

    public ChunkLedger chunkLedger() {
        return DynamoDbRunStore.chunkLedger(dynamo(), settings.runTable());
    }

    /** The OpenSearch client, with SigV4 only when the settings say so. */
    public synchronized OpenSearchHttpClient openSearch() {
        if (search == null) {
            OpenSearchClientSettings.Builder builder = OpenSearchClientSettings.builder(settings.openSearchUrl())
                    .maxConnections(Math.max(OpenSearchClientSettings.DEFAULT_MAX_CONNECTIONS, settings.bulkInFlight() * 2))
                    .maxIdleTime(settings.openSearchMaxIdle());
            if (settings.openSearchTrustAllCertificates()) {
                builder.insecureTrustAll(true); // the client logs a warning when it is built
            }
            switch (settings.openSearchAuth()) {
                case SIGV4_ES -> builder.sigV4(settings.region(), OpenSearchClientSettings.AwsService.ES);
                case SIGV4_AOSS -> builder.sigV4(settings.region(), OpenSearchClientSettings.AwsService.AOSS);
                case NONE -> { }
            }
            search = OpenSearchSinks.create(builder.build());
        }
        return search;
    }

    public DatasetCatalog datasets() {
        return settings.datasetsDirectory().map(DatasetCatalog::withDirectory).orElseGet(DatasetCatalog::builtIn);
    }
}
