package dev.refdata.ingest.core.testing;

import dev.refdata.ingest.core.domain.Checkpoint;
import dev.refdata.ingest.core.domain.ChunkKey;
import dev.refdata.ingest.core.domain.ChunkState;
import dev.refdata.ingest.core.domain.ChunkStatus;
import dev.refdata.ingest.core.port.out.ChunkLedger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A small fake of the chunk ledger port, with the port's lease rules, that records every checkpoint. */
public final class InMemoryChunkLedger implements ChunkLedger {

    private final Map<ChunkKey, ChunkState> chunks = new HashMap<>();
    public final List<Checkpoint> checkpoints = new ArrayList<>();
    /** When set, the next write throws it (the run store becomes unreachable). */
    public volatile RuntimeException failNextWrite;
    /** Runs at the start of every checkpoint, with the checkpoint about to be written. */
    public volatile java.util.function.Consumer<Checkpoint> beforeEachCheckpoint = c -> { };

    @Override
    public synchronized Claim claim(ChunkKey key, Checkpoint initial, String owner, Instant now, Instant leaseUntil) {
        ChunkState s = chunks.get(key);
        if (s == null) {
            chunks.put(key, new ChunkState(key, ChunkStatus.RUNNING, owner, leaseUntil, initial, 1, now, null, now));
            return new Claim.Granted(initial, 1);
        }
        if (s.status() == ChunkStatus.COMPLETED) {
            return new Claim.AlreadyCompleted(s.checkpoint().counters());
        }
        boolean leased = s.status() == ChunkStatus.RUNNING && s.leaseUntil() != null && s.leaseUntil().isAfter(now);
        if (leased && !owner.equals(s.owner())) {
            return new Claim.HeldByOther(s.owner(), s.leaseUntil());
        }
        chunks.put(key, new ChunkState(key, ChunkStatus.RUNNING, owner, leaseUntil, s.checkpoint(), s.attempts() + 1,
                s.startedAt() == null ? now : s.startedAt(), s.lastError(), now));
        return new Claim.Granted(s.checkpoint(), s.attempts() + 1);
    }

    private ChunkState held(ChunkKey key, String owner) {
        if (failNextWrite != null) {
            RuntimeException e = failNextWrite;
            failNextWrite = null;
            throw e;
        }
        ChunkState s = chunks.get(key);
        if (s == null || s.status() != ChunkStatus.RUNNING || !owner.equals(s.owner())) {
            throw new LeaseLostException(key, owner);
        }
        return s;
    }

    @Override
    public synchronized void checkpoint(ChunkKey key, String owner, Checkpoint checkpoint, Instant now, Instant leaseUntil) {
        beforeEachCheckpoint.accept(checkpoint);
        ChunkState s = held(key, owner);
        checkpoints.add(checkpoint);
        chunks.put(key, new ChunkState(key, ChunkStatus.RUNNING, owner, leaseUntil, checkpoint, s.attempts(), s.startedAt(),
                s.lastError(), now));
    }

    @Override
    public synchronized void complete(ChunkKey key, String owner, Checkpoint last, Instant now) {
        ChunkState s = held(key, owner);
        chunks.put(key, new ChunkState(key, ChunkStatus.COMPLETED, owner, null, last, s.attempts(), s.startedAt(), null,
                now));
    }

    @Override
    public synchronized void fail(ChunkKey key, String owner, Checkpoint last, String reason, Instant now) {
        ChunkState s = held(key, owner);
        chunks.put(key, new ChunkState(key, ChunkStatus.FAILED, owner, null, last, s.attempts(), s.startedAt(), reason,
                now));
    }

    @Override
    public synchronized void release(ChunkKey key, String owner, Checkpoint checkpoint, Instant now) {
        ChunkState s = held(key, owner);
        chunks.put(key, new ChunkState(key, ChunkStatus.RUNNING, owner, now, checkpoint, s.attempts(), s.startedAt(),
                s.lastError(), now));
    }

    /** Sets a chunk's state directly, as a corrupted or hand-edited store would hold it. */
    public synchronized void overwrite(ChunkState state) {
        chunks.put(state.key(), state);
    }

    @Override
    public synchronized Optional<ChunkState> find(ChunkKey key) {
        return Optional.ofNullable(chunks.get(key));
    }
}
