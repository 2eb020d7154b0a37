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
 */
public record LoadChunkResult(ChunkKey key, Outcome outcome, ChunkCounters counters, Checkpoint resumedFrom,
                              long readThisCall, int attempt, Duration elapsed) {

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
    }

    /** Whether the chunk is finished ({@code false}: call again for the same chunk). */
    public boolean done() {
        return outcome != Outcome.PARTIAL;
    }
}
