package dev.refdata.ingest.core.domain;

import java.util.Objects;

/**
 * Acknowledged progress within a chunk: every record before {@code nextOffset} has its outcome recorded in
 * {@code counters}; loading resumes with the record at {@code nextOffset}, which starts on {@code nextLine}.
 */
public record Checkpoint(long nextOffset, long nextLine, ChunkCounters counters) {

    public Checkpoint {
        Objects.requireNonNull(counters, "counters");
        if (nextOffset < 0 || nextLine < 1) {
            throw new IllegalArgumentException("invalid checkpoint: offset " + nextOffset + ", line " + nextLine);
        }
    }

    /** The start of a planned chunk: nothing done yet. */
    public static Checkpoint startOfRange(ChunkDefinition chunk) {
        return new Checkpoint(chunk.range().start(), chunk.firstLine(), ChunkCounters.ZERO);
    }

    /** The start of a chunk: nothing done yet. */
    public static Checkpoint startOf(Chunk chunk) {
        return new Checkpoint(chunk.range().start(), chunk.firstLine(), ChunkCounters.ZERO);
    }
}
