package dev.refdata.ingest.adapter.local;

import dev.refdata.ingest.adapter.contract.RunStoreContract;
import dev.refdata.ingest.core.domain.ByteRange;
import dev.refdata.ingest.core.domain.Checkpoint;
import dev.refdata.ingest.core.domain.ChunkCounters;
import dev.refdata.ingest.core.domain.ChunkDefinition;
import dev.refdata.ingest.core.domain.ChunkKey;
import dev.refdata.ingest.core.domain.ChunkState;
import dev.refdata.ingest.core.domain.ChunkStatus;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.domain.RunId;
import dev.refdata.ingest.core.domain.RunMode;
import dev.refdata.ingest.core.domain.RunRecord;
import dev.refdata.ingest.core.domain.RunSource;
import dev.refdata.ingest.core.domain.RunStatus;
import dev.refdata.ingest.core.port.out.ChunkLedger;
import dev.refdata.ingest.core.port.out.RunStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SqliteRunStoreTest extends RunStoreContract {

    private static final Instant NOW = Instant.parse("2026-11-27T02:00:00Z");

    @TempDir
    Path directory;

    private Store store;

    private Path file() {
        return directory.resolve("state").resolve("run-store.db");
    }

    @Override
    protected Store store() {
        if (store == null) {
            store = new Store(LocalRunStores.runStore(file()), LocalRunStores.chunkLedger(file()));
        }
        return store;
    }

    @Test
    void aRunStoreOpenedAgainOnTheSameFileFindsEverythingWrittenBefore() {
        RunId run = new RunId("reopen");
        RunRecord created = new RunRecord(run, "instruments", LocalDate.of(2026, 11, 27), RunMode.FULL,
                RunSource.prefix("landing", "instruments/"), RunStatus.RUNNING, "instruments", "instruments-v2",
                new ObjectRef("manifests", "reopen.json"), 1, 10, 1, null, NOW, NOW);
        ChunkDefinition chunk = new ChunkDefinition(new ChunkKey(run, 0), new ObjectRef("landing", "instruments/a.csv"),
                new ByteRange(10, 500), 2, 10, List.of("isin", "name"), new ObjectRef("landing", "instruments/a.csv"));
        store().runs().create(created);
        store().runs().registerChunks(run, List.of(chunk));

        RunStore reopened = LocalRunStores.runStore(file());

        assertThat(reopened.find(run)).contains(created);
        assertThat(reopened.chunkDefinitions(run)).containsExactly(chunk);
        assertThat(reopened.chunkStates(run)).isEqualTo(store().runs().chunkStates(run));
    }

    @Test
    void aRunStoreOpenedOnAFileALedgerWroteBeforeSeesTheLedgersEntries() {
        Path ledgerFirst = directory.resolve("ledger-first.db");
        ChunkLedger ledger = LocalRunStores.chunkLedger(ledgerFirst);
        ChunkKey key = new ChunkKey(new RunId("ledger-first"), 3);
        Checkpoint start = new Checkpoint(0, 2, ChunkCounters.ZERO);
        ledger.claim(key, start, "loader-a", NOW, NOW.plusSeconds(300));

        RunStore runs = LocalRunStores.runStore(ledgerFirst);

        assertThat(runs.chunkStates(key.run())).containsExactly(
                new ChunkState(key, ChunkStatus.RUNNING, "loader-a", NOW.plusSeconds(300), start, 1, null, NOW));
    }
}
