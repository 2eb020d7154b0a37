package dev.refdata.ingest.it;

import dev.refdata.ingest.adapter.contract.RunStoreContract;
import dev.refdata.ingest.adapter.dynamodb.DynamoDbRunStore;
import dev.refdata.ingest.core.domain.ByteRange;
import dev.refdata.ingest.core.domain.Checkpoint;
import dev.refdata.ingest.core.domain.ChunkCounters;
import dev.refdata.ingest.core.domain.ChunkDefinition;
import dev.refdata.ingest.core.domain.ChunkKey;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.domain.RunId;
import dev.refdata.ingest.core.domain.RunMode;
import dev.refdata.ingest.core.domain.RunRecord;
import dev.refdata.ingest.core.domain.RunSource;
import dev.refdata.ingest.core.domain.RunStatus;
import dev.refdata.ingest.core.port.out.RunStore;
import dev.refdata.ingest.it.support.TestServices;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The DynamoDB run store passes the same {@link RunStoreContract} as the SQLite one, on a real DynamoDB API
 * (dynalite by default, LocalStack with INGEST_IT_TARGET=localstack), with the DynamoDB chunk ledger on the same
 * table. All tests share one table; each uses runs of its own.
 */
class DynamoDbRunStoreIT extends RunStoreContract {

    private static DynamoDbClient dynamo;
    private static String table;
    private static Store store;

    @BeforeAll
    static void createTable() {
        dynamo = TestServices.endpoints().newDynamoDbClient();
        table = "run-store-runs-" + UUID.randomUUID().toString().substring(0, 8);
        DynamoDbRunStore.createTable(dynamo, table);
        store = new Store(DynamoDbRunStore.runStore(dynamo, table), DynamoDbRunStore.chunkLedger(dynamo, table));
    }

    @AfterAll
    static void dropTable() {
        if (dynamo != null) {
            dynamo.deleteTable(b -> b.tableName(table));
            dynamo.close();
        }
    }

    @Override
    protected Store store() {
        return store;
    }

