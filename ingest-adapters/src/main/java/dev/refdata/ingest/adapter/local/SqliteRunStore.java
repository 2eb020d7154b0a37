package dev.refdata.ingest.adapter.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refdata.ingest.core.domain.ByteRange;
import dev.refdata.ingest.core.domain.ChunkDefinition;
import dev.refdata.ingest.core.domain.ChunkKey;
import dev.refdata.ingest.core.domain.ChunkState;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.domain.RunId;
import dev.refdata.ingest.core.domain.RunMode;
import dev.refdata.ingest.core.domain.RunRecord;
import dev.refdata.ingest.core.domain.RunSource;
import dev.refdata.ingest.core.domain.RunStatus;
import dev.refdata.ingest.core.port.out.RunStore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.refdata.ingest.adapter.local.SqliteRunStoreFile.prepare;
import static dev.refdata.ingest.adapter.local.SqliteRunStoreFile.execute;

/**
 * The run store in the embedded SQLite file: runs in table {@code runs}, chunk definitions in
 * {@code chunk_definitions}, and the chunks' states read from the chunk ledger's table {@code chunk}, where
 * registering the chunks puts them as PENDING entries that nobody holds (so the ledger's first claim takes them
 * over, like any unleased entry). Every change is one write transaction of the {@link SqliteRunStoreFile};
 * instants are stored as epoch milliseconds.
 */
final class SqliteRunStore implements RunStore {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    private static final String RUN_COLUMNS = """
            run_id, dataset, business_date, mode, source_bucket, source_key, source_prefix, status, alias,
            target_index, manifest_bucket, manifest_key, chunk_count, expected_records, executions, reason,
            created_at, updated_at""";

    private static final String INSERT_RUN = "INSERT INTO runs (" + RUN_COLUMNS + """
            ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (run_id) DO NOTHING""";

    private static final String SELECT_RUN = "SELECT " + RUN_COLUMNS + " FROM runs WHERE run_id = ?";

    /** Followed by {@code (?, ?, …)}, one placeholder per expected status. */
    private static final String REPLACE_RUN_IF_STATUS_IN = """
            UPDATE runs SET dataset = ?, business_date = ?, mode = ?, source_bucket = ?, source_key = ?,
                            source_prefix = ?, status = ?, alias = ?, target_index = ?, manifest_bucket = ?,
                            manifest_key = ?, chunk_count = ?, expected_records = ?, executions = ?, reason = ?,
                            created_at = ?, updated_at = ?
            WHERE run_id = ? AND status IN\s""";

    private static final String SELECT_RECENT_RUNS = "SELECT " + RUN_COLUMNS
            + " FROM runs ORDER BY created_at DESC, run_id DESC LIMIT ?";

    private static final String SELECT_CLAIMED_CHUNK = """
            SELECT chunk, status FROM chunk WHERE run_id = ? AND status <> 'PENDING' ORDER BY chunk LIMIT 1""";

    private static final String DELETE_PENDING_CHUNKS = "DELETE FROM chunk WHERE run_id = ? AND status = 'PENDING'";

    private static final String DELETE_CHUNK_DEFINITIONS = "DELETE FROM chunk_definitions WHERE run_id = ?";

    private static final String INSERT_PENDING_CHUNK = """
            INSERT INTO chunk (run_id, chunk, status, owner, lease_until, next_offset, next_line, records_read,
                               records_indexed, records_deleted, records_stale, records_rejected, retries,
                               attempts, started_at, last_error, updated_at)
            VALUES (?, ?, 'PENDING', NULL, NULL, ?, ?, 0, 0, 0, 0, 0, 0, 0, NULL, NULL, ?)""";

    private static final String DEFINITION_COLUMNS = """
            chunk, object_bucket, object_key, range_start, range_end, first_line, records, columns, source_bucket,
            source_key""";

    private static final String INSERT_CHUNK_DEFINITION = "INSERT INTO chunk_definitions (run_id, "
            + DEFINITION_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private static final String SELECT_CHUNK_DEFINITIONS = "SELECT " + DEFINITION_COLUMNS
            + " FROM chunk_definitions WHERE run_id = ? ORDER BY chunk";

    private static final String SELECT_CHUNK_STATES = "SELECT chunk, " + SqliteChunkLedger.STATE_COLUMNS
            + " FROM chunk WHERE run_id = ? ORDER BY chunk";

