package dev.refdata.ingest.core.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * What the run store knows about one chunk.
 *
 * @param key        the chunk
 * @param status     its status
 * @param owner      the loader holding or last holding the lease, or {@code null}
 * @param leaseUntil when that lease ends, or {@code null}
 * @param checkpoint acknowledged progress (the chunk's start when nothing is done)
 * @param attempts   how many times a loader claimed it
 * @param startedAt  when a loader first claimed it (attempt 1), kept across later attempts and takeovers; {@code null}
 *                   while nobody ever claimed it (and for an entry written before the stores kept it)
 * @param lastError  the last failure's reason, or {@code null}
 * @param updatedAt  when it last changed
 */
public record ChunkState(ChunkKey key, ChunkStatus status, String owner, Instant leaseUntil, Checkpoint checkpoint,
                         int attempts, Instant startedAt, String lastError, Instant updatedAt) {

    public ChunkState {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(checkpoint, "checkpoint");
        Objects.requireNonNull(updatedAt, "updatedAt");
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts cannot be negative");
        }
        if (attempts == 0 && startedAt != null) {
            throw new IllegalArgumentException("a chunk nobody claimed has not started");
        }
    }
}
