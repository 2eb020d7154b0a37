package dev.refdata.ingest.core.domain;

/**
 * What happened to a chunk's records so far. Every record read ends as exactly one of indexed, deleted, stale
 * (a newer version was already in the index) or rejected (with a reason); {@code retries} counts re-sent items.
 */
public record ChunkCounters(long read, long indexed, long deleted, long stale, long rejected, long retries) {

    public static final ChunkCounters ZERO = new ChunkCounters(0, 0, 0, 0, 0, 0);

    public ChunkCounters {
        if (read < 0 || indexed < 0 || deleted < 0 || stale < 0 || rejected < 0 || retries < 0) {
            throw new IllegalArgumentException("counters cannot be negative");
        }
    }

    public ChunkCounters plus(ChunkCounters other) {
        return new ChunkCounters(read + other.read, indexed + other.indexed, deleted + other.deleted,
                stale + other.stale, rejected + other.rejected, retries + other.retries);
    }

    /** Whether every record read has an outcome. */
    public boolean balanced() {
        return read == indexed + deleted + stale + rejected;
    }
}
