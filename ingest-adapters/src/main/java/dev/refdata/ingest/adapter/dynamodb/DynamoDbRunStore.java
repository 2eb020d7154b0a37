package dev.refdata.ingest.adapter.dynamodb;

import dev.refdata.ingest.core.port.out.ChunkLedger;
import dev.refdata.ingest.core.port.out.RunStore;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.waiters.DynamoDbWaiter;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Entry point of the DynamoDB run store: one table holding every run ({@code pk = RUN#<run id>, sk = RUN}) and its
 * chunks ({@code sk = CHUNK#<number, six digits>}). The chunk ledgers and run stores made here hold no resources of
 * their own; the {@link DynamoDbClient} is the caller's, built once per process, shared, and closed at shutdown.
 */
public final class DynamoDbRunStore {

    private static final Duration TABLE_POLL_INTERVAL = Duration.ofMillis(200);
    private static final int TABLE_POLL_ATTEMPTS = 600;

    private DynamoDbRunStore() {
    }

    /**
     * A client built once per process: region, an optional endpoint override (dynalite, LocalStack), a bounded
     * pool whose connections are dropped after 15 s idle, well under any load balancer's idle timeout.
     */
    public static DynamoDbClient createClient(String region, java.net.URI endpointOverride) {
        var builder = DynamoDbClient.builder()
                .region(software.amazon.awssdk.regions.Region.of(region))
                .httpClientBuilder(software.amazon.awssdk.http.apache5.Apache5HttpClient.builder()
                        .maxConnections(16)
                        .connectionMaxIdleTime(java.time.Duration.ofSeconds(15))
                        .connectionTimeout(java.time.Duration.ofSeconds(5))
                        .socketTimeout(java.time.Duration.ofSeconds(30)));
        if (endpointOverride != null) {
            builder.endpointOverride(endpointOverride);
        }
        return builder.build();
    }

    /** The chunk ledger in {@code tableName}, a table laid out as {@link #createTable} makes it. */
    public static ChunkLedger chunkLedger(DynamoDbClient dynamo, String tableName) {
        return new DynamoDbChunkLedger(Objects.requireNonNull(dynamo, "dynamo"), requireTableName(tableName));
    }

    /**
     * The run store in {@code tableName}, a table laid out as {@link #createTable} makes it: the same table as
     * {@link #chunkLedger}'s, whose entries are the chunk states it reports.
     */
    public static RunStore runStore(DynamoDbClient dynamo, String tableName) {
        return new DynamoDbRuns(Objects.requireNonNull(dynamo, "dynamo"), requireTableName(tableName),
                Clock.systemUTC());
    }

    /**
     * Creates the run-store table (on demand, string keys {@code pk} and {@code sk}) unless it exists, and waits
     * until it is ACTIVE. For tests and local use: deployed tables come from the SAM template.
     */
    public static void createTable(DynamoDbClient dynamo, String tableName) {
        Objects.requireNonNull(dynamo, "dynamo");
        requireTableName(tableName);
        try {
            dynamo.createTable(b -> b.tableName(tableName)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(
                            attribute(ChunkItem.PARTITION_KEY),
                            attribute(ChunkItem.SORT_KEY))
                    .keySchema(
                            KeySchemaElement.builder().attributeName(ChunkItem.PARTITION_KEY).keyType(KeyType.HASH).build(),
                            KeySchemaElement.builder().attributeName(ChunkItem.SORT_KEY).keyType(KeyType.RANGE).build()));
        } catch (ResourceInUseException alreadyThere) {
            // Created before, or being created by someone else: wait for it to be ACTIVE all the same.
        }
        try (DynamoDbWaiter waiter = DynamoDbWaiter.builder()
                .client(dynamo)
                .overrideConfiguration(WaiterOverrideConfiguration.builder()
                        .backoffStrategyV2(BackoffStrategy.fixedDelayWithoutJitter(TABLE_POLL_INTERVAL))
                        .maxAttempts(TABLE_POLL_ATTEMPTS)
                        .build())
                .build()) {
            waiter.waitUntilTableExists(b -> b.tableName(tableName));
        }
    }

    private static AttributeDefinition attribute(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static String requireTableName(String tableName) {
        Objects.requireNonNull(tableName, "tableName");
        if (tableName.isBlank()) {
            throw new IllegalArgumentException("tableName must not be blank");
        }
        return tableName;
    }
}
