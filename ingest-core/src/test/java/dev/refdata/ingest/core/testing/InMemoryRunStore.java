package dev.refdata.ingest.core.testing;

import dev.refdata.ingest.core.domain.Checkpoint;
import dev.refdata.ingest.core.domain.ChunkCounters;
import dev.refdata.ingest.core.domain.ChunkDefinition;
import dev.refdata.ingest.core.domain.ChunkState;
import dev.refdata.ingest.core.domain.ChunkStatus;
import dev.refdata.ingest.core.domain.RunId;
import dev.refdata.ingest.core.domain.RunRecord;
import dev.refdata.ingest.core.domain.RunStatus;
import dev.refdata.ingest.core.port.out.RunStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A small fake of the run store; chunk states come from the in-memory ledger it shares, as in the real stores. */
public final class InMemoryRunStore implements RunStore {

    private final Map<RunId, RunRecord> runs = new LinkedHashMap<>();
    private final Map<RunId, List<ChunkDefinition>> chunks = new LinkedHashMap<>();
    private final InMemoryChunkLedger ledger;

    public InMemoryRunStore(InMemoryChunkLedger ledger) {
        this.ledger = ledger;
    }

    @Override
    public synchronized Creation create(RunRecord run) {
        RunRecord existing = runs.putIfAbsent(run.id(), run);
        return existing == null ? new Creation(run, true) : new Creation(existing, false);
    }

    @Override
    public synchronized Optional<RunRecord> find(RunId id) {
        return Optional.ofNullable(runs.get(id));
    }

    @Override
    public synchronized void update(RunRecord run, Set<RunStatus> expected) {
        RunRecord current = runs.get(run.id());
        if (current == null) {
            throw new IllegalStateException("no run " + run.id());
        }
        if (!expected.contains(current.status())) {
            throw new RunChangedException(run.id(), current.status(), expected);
        }
        runs.put(run.id(), run);
    }

    @Override
    public synchronized void registerChunks(RunId run, List<ChunkDefinition> definitions) {
        chunks.put(run, List.copyOf(definitions));
    }

    @Override
    public synchronized List<ChunkDefinition> chunkDefinitions(RunId run) {
        return chunks.getOrDefault(run, List.of());
    }

    @Override
    public synchronized List<ChunkState> chunkStates(RunId run) {
        List<ChunkState> states = new ArrayList<>();
        for (ChunkDefinition c : chunkDefinitions(run)) {
            states.add(ledger.find(c.key()).orElse(new ChunkState(c.key(), ChunkStatus.PENDING, null, null,
                    new Checkpoint(c.range().start(), c.firstLine(), ChunkCounters.ZERO), 0, null, null, Instant.EPOCH)));
        }
        return states;
    }

    @Override
    public synchronized List<RunRecord> recent(int limit) {
        return runs.values().stream().sorted(Comparator.comparing(RunRecord::createdAt).reversed()).limit(limit).toList();
    }
}
