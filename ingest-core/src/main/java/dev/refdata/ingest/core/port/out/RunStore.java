package dev.refdata.ingest.core.port.out;

import dev.refdata.ingest.core.domain.ChunkDefinition;
import dev.refdata.ingest.core.domain.ChunkState;
import dev.refdata.ingest.core.domain.RunId;
import dev.refdata.ingest.core.domain.RunRecord;
import dev.refdata.ingest.core.domain.RunStatus;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The run store's record of runs and of their chunks' definitions (the chunks' leases, checkpoints and outcomes
 * are the {@link ChunkLedger}'s, in the same store). Every change is a single conditional write.
 */
public interface RunStore {

    /**
     * Creates the run unless a run with its id exists already (a trigger that fired twice), in which case the
     * stored run is returned unchanged.
     */
    Creation create(RunRecord run);

    Optional<RunRecord> find(RunId id);

    /**
     * Replaces the run, only if its stored status is one of {@code expected}.
     *
     * @throws RunChangedException  when the stored status is another (someone else moved the run)
     * @throws IllegalStateException when there is no such run
     */
    void update(RunRecord run, Set<RunStatus> expected);

    /**
     * Stores the chunks' definitions as PENDING chunks; called once, when the run is planned (again only while all
     * its chunks are still PENDING, else {@link IllegalStateException}).
     */
    void registerChunks(RunId run, List<ChunkDefinition> chunks);

    /** The run's chunk definitions, in chunk order. */
    List<ChunkDefinition> chunkDefinitions(RunId run);

    /** The run's chunks' states as the ledger keeps them, in chunk order; a chunk neither registered nor claimed is absent. */
    List<ChunkState> chunkStates(RunId run);

    /** The most recent runs, newest first. */
    List<RunRecord> recent(int limit);

    /** Argument check shared by implementations: every chunk belongs to {@code run} and has a number of its own. */
    static void requireChunksOf(RunId run, List<ChunkDefinition> chunks) {
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(chunks, "chunks");
        java.util.Set<Integer> numbers = new java.util.HashSet<>();
        for (ChunkDefinition chunk : chunks) {
            Objects.requireNonNull(chunk, "chunk");
            if (!chunk.key().run().equals(run)) {
                throw new IllegalArgumentException("chunk " + chunk.key() + " is not a chunk of run " + run);
            }
            if (!numbers.add(chunk.key().chunk())) {
                throw new IllegalArgumentException("chunk " + chunk.key() + " is given twice");
            }
        }
    }

    /** The result of {@link #create}: the stored run and whether this call created it. */
    record Creation(RunRecord run, boolean created) {
        public Creation {
            Objects.requireNonNull(run, "run");
        }
    }

    /** A conditional update found the run in another status than expected. */
    class RunChangedException extends RuntimeException {
        public RunChangedException(RunId run, RunStatus actual, Set<RunStatus> expected) {
            super("run " + run + " is " + actual + ", expected one of " + expected);
        }
    }
}
