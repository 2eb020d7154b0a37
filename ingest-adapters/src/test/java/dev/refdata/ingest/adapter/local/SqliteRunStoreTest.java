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
import dev.refdata.ingest.core.port.out.ChunkLedger.Claim;
import dev.refdata.ingest.core.port.out.RunStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
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
                new ChunkState(key, ChunkStatus.RUNNING, "loader-a", NOW.plusSeconds(300), start, 1, NOW, null, NOW));
    }

    @Test
    void aFileWrittenBeforeStartsWereKeptOpensWithoutStartsAndTheNextClaimSetsOne() throws SQLException {
        Path old = directory.resolve("before-started-at.db");
        ChunkKey running = new ChunkKey(new RunId("old-file"), 0);
        ChunkKey completed = new ChunkKey(running.run(), 1);
        Checkpoint start = new Checkpoint(0, 2, ChunkCounters.ZERO);
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + old);
             Statement statement = connection.createStatement()) {
            // the chunk table as the ledger created it before it kept started_at
            statement.execute("""
                    CREATE TABLE chunk (
                        run_id TEXT NOT NULL, chunk INTEGER NOT NULL, status TEXT NOT NULL, owner TEXT,
                        lease_until INTEGER, next_offset INTEGER NOT NULL, next_line INTEGER NOT NULL,
                        records_read INTEGER NOT NULL, records_indexed INTEGER NOT NULL,
                        records_deleted INTEGER NOT NULL, records_stale INTEGER NOT NULL,
                        records_rejected INTEGER NOT NULL, retries INTEGER NOT NULL, attempts INTEGER NOT NULL,
                        last_error TEXT, updated_at INTEGER NOT NULL, PRIMARY KEY (run_id, chunk)
                    ) STRICT""");
            long now = NOW.toEpochMilli();
            long leaseUntil = NOW.plusSeconds(300).toEpochMilli();
            statement.execute("INSERT INTO chunk VALUES ('old-file', 0, 'RUNNING', 'loader-a', " + leaseUntil
                    + ", 0, 2, 0, 0, 0, 0, 0, 0, 1, NULL, " + now + ")");
            statement.execute("INSERT INTO chunk VALUES ('old-file', 1, 'COMPLETED', 'loader-b', " + now
                    + ", 90, 12, 10, 10, 0, 0, 0, 0, 2, NULL, " + now + ")");
        }

        RunStore runs = LocalRunStores.runStore(old);
        ChunkLedger ledger = LocalRunStores.chunkLedger(old);

        assertThat(runs.chunkStates(running.run())).containsExactly(
                new ChunkState(running, ChunkStatus.RUNNING, "loader-a", NOW.plusSeconds(300), start, 1, null, null,
                        NOW),
                new ChunkState(completed, ChunkStatus.COMPLETED, "loader-b", NOW,
                        new Checkpoint(90, 12, new ChunkCounters(10, 10, 0, 0, 0, 0)), 2, null, null, NOW));
        Instant later = NOW.plusSeconds(60);
        assertThat(ledger.claim(running, start, "loader-a", later, later.plusSeconds(300)))
                .as("the holder claiming again").isEqualTo(new Claim.Granted(start, 1));
        assertThat(ledger.find(running)).get().extracting(ChunkState::startedAt)
                .as("no start was known: the claim's time is the best there is").isEqualTo(later);
        ledger.checkpoint(running, "loader-a", start, later.plusSeconds(1), later.plusSeconds(301));
        assertThat(ledger.find(running)).get().extracting(ChunkState::startedAt).isEqualTo(later);
        assertThat(LocalRunStores.runStore(old).chunkStates(running.run())).as("opened again: already upgraded")
                .isEqualTo(runs.chunkStates(running.run()));
    }
}
