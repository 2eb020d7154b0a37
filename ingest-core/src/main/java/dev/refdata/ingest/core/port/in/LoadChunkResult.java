package dev.refdata.ingest.core.port.in;

import dev.refdata.ingest.core.domain.Checkpoint;
import dev.refdata.ingest.core.domain.ChunkCounters;
import dev.refdata.ingest.core.domain.ChunkKey;

import java.time.Duration;
import java.util.Objects;

/**
 * What one call of {@link LoadChunkUseCase#load} did.
 *
 * @param key             the chunk
 * @param outcome         how the call ended
 * @param counters        the chunk's counters so far (final when done)
 * @param resumedFrom     where this call started reading (the chunk's start, or a checkpoint)
 * @param readThisCall    records read by this call
 * @param attempt         the claim's attempt number (1 for the first load)
 * @param elapsed         time spent in this call
 * @param bulk            the bulk requests this call sent (retries included) and how long they took
 */
public record LoadChunkResult(ChunkKey key, Outcome outcome, ChunkCounters counters, Checkpoint resumedFrom,
                              long readThisCall, int attempt, Duration elapsed, BulkRequests bulk) {

    /** Without bulk request timings (nothing was sent, or the caller does not measure). */
    public LoadChunkResult(ChunkKey key, Outcome outcome, ChunkCounters counters, Checkpoint resumedFrom,
                           long readThisCall, int attempt, Duration elapsed) {
        this(key, outcome, counters, resumedFrom, readThisCall, attempt, elapsed, BulkRequests.NONE);
    }

    /**
     * Bulk requests sent and their round-trip times (from handing the body to the sink to its answer).
     *
     * @param count        requests sent
     * @param totalNanos   their times added up
     * @param longestNanos the longest one
     */
    public record BulkRequests(int count, long totalNanos, long longestNanos) {

        public static final BulkRequests NONE = new BulkRequests(0, 0, 0);

        public BulkRequests {
            if (count < 0 || totalNanos < 0 || longestNanos < 0 || longestNanos > totalNanos) {
                throw new IllegalArgumentException("invalid bulk request timings: " + count + ", " + totalNanos
                        + ", " + longestNanos);
            }
        }

        public BulkRequests plus(BulkRequests other) {
            return new BulkRequests(count + other.count, totalNanos + other.totalNanos,
                    Math.max(longestNanos, other.longestNanos));
        }

        /** The mean time of one request, in milliseconds; 0 when none was sent. */
        public double meanMillis() {
            return count == 0 ? 0 : totalNanos / 1e6 / count;
        }

        public double longestMillis() {
            return longestNanos / 1e6;
        }
    }

    public enum Outcome {
        /** Every record has an outcome; the chunk is COMPLETED. */
        COMPLETED,
        /** It was COMPLETED before this call; nothing was loaded. */
        ALREADY_COMPLETED,
        /** The time budget ran out: progress is checkpointed and the chunk must be loaded again to finish. */
        PARTIAL
    }

    public LoadChunkResult {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(counters, "counters");
        Objects.requireNonNull(elapsed, "elapsed");
        Objects.requireNonNull(bulk, "bulk");
    }

    /** Whether the chunk is finished ({@code false}: call again for the same chunk). */
    public boolean done() {
        return outcome != Outcome.PARTIAL;
    }
}
