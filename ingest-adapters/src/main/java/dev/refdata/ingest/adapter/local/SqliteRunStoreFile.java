package dev.refdata.ingest.adapter.local;

import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;

/**
 * The embedded run store's SQLite file: its schema (runs, chunk definitions, and the chunk ledger's entries) and
 * the two ways the run store and the chunk ledger use it.
 *
 * <p>Every write opens its own connection and runs in one {@code BEGIN IMMEDIATE} transaction, which takes the
 * file's write lock up front: writes from any number of threads or processes on the same file are serialised by
 * SQLite itself (WAL mode, waiting up to {@link #BUSY_TIMEOUT_MILLIS} for the lock). Reads open a connection of
 * their own and see the last committed state. No connection is held between calls, so there is nothing to close.
 */
final class SqliteRunStoreFile {

    static final int BUSY_TIMEOUT_MILLIS = 30_000;

    /**
     * The chunk ledger's entries: one row per claimed (or registered, then PENDING) chunk. {@code started_at} is the
     * first claim's time, NULL until then.
     */
    private static final String CHUNK_TABLE = """
            CREATE TABLE IF NOT EXISTS chunk (
                run_id           TEXT    NOT NULL,
                chunk            INTEGER NOT NULL,
                status           TEXT    NOT NULL,
                owner            TEXT,
                lease_until      INTEGER,
                next_offset      INTEGER NOT NULL,
                next_line        INTEGER NOT NULL,
                records_read     INTEGER NOT NULL,
                records_indexed  INTEGER NOT NULL,
                records_deleted  INTEGER NOT NULL,
                records_stale    INTEGER NOT NULL,
                records_rejected INTEGER NOT NULL,
                retries          INTEGER NOT NULL,
                attempts         INTEGER NOT NULL,
                started_at       INTEGER,
                last_error       TEXT,
                updated_at       INTEGER NOT NULL,
                PRIMARY KEY (run_id, chunk)
            ) STRICT""";

    /** One row per run; exactly one of source_key and source_prefix is set. */
    private static final String RUNS_TABLE = """
            CREATE TABLE IF NOT EXISTS runs (
                run_id           TEXT    NOT NULL PRIMARY KEY,
                dataset          TEXT    NOT NULL,
                business_date    TEXT    NOT NULL,
                mode             TEXT    NOT NULL,
                source_bucket    TEXT    NOT NULL,
                source_key       TEXT,
                source_prefix    TEXT,
                status           TEXT    NOT NULL,
                alias            TEXT    NOT NULL,
                target_index     TEXT,
                manifest_bucket  TEXT,
                manifest_key     TEXT,
                chunk_count      INTEGER NOT NULL,
                expected_records INTEGER NOT NULL,
                executions       INTEGER NOT NULL,
                reason           TEXT,
                created_at       INTEGER NOT NULL,
                updated_at       INTEGER NOT NULL
            ) STRICT""";

    private static final String RUNS_BY_CREATION = """
            CREATE INDEX IF NOT EXISTS runs_by_creation ON runs (created_at DESC, run_id DESC)""";

    /** One row per planned chunk; {@code columns} is the header as a JSON array of strings. */
    private static final String CHUNK_DEFINITIONS_TABLE = """
            CREATE TABLE IF NOT EXISTS chunk_definitions (
                run_id        TEXT    NOT NULL,
                chunk         INTEGER NOT NULL,
                object_bucket TEXT    NOT NULL,
                object_key    TEXT    NOT NULL,
                range_start   INTEGER NOT NULL,
                range_end     INTEGER NOT NULL,
                first_line    INTEGER NOT NULL,
                records       INTEGER NOT NULL,
                columns       TEXT    NOT NULL,
                source_bucket TEXT    NOT NULL,
                source_key    TEXT    NOT NULL,
                PRIMARY KEY (run_id, chunk)
            ) STRICT""";

    private final Path file;
    private final SQLiteDataSource dataSource;

