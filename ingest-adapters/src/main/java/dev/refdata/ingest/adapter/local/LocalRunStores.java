package dev.refdata.ingest.adapter.local;

import dev.refdata.ingest.core.port.out.ChunkLedger;

import java.nio.file.Path;

/**
 * Builds the embedded run store: one SQLite file holding runs and their chunks, for running the pipeline on one
 * machine without AWS. Any number of threads and processes may use the same file at once.
 */
public final class LocalRunStores {

    private LocalRunStores() {
    }

    /**
     * The chunk ledger in {@code databaseFile}, creating the file, its directory and its table when missing. The
     * ledger holds no open connection between calls, so there is nothing to close.
     *
     * @throws LocalRunStoreException when the file cannot be created or opened as an SQLite database
     */
    public static ChunkLedger chunkLedger(Path databaseFile) {
        return new SqliteChunkLedger(databaseFile);
    }
}
