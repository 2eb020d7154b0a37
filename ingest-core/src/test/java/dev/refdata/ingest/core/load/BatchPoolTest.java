package dev.refdata.ingest.core.load;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BatchPoolTest {

    @Test
    void batchesAreCreatedUpFrontWithRoomForAFullRequestsBodyAndItems() {
        BatchPool pool = new BatchPool(64 * 1024, 10_000, 3);

        assertThat(pool.idle()).isEqualTo(3);
        PendingBatch batch = pool.take(100, 7);
        assertThat(batch.buffer.capacity()).isEqualTo(64 * 1024);
        assertThat(batch.itemCapacity()).isEqualTo(10_000);
        assertThat(batch.endOffset).isEqualTo(100);
        assertThat(batch.nextLine).isEqualTo(7);
        assertThat(pool.idle()).isEqualTo(2);
    }

    @Test
    void aBatchGivenBackIsTheOneTakenNextAndComesBackEmpty() {
        BatchPool pool = new BatchPool(1024, 16, 1);
        PendingBatch batch = pool.take(0, 1);
        batch.buffer.writeAscii("{\"index\":{}}\n");
        batch.rejected(new RejectedRecord(1, "bad", "x", false));

        pool.give(batch);
        PendingBatch again = pool.take(50, 3);

        assertThat(again).isSameAs(batch);
        assertThat(again.buffer.length()).isZero();
        assertThat(again.conversionRejects).isEmpty();
        assertThat(again.isEmpty()).isTrue();
        assertThat(again.nextLine).isEqualTo(3);
    }

    @Test
    void aPoolThatRunsDryCreatesBatchesOfTheStandardSize() {
        BatchPool pool = new BatchPool(2048, 32, 0);

        PendingBatch batch = pool.take(0, 1);

        assertThat(batch.buffer.capacity()).isEqualTo(2048);
        assertThat(batch.itemCapacity()).isEqualTo(32);
    }

    @Test
    void settingsGiveBatchesRoomForTheItemLimitUpToACap() {
        assertThat(LoadSettings.DEFAULTS.batchItemCapacity()).isEqualTo(LoadSettings.DEFAULTS.maxBulkItems());
        LoadSettings huge = new LoadSettings(5 << 20, 1_000_000, 2, 50_000,
                LoadSettings.DEFAULTS.checkpointInterval(), LoadSettings.DEFAULTS.lease(), 10,
                LoadSettings.DEFAULTS.maxRetryTime(), LoadSettings.DEFAULTS.baseBackoff(),
                LoadSettings.DEFAULTS.maxBackoff(), LoadSettings.DEFAULTS.budgetMargin(),
                LoadSettings.DEFAULTS.maxRecordBytes(), 5, LoadSettings.DEFAULTS.maxFieldBytes());
        assertThat(huge.batchItemCapacity()).isEqualTo(16_384);
    }

    @Test
    void aPoolNeedsPositiveSizes() {
        assertThatThrownBy(() -> new BatchPool(0, 10, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BatchPool(1024, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BatchPool(1024, 10, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