    private static Map<String, AttributeValue> item(RunId run, String sortKey) {
        return dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS("RUN#" + run), "sk", AttributeValue.fromS(sortKey)))).item();
    }

    @Test
    void aRunIsOneItemWithAnAttributePerFieldAndNoneForNullFields() {
        RunId run = new RunId("layout-" + UUID.randomUUID());
        Instant createdAt = Instant.parse("2026-11-27T02:00:00.123Z");
        store.runs().create(new RunRecord(run, "instruments", LocalDate.of(2026, 11, 27), RunMode.DELTA,
                RunSource.object("landing", "instruments.csv"), RunStatus.PLANNING, "instruments", null, null, 0, 0,
                1, null, createdAt, createdAt));

        Map<String, AttributeValue> item = item(run, "RUN");

        assertThat(item).containsEntry("status", AttributeValue.fromS("PLANNING"))
                .containsEntry("businessDate", AttributeValue.fromS("2026-11-27"))
                .containsEntry("mode", AttributeValue.fromS("DELTA"))
                .containsEntry("sourceKey", AttributeValue.fromS("instruments.csv"))
                .containsEntry("createdAt", AttributeValue.fromN(Long.toString(createdAt.toEpochMilli())))
                .containsEntry("executions", AttributeValue.fromN("1"))
                .doesNotContainKeys("sourcePrefix", "targetIndex", "manifestBucket", "manifestKey", "reason");
    }

    @Test
    void aClaimedChunksItemHoldsItsDefinitionNextToTheLedgersEntry() {
        RunId run = new RunId("layout-" + UUID.randomUUID());
        ObjectRef source = new ObjectRef("landing", "instruments.csv");
        ChunkDefinition chunk = new ChunkDefinition(new ChunkKey(run, 42), source, new ByteRange(100, 900), 7, 12,
                List.of("isin", "name"), source);
        store.runs().registerChunks(run, List.of(chunk));
        Instant now = Instant.parse("2026-11-27T02:00:00Z");

        store.ledger().claim(chunk.key(), new Checkpoint(100, 7, ChunkCounters.ZERO), "loader-a", now,
                now.plusSeconds(300));

        assertThat(item(run, "CHUNK#000042"))
                .containsEntry("status", AttributeValue.fromS("RUNNING"))
                .containsEntry("owner", AttributeValue.fromS("loader-a"))
                .containsEntry("attempts", AttributeValue.fromN("1"))
                .containsEntry("nextOffset", AttributeValue.fromN("100"))
                .containsEntry("objectKey", AttributeValue.fromS("instruments.csv"))
                .containsEntry("rangeEnd", AttributeValue.fromN("900"))
                .containsEntry("columns", AttributeValue.fromL(List.of(AttributeValue.fromS("isin"),
                        AttributeValue.fromS("name"))));
    }

    @Test
    void theTwelveHundredWideChunksOfTheContractTakeMoreThanOneQueryPage() {
        RunId run = new RunId("pages-" + UUID.randomUUID());
        store.runs().registerChunks(run, wideChunks(run, 1_200));

        QueryResponse firstPage = dynamo.query(QueryRequest.builder().tableName(table)
                .keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("RUN#" + run)))
                .consistentRead(true)
                .build());

        assertThat(firstPage.count()).isLessThan(1_200);
        assertThat(firstPage.lastEvaluatedKey()).as("a next page").isNotEmpty();
        assertThat(store.runs().chunkDefinitions(run)).hasSize(1_200);
    }

    @Test
    void chunksDynamoDbLeavesUnprocessedAreWrittenAgainUntilAllAreStored() {
        RunId run = new RunId("throttled-" + UUID.randomUUID());
        List<ChunkDefinition> chunks = wideChunks(run, 60);
        UnprocessingDynamoDb throttled = new UnprocessingDynamoDb(dynamo, 4);

        DynamoDbRunStore.runStore(throttled, table).registerChunks(run, chunks);

        assertThat(throttled.unprocessedReturned.get()).as("writes handed back unprocessed").isPositive();
        RunStore runs = store.runs();
        assertThat(runs.chunkDefinitions(run)).containsExactlyElementsOf(chunks);
    }

    /**
     * DynamoDB as seen under throttling: for its first {@code throttledCalls} BatchWriteItem calls, it writes only
     * the first half of the items and hands the rest back as UnprocessedItems, as DynamoDB does when a partition
     * runs out of capacity. Everything else goes to the real service.
     */
    private static final class UnprocessingDynamoDb implements DynamoDbClient {

        private final DynamoDbClient service;
        private final AtomicInteger throttledCalls;
        final AtomicInteger unprocessedReturned = new AtomicInteger();

        UnprocessingDynamoDb(DynamoDbClient service, int throttledCalls) {
            this.service = service;
            this.throttledCalls = new AtomicInteger(throttledCalls);
        }

        @Override
        public BatchWriteItemResponse batchWriteItem(BatchWriteItemRequest request) {
            if (throttledCalls.getAndDecrement() <= 0) {
                return service.batchWriteItem(request);
            }
            String tableName = request.requestItems().keySet().iterator().next();
            List<WriteRequest> writes = request.requestItems().get(tableName);
            List<WriteRequest> written = writes.subList(0, writes.size() / 2);
            List<WriteRequest> handedBack = writes.subList(writes.size() / 2, writes.size());
            if (!written.isEmpty()) {
                service.batchWriteItem(b -> b.requestItems(Map.of(tableName, written)));
            }
            unprocessedReturned.addAndGet(handedBack.size());
            return BatchWriteItemResponse.builder().unprocessedItems(Map.of(tableName, handedBack)).build();
        }

        @Override
        public QueryResponse query(QueryRequest request) {
            return service.query(request);
        }

        @Override
        public String serviceName() {
            return service.serviceName();
        }

        @Override
        public void close() {
            // The service client is the test class's: it closes it.
        }
    }
}
