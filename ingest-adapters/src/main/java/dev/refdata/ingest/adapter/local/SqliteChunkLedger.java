package dev.refdata.ingest.adapter.local;

import dev.refdata.ingest.core.domain.Checkpoint;
import dev.refdata.ingest.core.domain.ChunkCounters;
import dev.refdata.ingest.core.domain.ChunkKey;
import dev.refdata.ingest.core.domain.ChunkState;
import dev.refdata.ingest.core.domain.ChunkStatus;
import dev.refdata.ingest.core.port.out.ChunkLedger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import static dev.refdata.ingest.adapter.local.SqliteRunStoreFile.update;

/**
 * The chunk ledger in one SQLite file, for running the pipeline on one machine without AWS.
 *
 * <p>Every call runs in one write transaction of the {@link SqliteRunStoreFile}, so calls from any number of
 * threads or processes on the same file are serialised by SQLite itself. Each change is still a conditional
 * statement ({@code INSERT … ON CONFLICT DO NOTHING}, {@code UPDATE … WHERE <holds the lease>}) judged by its
 * affected-row count, the same rules the DynamoDB ledger writes as condition expressions. A chunk the run store
 * registered is a PENDING row nobody holds: the first claim takes it over. Instants are stored as epoch milliseconds.
 */
final class SqliteChunkLedger implements ChunkLedger {

    private static final String INSERT_FIRST_CLAIM = """
            INSERT INTO chunk (run_id, chunk, status, owner, lease_until, next_offset, next_line, records_read,
                               records_indexed, records_deleted, records_stale, records_rejected, retries,
                               attempts, started_at, last_error, updated_at)
            VALUES (?, ?, 'RUNNING', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, NULL, ?)
            ON CONFLICT (run_id, chunk) DO NOTHING""";

    /**
     * A new attempt: the chunk is not done and nobody holds a live lease on it (a PENDING or FAILED chunk holds
     * none). The first claim's start stays; a row without one (a PENDING chunk, or a row written before starts were
     * kept) gets this claim's.
     */
    private static final String TAKE_OVER = """
            UPDATE chunk SET status = 'RUNNING', owner = ?, lease_until = ?, attempts = attempts + 1,
                             started_at = COALESCE(started_at, ?), updated_at = ?
            WHERE run_id = ? AND chunk = ?
              AND status <> 'COMPLETED'
              AND (status IN ('PENDING', 'FAILED') OR lease_until IS NULL OR lease_until <= ?)""";

    /** The holder of a live lease claiming again: the same attempt, with the new lease end (and a start if none). */
    private static final String RENEW = """
            UPDATE chunk SET lease_until = ?, started_at = COALESCE(started_at, ?), updated_at = ?
            WHERE run_id = ? AND chunk = ? AND status = 'RUNNING' AND owner = ? AND lease_until > ?""";

    /** Checkpoint, complete, fail and release: only by the holder of a live lease. */
    private static final String WRITE_AS_HOLDER = """
            UPDATE chunk SET status = ?, lease_until = ?, next_offset = ?, next_line = ?, records_read = ?,
                             records_indexed = ?, records_deleted = ?, records_stale = ?, records_rejected = ?,
                             retries = ?, last_error = COALESCE(?, last_error), updated_at = ?
            WHERE run_id = ? AND chunk = ? AND status = 'RUNNING' AND owner = ? AND lease_until > ?""";

    /** The columns {@link #toState} reads. */
    static final String STATE_COLUMNS = """
            status, owner, lease_until, next_offset, next_line, records_read, records_indexed, records_deleted,
            records_stale, records_rejected, retries, attempts, started_at, last_error, updated_at""";

    private static final String SELECT = "SELECT " + STATE_COLUMNS + " FROM chunk WHERE run_id = ? AND chunk = ?";

    private final SqliteRunStoreFile file;

    SqliteChunkLedger(SqliteRunStoreFile file) {
        this.file = Objects.requireNonNull(file, "file");
    }

