package dev.refdata.ingest.core.port.out;

import dev.refdata.ingest.core.domain.Checkpoint;
import dev.refdata.ingest.core.domain.ChunkCounters;
import dev.refdata.ingest.core.domain.ChunkKey;
import dev.refdata.ingest.core.domain.ChunkState;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The run store's record of each chunk: who holds it (a lease), how far it got (a checkpoint), and how it ended.
 * Every change is a single conditional write, so two loaders can never both hold a chunk and a loader that lost
 * its lease can never move the checkpoint.
 */
public interface ChunkLedger {

    /**
     * Takes the lease on a chunk for {@code owner} until {@code leaseUntil}, creating the chunk's entry (as
     * {@code initial}) when there is none. Granted when the chunk is not COMPLETED and is unleased, its lease has
     * expired at {@code now}, or {@code owner} holds it already; a FAILED chunk may be claimed again.
     */
    Claim claim(ChunkKey key, Checkpoint initial, String owner, Instant now, Instant leaseUntil);

    /** Records acknowledged progress and extends the lease; only while {@code owner} holds the lease. */
    void checkpoint(ChunkKey key, String owner, Checkpoint checkpoint, Instant now, Instant leaseUntil);

    /** Ends the chunk as COMPLETED with final counters; only while {@code owner} holds the lease. */
    void complete(ChunkKey key, String owner, Checkpoint last, Instant now);

    /** Ends the chunk as FAILED with a reason, keeping {@code last} to resume from; only while {@code owner} holds it. */
    void fail(ChunkKey key, String owner, Checkpoint last, String reason, Instant now);

    /** Records progress and gives the lease up at once, so the next invocation can resume without waiting. */
    void release(ChunkKey key, String owner, Checkpoint checkpoint, Instant now);

    Optional<ChunkState> find(ChunkKey key);

    /** Argument check shared by implementations: an owner is a non-blank name. */
    static void requireOwner(String owner) {
        Objects.requireNonNull(owner, "owner");
        if (owner.isBlank()) {
            throw new IllegalArgumentException("owner must not be blank");
        }
    }

    /** Argument check shared by implementations: a lease ends after it starts. */
    static void requireLease(Instant now, Instant leaseUntil) {
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(leaseUntil, "leaseUntil");
        if (!leaseUntil.isAfter(now)) {
            throw new IllegalArgumentException("a lease must end after it starts: " + now + " to " + leaseUntil);
        }
    }

    /** The outcome of {@link #claim}. */
    sealed interface Claim {
        /** The lease is yours: resume from {@code resumeFrom}; this is attempt number {@code attempt}. */
        record Granted(Checkpoint resumeFrom, int attempt) implements Claim {
            public Granted {
                Objects.requireNonNull(resumeFrom, "resumeFrom");
            }
        }

        /** The chunk is done already: nothing to load again. */
        record AlreadyCompleted(ChunkCounters counters) implements Claim {
            public AlreadyCompleted {
                Objects.requireNonNull(counters, "counters");
            }
        }

        /** A live loader holds it. */
        record HeldByOther(String owner, Instant leaseUntil) implements Claim {
        }
    }

    /** A conditional write found that {@code owner} no longer holds the lease: stop, acknowledge nothing more. */
    class LeaseLostException extends RuntimeException {
        public LeaseLostException(ChunkKey key, String owner) {
            super("loader " + owner + " no longer holds the lease on chunk " + key);
        }
    }
}
