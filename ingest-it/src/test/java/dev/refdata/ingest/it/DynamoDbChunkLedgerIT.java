package dev.refdata.ingest.it;

import dev.refdata.ingest.adapter.contract.ChunkLedgerContract;
import dev.refdata.ingest.adapter.dynamodb.DynamoDbRunStore;
import dev.refdata.ingest.core.domain.Checkpoint;
import dev.refdata.ingest.core.domain.ChunkCounters;
import dev.refdata.ingest.core.domain.ChunkKey;
import dev.refdata.ingest.core.domain.ChunkState;
import dev.refdata.ingest.core.domain.RunId;
import dev.refdata.ingest.core.port.out.ChunkLedger;
import dev.refdata.ingest.it.support.TestServices;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The DynamoDB chunk ledger passes the same {@link ChunkLedgerContract} as the SQLite one, on a real DynamoDB API
 * (dynalite by default, LocalStack with INGEST_IT_TARGET=localstack). All tests share one table; each uses its own
 * run.
 */
class DynamoDbChunkLedgerIT extends ChunkLedgerContract {

    private static DynamoDbClient dynamo;
    private static String table;
    private static ChunkLedger ledger;

    @BeforeAll
    static void createTable() {
        dynamo = TestServices.endpoints().newDynamoDbClient();
        table = "run-store-contract-" + UUID.randomUUID().toString().substring(0, 8);
        DynamoDbRunStore.createTable(dynamo, table);
        ledger = DynamoDbRunStore.chunkLedger(dynamo, table);
    }

    @AfterAll
    static void dropTable() {
        if (dynamo != null) {
            dynamo.deleteTable(b -> b.tableName(table));
            dynamo.close();
        }
    }

    @Override
    protected ChunkLedger ledger() {
        return ledger;
    }

    @Test
    void creatingTheTableAgainLeavesItAndItsItemsAsTheyAre() {
        ChunkKey key = new ChunkKey(new RunId("recreate-" + UUID.randomUUID()), 0);
        Instant now = Instant.parse("2026-11-27T02:00:00Z");
        ledger.claim(key, new Checkpoint(0, 2, ChunkCounters.ZERO), "loader-a", now, now.plusSeconds(300));

        DynamoDbRunStore.createTable(dynamo, table);

        assertThat(ledger.find(key)).get().extracting(ChunkState::owner).isEqualTo("loader-a");
    }

    @Test
    void aChunkIsOneItemKeyedByItsRunAndZeroPaddedNumberWithNumbersForInstantsAndCounters() {
        RunId run = new RunId("layout-" + UUID.randomUUID());
        Instant now = Instant.parse("2026-11-27T02:00:00.123Z");
        ledger.claim(new ChunkKey(run, 42), new Checkpoint(10, 2, new ChunkCounters(3, 2, 1, 0, 0, 5)), "loader-a",
                now, now.plusSeconds(300));

        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS("RUN#" + run), "sk", AttributeValue.fromS("CHUNK#000042"))))
                .item();

        assertThat(item).containsEntry("status", AttributeValue.fromS("RUNNING"))
                .containsEntry("owner", AttributeValue.fromS("loader-a"))
                .containsEntry("leaseUntil", AttributeValue.fromN(Long.toString(now.plusSeconds(300).toEpochMilli())))
                .containsEntry("updatedAt", AttributeValue.fromN(Long.toString(now.toEpochMilli())))
                .containsEntry("nextOffset", AttributeValue.fromN("10"))
                .containsEntry("recordsRead", AttributeValue.fromN("3"))
                .containsEntry("retries", AttributeValue.fromN("5"))
                .containsEntry("attempts", AttributeValue.fromN("1"));
    }
}
