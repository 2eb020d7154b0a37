package dev.refdata.ingest.adapter.local;

import dev.refdata.ingest.core.port.out.ChunkLedger;
import dev.refdata.ingest.core.port.out.RunStore;

import java.nio.file.Path;
import java.time.Clock;

/**
 * Builds the embedded run store: one SQLite file holding runs and their chunks, for running the pipeline on one
 * machine without AWS. Any number of threads and processes may use the same file at once, through any number of
 * run stores and chunk ledgers made here.
 */
public final class LocalRunStores {

    private LocalRunStores() {
    }

    /**
     * The chunk ledger in {@code databaseFile}, creating the file, its directory and its tables when missing. The
     * ledger holds no open connection between calls, so there is nothing to close.
     *
     * @throws LocalRunStoreException when the file cannot be created or opened as an SQLite database
     */
    public static ChunkLedger chunkLedger(Path databaseFile) {
        return new SqliteChunkLedger(new SqliteRunStoreFile(databaseFile));
    }

    /**
     * The run store in {@code databaseFile}, the same file as {@link #chunkLedger}'s (its chunk states are the
     * ledger's entries), creating the file, its directory and its tables when missing. It holds no open connection
     * between calls, so there is nothing to close.
     *
     * @throws LocalRunStoreException when the file cannot be created or opened as an SQLite database
     */
    public static RunStore runStore(Path databaseFile) {
        return new SqliteRunStore(new SqliteRunStoreFile(databaseFile), Clock.systemUTC());
    }
}