    private final SqliteRunStoreFile file;
    private final Clock clock;

    SqliteRunStore(SqliteRunStoreFile file, Clock clock) {
        this.file = Objects.requireNonNull(file, "file");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Creation create(RunRecord run) {
        Objects.requireNonNull(run, "run");
        return file.write("create run " + run.id(), connection -> {
            boolean created = execute(connection, INSERT_RUN, runColumns(run).toArray()) == 1;
            return new Creation(select(connection, run.id()).orElseThrow(), created);
        });
    }

    @Override
    public Optional<RunRecord> find(RunId id) {
        Objects.requireNonNull(id, "id");
        return file.read("read run " + id, connection -> select(connection, id));
    }

    @Override
    public void update(RunRecord run, Set<RunStatus> expected) {
        Objects.requireNonNull(run, "run");
        Set<RunStatus> expectedStatuses = requireExpected(expected);
        List<Object> parameters = runColumns(run);
        parameters.add(parameters.remove(0)); // run_id goes last, into the WHERE clause
        expectedStatuses.forEach(status -> parameters.add(status.name()));
        String statement = REPLACE_RUN_IF_STATUS_IN + expectedStatuses.stream().map(status -> "?")
                .collect(Collectors.joining(", ", "(", ")"));
        file.write("update run " + run.id(), connection -> {
            if (execute(connection, statement, parameters.toArray()) == 0) {
                RunRecord current = select(connection, run.id()).orElseThrow(() ->
                        new IllegalStateException("run " + run.id() + " cannot be updated: it was never created"));
                throw new RunChangedException(run.id(), current.status(), expectedStatuses);
            }
            return null;
        });
    }

    @Override
    public void registerChunks(RunId run, List<ChunkDefinition> chunks) {
        RunStore.requireChunksOf(run, chunks);
        long now = clock.instant().toEpochMilli();
        file.write("register the chunks of run " + run, connection -> {
            refuseOnceClaimed(connection, run);
            execute(connection, DELETE_PENDING_CHUNKS, run.value());
            execute(connection, DELETE_CHUNK_DEFINITIONS, run.value());
            try (PreparedStatement pending = connection.prepareStatement(INSERT_PENDING_CHUNK);
                 PreparedStatement definition = connection.prepareStatement(INSERT_CHUNK_DEFINITION)) {
                for (ChunkDefinition chunk : chunks) {
                    setAll(pending, run.value(), chunk.key().chunk(), chunk.range().start(), chunk.firstLine(), now);
                    pending.addBatch();
                    setAll(definition, run.value(), chunk.key().chunk(), chunk.object().bucket(), chunk.object().key(),
                            chunk.range().start(), chunk.range().end(), chunk.firstLine(), chunk.records(),
                            json(chunk.columns()), chunk.source().bucket(), chunk.source().key());
                    definition.addBatch();
                }
                pending.executeBatch();
                definition.executeBatch();
            }
            return null;
        });
    }

    @Override
    public List<ChunkDefinition> chunkDefinitions(RunId run) {
        Objects.requireNonNull(run, "run");
        return file.read("read the chunk definitions of run " + run, connection -> {
            List<ChunkDefinition> definitions = new ArrayList<>();
            try (PreparedStatement prepared = prepare(connection, SELECT_CHUNK_DEFINITIONS, run.value());
                 ResultSet row = prepared.executeQuery()) {
                while (row.next()) {
                    ChunkKey key = new ChunkKey(run, row.getInt("chunk"));
                    definitions.add(new ChunkDefinition(key,
                            new ObjectRef(row.getString("object_bucket"), row.getString("object_key")),
                            new ByteRange(row.getLong("range_start"), row.getLong("range_end")),
                            row.getLong("first_line"), row.getLong("records"), strings(key, row.getString("columns")),
                            new ObjectRef(row.getString("source_bucket"), row.getString("source_key"))));
                }
            }
            return definitions;
        });
    }

    @Override
    public List<ChunkState> chunkStates(RunId run) {
        Objects.requireNonNull(run, "run");
        return file.read("read the chunk states of run " + run, connection -> {
            List<ChunkState> states = new ArrayList<>();
            try (PreparedStatement prepared = prepare(connection, SELECT_CHUNK_STATES, run.value());
                 ResultSet row = prepared.executeQuery()) {
                while (row.next()) {
                    states.add(SqliteChunkLedger.toState(new ChunkKey(run, row.getInt("chunk")), row));
                }
            }
            return states;
        });
    }

    @Override
    public List<RunRecord> recent(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
        return file.read("read the recent runs", connection -> {
            List<RunRecord> runs = new ArrayList<>();
            try (PreparedStatement prepared = prepare(connection, SELECT_RECENT_RUNS, limit);
                 ResultSet row = prepared.executeQuery()) {
                while (row.next()) {
                    runs.add(toRun(row));
                }
            }
            return runs;
        });
    }

    /**
     * Refuses to register the chunks of a run any of whose chunks a loader claimed already: registering replaces
     * the run's chunks, which is safe only while every one of them is still PENDING (planning repeated).
     */
    private static void refuseOnceClaimed(Connection connection, RunId run) throws SQLException {
        try (PreparedStatement prepared = prepare(connection, SELECT_CLAIMED_CHUNK, run.value());
             ResultSet row = prepared.executeQuery()) {
            if (row.next()) {
                throw new IllegalStateException("the chunks of run " + run + " cannot be registered again: chunk "
                        + row.getInt("chunk") + " is " + row.getString("status") + " already");
            }
        }
    }

    /** The run's column values in {@link #RUN_COLUMNS} order, instants as epoch milliseconds. */
    private static List<Object> runColumns(RunRecord run) {
        List<Object> columns = new ArrayList<>();
        columns.add(run.id().value());
        columns.add(run.dataset());
        columns.add(run.businessDate().toString());
        columns.add(run.mode().name());
        columns.add(run.source().bucket());
        columns.add(run.source().key());
        columns.add(run.source().prefix());
        columns.add(run.status().name());
        columns.add(run.alias());
        columns.add(run.targetIndex());
        columns.add(run.manifest() == null ? null : run.manifest().bucket());
        columns.add(run.manifest() == null ? null : run.manifest().key());
        columns.add(run.chunkCount());
        columns.add(run.expectedRecords());
        columns.add(run.executions());
        columns.add(run.reason());
        columns.add(run.createdAt().toEpochMilli());
        columns.add(run.updatedAt().toEpochMilli());
        return columns;
    }

    private static Optional<RunRecord> select(Connection connection, RunId id) throws SQLException {
        try (PreparedStatement prepared = prepare(connection, SELECT_RUN, id.value());
             ResultSet row = prepared.executeQuery()) {
            return row.next() ? Optional.of(toRun(row)) : Optional.empty();
        }
    }

    private static RunRecord toRun(ResultSet row) throws SQLException {
        String manifestBucket = row.getString("manifest_bucket");
        ObjectRef manifest = manifestBucket == null ? null
                : new ObjectRef(manifestBucket, row.getString("manifest_key"));
        return new RunRecord(new RunId(row.getString("run_id")), row.getString("dataset"),
                LocalDate.parse(row.getString("business_date")), RunMode.valueOf(row.getString("mode")),
                new RunSource(row.getString("source_bucket"), row.getString("source_key"),
                        row.getString("source_prefix")),
                RunStatus.valueOf(row.getString("status")), row.getString("alias"), row.getString("target_index"),
                manifest, row.getInt("chunk_count"), row.getLong("expected_records"), row.getInt("executions"),
                row.getString("reason"), Instant.ofEpochMilli(row.getLong("created_at")),
                Instant.ofEpochMilli(row.getLong("updated_at")));
    }

    private static void setAll(PreparedStatement prepared, Object... parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            prepared.setObject(i + 1, parameters[i]);
        }
    }

    private static String json(List<String> columns) {
        try {
            return JSON.writeValueAsString(columns);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write column names as JSON", e);
        }
    }

    private static List<String> strings(ChunkKey key, String json) {
        try {
            return JSON.readValue(json, STRINGS);
        } catch (JsonProcessingException e) {
            throw new LocalRunStoreException("the column names of chunk " + key + " are not a JSON array of strings: "
                    + e.getOriginalMessage(), e);
        }
    }

    private static Set<RunStatus> requireExpected(Set<RunStatus> expected) {
        Objects.requireNonNull(expected, "expected");
        if (expected.isEmpty()) {
            throw new IllegalArgumentException("an update needs at least one expected status");
        }
        return EnumSet.copyOf(expected);
    }


    @Override
    public String toString() {
        return "SqliteRunStore[" + file + "]";
    }
}