    /**
     * Opens {@code databaseFile}, creating it, its directory and its tables when missing.
     *
     * @throws LocalRunStoreException when the file cannot be created or opened as an SQLite database
     */
    SqliteRunStoreFile(Path databaseFile) {
        this.file = Objects.requireNonNull(databaseFile, "databaseFile").toAbsolutePath().normalize();
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        this.dataSource = new SQLiteDataSource(config);
        this.dataSource.setUrl("jdbc:sqlite:" + file);
        createSchema();
    }

    private void createSchema() {
        try {
            Path parent = file.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new LocalRunStoreException("cannot create the directory of " + file + ": " + e.getMessage(), e);
        }
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            // WAL is a property of the file: set once, it holds for every later connection.
            statement.execute("PRAGMA journal_mode = WAL");
            statement.execute(CHUNK_TABLE);
            statement.execute(RUNS_TABLE);
            statement.execute(RUNS_BY_CREATION);
            statement.execute(CHUNK_DEFINITIONS_TABLE);
        } catch (SQLException e) {
            throw new LocalRunStoreException("cannot open the run store " + file + ": " + e.getMessage(), e);
        }
        if (!read("read the chunk table's columns", SqliteRunStoreFile::hasStartedAt)) {
            write("add the chunk table's started_at column", connection -> {
                if (!hasStartedAt(connection)) { // under the write lock: another process may have added it
                    try (Statement alter = connection.createStatement()) {
                        alter.execute("ALTER TABLE chunk ADD COLUMN started_at INTEGER");
                    }
                }
                return null;
            });
        }
    }

    /**
     * Whether the chunk table has {@code started_at}: a file created before the ledger kept it lacks it, and gets it
     * when opened (its rows NULL: no start known).
     */
    private static boolean hasStartedAt(Connection connection) throws SQLException {
        try (PreparedStatement columns = connection.prepareStatement("SELECT name FROM pragma_table_info('chunk')");
             ResultSet column = columns.executeQuery()) {
            while (column.next()) {
                if ("started_at".equals(column.getString("name"))) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * Runs {@code work} in a transaction holding the file's write lock from the start; commits if it returns,
     * rolls back if it throws.
     *
     * @param action what {@code work} does, for the message of a failure: "claim chunk r#7"
     */
    <T> T write(String action, SqlWork<T> work) {
        try (Connection connection = dataSource.getConnection(); Statement control = connection.createStatement()) {
            control.execute("BEGIN IMMEDIATE");
            boolean committed = false;
            try {
                T result = work.run(connection);
                control.execute("COMMIT");
                committed = true;
                return result;
            } finally {
                if (!committed) {
                    rollback(control);
                }
            }
        } catch (SQLException e) {
            throw failure(action, e);
        }
    }

    /** Runs {@code work} on a connection of its own, outside any explicit transaction. */
    <T> T read(String action, SqlWork<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw failure(action, e);
        }
    }

    /** Runs {@code statement} with {@code parameters}; whether it changed exactly one row. */
    static boolean update(Connection connection, String statement, Object... parameters) throws SQLException {
        return execute(connection, statement, parameters) == 1;
    }

    /** Runs {@code statement} with {@code parameters}; how many rows it changed. */
    static int execute(Connection connection, String statement, Object... parameters) throws SQLException {
        try (PreparedStatement prepared = prepare(connection, statement, parameters)) {
            return prepared.executeUpdate();
        }
    }

    /** {@code statement} prepared with {@code parameters}; the caller closes it. */
    static PreparedStatement prepare(Connection connection, String statement, Object... parameters)
            throws SQLException {
        PreparedStatement prepared = connection.prepareStatement(statement);
        try {
            for (int i = 0; i < parameters.length; i++) {
                prepared.setObject(i + 1, parameters[i]);
            }
            return prepared;
        } catch (SQLException e) {
            prepared.close();
            throw e;
        }
    }

    private LocalRunStoreException failure(String action, SQLException e) {
        return new LocalRunStoreException("cannot " + action + " in " + file + ": " + e.getMessage(), e);
    }

    private static void rollback(Statement control) {
        try {
            control.execute("ROLLBACK");
        } catch (SQLException e) {
            // Nothing was written, or SQLite rolled back already; closing the connection ends the transaction.
        }
    }

    @Override
    public String toString() {
        return file.toString();
    }

    /** Work on an open connection. */
    @FunctionalInterface
    interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }
}