    @Override
    public Claim claim(ChunkKey key, Checkpoint initial, String owner, Instant now, Instant leaseUntil) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(initial, "initial");
        ChunkLedger.requireOwner(owner);
        ChunkLedger.requireLease(now, leaseUntil);
        return file.write("claim chunk " + key, connection -> {
            if (insertFirstClaim(connection, key, initial, owner, now, leaseUntil)) {
                return new Claim.Granted(initial, 1);
            }
            if (update(connection, TAKE_OVER, owner, millis(leaseUntil), millis(now), millis(now),
                    key.run().value(), key.chunk(), millis(now))
                    || update(connection, RENEW, millis(leaseUntil), millis(now), millis(now),
                    key.run().value(), key.chunk(), owner, millis(now))) {
                ChunkState granted = select(connection, key).orElseThrow();
                return new Claim.Granted(granted.checkpoint(), granted.attempts());
            }
            ChunkState current = select(connection, key).orElseThrow();
            if (current.status() == ChunkStatus.COMPLETED) {
                return new Claim.AlreadyCompleted(current.checkpoint().counters());
            }
            return new Claim.HeldByOther(current.owner(), current.leaseUntil());
        });
    }

    @Override
    public void checkpoint(ChunkKey key, String owner, Checkpoint checkpoint, Instant now, Instant leaseUntil) {
        ChunkLedger.requireLease(now, leaseUntil);
        writeAsHolder("checkpoint", key, owner, now, ChunkStatus.RUNNING, leaseUntil, checkpoint, null);
    }

    @Override
    public void complete(ChunkKey key, String owner, Checkpoint last, Instant now) {
        writeAsHolder("complete", key, owner, now, ChunkStatus.COMPLETED, now, last, null);
    }

    @Override
    public void fail(ChunkKey key, String owner, Checkpoint last, String reason, Instant now) {
        Objects.requireNonNull(reason, "reason");
        if (reason.isBlank()) {
            throw new IllegalArgumentException("a failure needs a reason");
        }
        writeAsHolder("fail", key, owner, now, ChunkStatus.FAILED, now, last, reason);
    }

    @Override
    public void release(ChunkKey key, String owner, Checkpoint checkpoint, Instant now) {
        writeAsHolder("release", key, owner, now, ChunkStatus.RUNNING, now, checkpoint, null);
    }

    @Override
    public Optional<ChunkState> find(ChunkKey key) {
        Objects.requireNonNull(key, "key");
        return file.read("read chunk " + key, connection -> select(connection, key));
    }

    /**
     * Sets status, lease end, checkpoint and (when not null) the error, if {@code owner} holds a live lease. When it
     * does not, the entry may already be exactly what this write leaves (a repeated call): that is accepted;
     * anything else means the lease is lost.
     */
    private void writeAsHolder(String action, ChunkKey key, String owner, Instant now, ChunkStatus status,
                               Instant leaseUntil, Checkpoint checkpoint, String error) {
        Objects.requireNonNull(key, "key");
        ChunkLedger.requireOwner(owner);
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(checkpoint, "checkpoint");
        ChunkCounters counters = checkpoint.counters();
        file.write(action + " chunk " + key, connection -> {
            boolean written = update(connection, WRITE_AS_HOLDER, status.name(), millis(leaseUntil),
                    checkpoint.nextOffset(), checkpoint.nextLine(), counters.read(), counters.indexed(),
                    counters.deleted(), counters.stale(), counters.rejected(), counters.retries(), error, millis(now),
                    key.run().value(), key.chunk(), owner, millis(now));
            if (!written) {
                Optional<ChunkState> current = select(connection, key);
                boolean repeated = current.isPresent() && current.get().equals(new ChunkState(key, status, owner,
                        truncated(leaseUntil), checkpoint, current.get().attempts(), current.get().startedAt(),
                        error == null ? current.get().lastError() : error, truncated(now)));
                if (!repeated) {
                    throw new LeaseLostException(key, owner);
                }
            }
            return null;
        });
    }

    private boolean insertFirstClaim(Connection connection, ChunkKey key, Checkpoint initial, String owner,
                                     Instant now, Instant leaseUntil) throws SQLException {
        ChunkCounters counters = initial.counters();
        return update(connection, INSERT_FIRST_CLAIM, key.run().value(), key.chunk(), owner, millis(leaseUntil),
                initial.nextOffset(), initial.nextLine(), counters.read(), counters.indexed(), counters.deleted(),
                counters.stale(), counters.rejected(), counters.retries(), millis(now), millis(now));
    }

    private static Optional<ChunkState> select(Connection connection, ChunkKey key) throws SQLException {
        try (PreparedStatement prepared = SqliteRunStoreFile.prepare(connection, SELECT, key.run().value(),
                key.chunk());
             ResultSet row = prepared.executeQuery()) {
            return row.next() ? Optional.of(toState(key, row)) : Optional.empty();
        }
    }

    /** The entry in the current row of {@code row}, which holds the {@link #STATE_COLUMNS}. */
    static ChunkState toState(ChunkKey key, ResultSet row) throws SQLException {
        Instant lease = optionalInstant(row, "lease_until");
        ChunkCounters counters = new ChunkCounters(row.getLong("records_read"), row.getLong("records_indexed"),
                row.getLong("records_deleted"), row.getLong("records_stale"), row.getLong("records_rejected"),
                row.getLong("retries"));
        Checkpoint checkpoint = new Checkpoint(row.getLong("next_offset"), row.getLong("next_line"), counters);
        return new ChunkState(key, ChunkStatus.valueOf(row.getString("status")), row.getString("owner"), lease,
                checkpoint, row.getInt("attempts"), optionalInstant(row, "started_at"), row.getString("last_error"),
                Instant.ofEpochMilli(row.getLong("updated_at")));
    }

    private static Instant optionalInstant(ResultSet row, String column) throws SQLException {
        long millis = row.getLong(column);
        return row.wasNull() ? null : Instant.ofEpochMilli(millis);
    }

    private static long millis(Instant instant) {
        return instant.toEpochMilli();
    }

    /** {@code instant} as stored: to the millisecond. */
    private static Instant truncated(Instant instant) {
        return Instant.ofEpochMilli(instant.toEpochMilli());
    }

    @Override
    public String toString() {
        return "SqliteChunkLedger[" + file + "]";
    }
}
