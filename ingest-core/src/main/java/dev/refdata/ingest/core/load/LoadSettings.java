package dev.refdata.ingest.core.load;

import dev.refdata.ingest.core.csv.RecordLimits;

import java.time.Duration;
import java.util.Objects;

/**
 * How a chunk is loaded.
 *
 * @param maxBulkBytes       a bulk request is sent once its body reaches this size (about 5 MB by default)
 * @param maxBulkItems       ... or this many items
 * @param maxInFlight        bulk requests out at once while parsing goes on: the service's, across every chunk
 *                           it loads
 * @param checkpointRecords  checkpoint after this many newly acknowledged records ...
 * @param checkpointInterval ... or this much time, whichever comes first
 * @param lease              how long a claim or checkpoint holds the chunk; longer than the checkpoint interval
 * @param maxAttempts        sends of one item before the chunk fails (the first send included)
 * @param maxRetryTime       time one bulk request may spend retrying before the chunk fails
 * @param baseBackoff        first retry delay bound; doubles each attempt, with full jitter
 * @param maxBackoff         largest retry delay bound
 * @param budgetMargin       stop taking records when the caller's remaining time falls below this
 * @param maxRecordBytes     a longer record is rejected without being held in memory
 * @param maxReadAttempts    ranged reads opened for one chunk when the stream breaks mid-way
 * @param maxFieldBytes      a record with a longer field is rejected (see {@link RecordLimits})
 */
public record LoadSettings(int maxBulkBytes, int maxBulkItems, int maxInFlight, long checkpointRecords,
                           Duration checkpointInterval, Duration lease, int maxAttempts, Duration maxRetryTime,
                           Duration baseBackoff, Duration maxBackoff, Duration budgetMargin, int maxRecordBytes,
                           int maxReadAttempts, int maxFieldBytes) {

    /**
     * The defaults. A request closes at 5,000 items (about 2.2 MB of instrument records) before 5 MiB: against a
     * one-shard index, the server spent 2 CPU-seconds a million documents less on them than on 10,000-item requests
     * (7 of 8 paired repetitions; docs/performance.md, tenth round).
     */
    public static final LoadSettings DEFAULTS = new LoadSettings(5 * 1024 * 1024, 5_000, 2, 50_000,
            Duration.ofSeconds(10), Duration.ofMinutes(2), 10, Duration.ofMinutes(5), Duration.ofMillis(200),
            Duration.ofSeconds(20), Duration.ofSeconds(30), RecordLimits.DEFAULTS.maxRecordBytes(), 5,
            RecordLimits.DEFAULTS.maxFieldBytes());

    public LoadSettings {
        Objects.requireNonNull(checkpointInterval, "checkpointInterval");
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(maxRetryTime, "maxRetryTime");
        Objects.requireNonNull(baseBackoff, "baseBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(budgetMargin, "budgetMargin");
        if (maxBulkBytes < 1024 || maxBulkItems < 1 || maxInFlight < 1 || checkpointRecords < 1 || maxAttempts < 1
                || maxRecordBytes < 16 || maxReadAttempts < 1) {
            throw new IllegalArgumentException("load settings out of range: " + this);
        }
        new RecordLimits(maxRecordBytes, maxFieldBytes); // validates the pair
        if (lease.compareTo(checkpointInterval) <= 0) {
            throw new IllegalArgumentException("the lease (" + lease + ") must outlast the checkpoint interval ("
                    + checkpointInterval + ")");
        }
    }

    /**
     * The capacity a request body starts with: the size limit plus room for the item that crosses it, so that a
     * full batch never has to grow; at most 8 MiB whatever the limit (a larger body grows as it fills).
     */
    public int bodyCapacityBytes() {
        return Math.min(maxBulkBytes + 64 * 1024, 8 << 20);
    }

    /**
     * How many items a batch has room for when it is created: the item limit, so that a full batch never grows its
     * per-item arrays either; at most 16,384 whatever the limit (beyond it they grow as the batch fills).
     */
    public int batchItemCapacity() {
        return Math.min(maxBulkItems, 16_384);
    }

    public LoadSettings withMaxBulkBytes(int bytes) {
        return new LoadSettings(bytes, maxBulkItems, maxInFlight, checkpointRecords, checkpointInterval, lease,
                maxAttempts, maxRetryTime, baseBackoff, maxBackoff, budgetMargin, maxRecordBytes, maxReadAttempts,
                maxFieldBytes);
    }

    public LoadSettings withLease(Duration newLease, Duration newCheckpointInterval) {
        return new LoadSettings(maxBulkBytes, maxBulkItems, maxInFlight, checkpointRecords, newCheckpointInterval,
                newLease, maxAttempts, maxRetryTime, baseBackoff, maxBackoff, budgetMargin, maxRecordBytes,
                maxReadAttempts, maxFieldBytes);
    }

    public LoadSettings withMaxBulkItems(int items) {
        return new LoadSettings(maxBulkBytes, items, maxInFlight, checkpointRecords, checkpointInterval, lease,
                maxAttempts, maxRetryTime, baseBackoff, maxBackoff, budgetMargin, maxRecordBytes, maxReadAttempts,
                maxFieldBytes);
    }

    public LoadSettings withMaxInFlight(int inFlight) {
        return new LoadSettings(maxBulkBytes, maxBulkItems, inFlight, checkpointRecords, checkpointInterval, lease,
                maxAttempts, maxRetryTime, baseBackoff, maxBackoff, budgetMargin, maxRecordBytes, maxReadAttempts,
                maxFieldBytes);
    }

    public LoadSettings withCheckpointRecords(long records) {
        return new LoadSettings(maxBulkBytes, maxBulkItems, maxInFlight, records, checkpointInterval, lease,
                maxAttempts, maxRetryTime, baseBackoff, maxBackoff, budgetMargin, maxRecordBytes, maxReadAttempts,
                maxFieldBytes);
    }

    public LoadSettings withRetries(int attempts, Duration base, Duration max, Duration maxTime) {
        return new LoadSettings(maxBulkBytes, maxBulkItems, maxInFlight, checkpointRecords, checkpointInterval, lease,
                attempts, maxTime, base, max, budgetMargin, maxRecordBytes, maxReadAttempts,
                maxFieldBytes);
    }

    public LoadSettings withBudgetMargin(Duration margin) {
        return new LoadSettings(maxBulkBytes, maxBulkItems, maxInFlight, checkpointRecords, checkpointInterval, lease,
                maxAttempts, maxRetryTime, baseBackoff, maxBackoff, margin, maxRecordBytes, maxReadAttempts,
                maxFieldBytes);
    }

    /** The record and field limits the reader enforces. */
    public RecordLimits recordLimits() {
        return new RecordLimits(maxRecordBytes, maxFieldBytes);
    }

    public LoadSettings withRecordLimits(RecordLimits limits) {
        return new LoadSettings(maxBulkBytes, maxBulkItems, maxInFlight, checkpointRecords, checkpointInterval, lease,
                maxAttempts, maxRetryTime, baseBackoff, maxBackoff, budgetMargin, limits.maxRecordBytes(),
                maxReadAttempts, limits.maxFieldBytes());
    }
}
