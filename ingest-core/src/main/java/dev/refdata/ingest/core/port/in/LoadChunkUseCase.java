package dev.refdata.ingest.core.port.in;

/**
 * Loads one chunk of a run into the search index: claims it, streams its bytes, converts and writes every
 * record, checkpoints acknowledged progress, and ends it COMPLETED (or FAILED, or handed back when the time
 * budget runs out). Safe to call again for the same chunk: a completed chunk is not loaded twice and an
 * interrupted one resumes from its checkpoint.
 */
public interface LoadChunkUseCase {

    /**
     * @throws ChunkBusyException        another live loader holds the chunk (retry later)
     * @throws ChunkLoadFailedException  the chunk could not be loaded; it is marked FAILED with the reason
     */
    LoadChunkResult load(LoadChunkCommand command, TimeBudget budget);

    /** How much time the caller has left (a Lambda invocation's remaining time); unlimited elsewhere. */
    @FunctionalInterface
    interface TimeBudget {
        TimeBudget UNLIMITED = () -> Long.MAX_VALUE;

        long remainingMillis();
    }
}
