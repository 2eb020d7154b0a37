package dev.refdata.ingest.adapter.dynamodb;

import dev.refdata.ingest.core.domain.Checkpoint;
import dev.refdata.ingest.core.domain.ChunkKey;
import dev.refdata.ingest.core.domain.ChunkState;
import dev.refdata.ingest.core.domain.ChunkStatus;
import dev.refdata.ingest.core.port.out.ChunkLedger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import static dev.refdata.ingest.adapter.dynamodb.ChunkItem.ATTEMPTS;
import static dev.refdata.ingest.adapter.dynamodb.ChunkItem.CHECKPOINT_ATTRIBUTES;
import static dev.refdata.ingest.adapter.dynamodb.ChunkItem.LAST_ERROR;
import static dev.refdata.ingest.adapter.dynamodb.ChunkItem.LEASE_UNTIL;
import static dev.refdata.ingest.adapter.dynamodb.ChunkItem.OWNER;
import static dev.refdata.ingest.adapter.dynamodb.ChunkItem.PARTITION_KEY;
import static dev.refdata.ingest.adapter.dynamodb.ChunkItem.STARTED_AT;
import static dev.refdata.ingest.adapter.dynamodb.ChunkItem.STATUS;
import static dev.refdata.ingest.adapter.dynamodb.ChunkItem.UPDATED_AT;

/**
 * The chunk ledger in the DynamoDB run-store table. Every change is one {@code UpdateItem} with a condition
 * expression, so DynamoDB's per-item atomicity is all the locking there is: no transactions, no TTL. When a
 * condition fails, a strongly consistent read of the item decides what that means (held by another loader,
 * completed, or the lease lost). The first claim sets {@code startedAt}; later writes leave it, except that a claim
 * of an item without it (written before it was kept) sets it then.
 */
final class DynamoDbChunkLedger implements ChunkLedger {

    /** Claim rounds before giving up: a round is repeated only when another writer changed the item in between. */
    private static final int MAX_CLAIM_ROUNDS = 10;

    /**
     * A new attempt, creating the item if needed: the chunk is not done and nobody holds a live lease on it (a
     * PENDING chunk, registered by the run store, or a FAILED one holds none).
     */
    private static final String TAKE_OVER_CONDITION = "attribute_not_exists(#" + PARTITION_KEY + ") OR (#" + STATUS
            + " <> :completed AND (#" + STATUS + " IN (:pending, :failed) OR attribute_not_exists(#" + LEASE_UNTIL
            + ") OR #" + LEASE_UNTIL + " <= :now))";

    /** The caller holds a live lease. */
    private static final String HOLDER_CONDITION = "#" + STATUS + " = :running AND #" + OWNER + " = :owner AND #"
            + LEASE_UNTIL + " > :now";

    /** A claim's start, only where none is kept: the first claim's stays. */
    private static final String SET_STARTED_AT_IF_MISSING = "#" + STARTED_AT + " = if_not_exists(#" + STARTED_AT
            + ", :now)";

    private final DynamoDbClient dynamo;
    private final String table;

    DynamoDbChunkLedger(DynamoDbClient dynamo, String table) {
        this.dynamo = Objects.requireNonNull(dynamo, "dynamo");
        this.table = Objects.requireNonNull(table, "table");
    }

    @Override
    public Claim claim(ChunkKey key, Checkpoint initial, String owner, Instant now, Instant leaseUntil) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(initial, "initial");
        ChunkLedger.requireOwner(owner);
        ChunkLedger.requireLease(now, leaseUntil);
        for (int round = 0; round < MAX_CLAIM_ROUNDS; round++) {
            Optional<ChunkState> taken = takeOver(key, initial, owner, now, leaseUntil);
            if (taken.isPresent()) {
                return new Claim.Granted(taken.get().checkpoint(), taken.get().attempts());
            }
            Optional<ChunkState> current = find(key);
            if (current.isEmpty()) {
                continue; // deleted since the take-over was refused: try again
            }
            ChunkState state = current.get();
            if (state.status() == ChunkStatus.COMPLETED) {
                return new Claim.AlreadyCompleted(state.checkpoint().counters());
            }
            if (!leaseIsLive(state, now)) {
                continue; // released, failed or expired since the take-over was refused: try again
            }
            if (!owner.equals(state.owner())) {
                return new Claim.HeldByOther(state.owner(), state.leaseUntil());
            }
            Optional<ChunkState> renewed = renew(key, owner, now, leaseUntil);
            if (renewed.isPresent()) {
                return new Claim.Granted(renewed.get().checkpoint(), renewed.get().attempts());
            }
        }
        throw new IllegalStateException("chunk " + key + " changed under " + MAX_CLAIM_ROUNDS
                + " claims by " + owner + " in a row");
    }

    @Override
    public void checkpoint(ChunkKey key, String owner, Checkpoint checkpoint, Instant now, Instant leaseUntil) {
        ChunkLedger.requireLease(now, leaseUntil);
        writeAsHolder(key, owner, now, ChunkStatus.RUNNING, leaseUntil, checkpoint, null);
    }

    @Override
    public void complete(ChunkKey key, String owner, Checkpoint last, Instant now) {
        writeAsHolder(key, owner, now, ChunkStatus.COMPLETED, now, last, null);
    }

    @Override
    public void fail(ChunkKey key, String owner, Checkpoint last, String reason, Instant now) {
        Objects.requireNonNull(reason, "reason");
        if (reason.isBlank()) {
            throw new IllegalArgumentException("a failure needs a reason");
        }
        writeAsHolder(key, owner, now, ChunkStatus.FAILED, now, last, reason);
    }

    @Override
    public void release(ChunkKey key, String owner, Checkpoint checkpoint, Instant now) {
        writeAsHolder(key, owner, now, ChunkStatus.RUNNING, now, checkpoint, null);
    }

    @Override
    public Optional<ChunkState> find(ChunkKey key) {
        Objects.requireNonNull(key, "key");
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).key(ChunkItem.key(key))
                .consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(ChunkItem.toState(key, item));
    }

    /** Starts a new attempt if nobody holds a live lease, creating the entry from {@code initial} if there is none. */
    private Optional<ChunkState> takeOver(ChunkKey key, Checkpoint initial, String owner, Instant now,
                                          Instant leaseUntil) {
        List<String> attributes = new ArrayList<>(List.of(PARTITION_KEY, STATUS, OWNER, LEASE_UNTIL, UPDATED_AT,
                ATTEMPTS, STARTED_AT));
        attributes.addAll(CHECKPOINT_ATTRIBUTES);
        Map<String, AttributeValue> values = new HashMap<>(ChunkItem.checkpointValues(initial, "Initial"));
        values.put(":running", AttributeValue.fromS(ChunkStatus.RUNNING.name()));
        values.put(":completed", AttributeValue.fromS(ChunkStatus.COMPLETED.name()));
        values.put(":pending", AttributeValue.fromS(ChunkStatus.PENDING.name()));
        values.put(":failed", AttributeValue.fromS(ChunkStatus.FAILED.name()));
        values.put(":owner", AttributeValue.fromS(owner));
        values.put(":leaseUntil", ChunkItem.epochMillis(leaseUntil));
        values.put(":now", ChunkItem.epochMillis(now));
        values.put(":zero", ChunkItem.number(0));
        values.put(":one", ChunkItem.number(1));
        String update = "SET #" + STATUS + " = :running, #" + OWNER + " = :owner, #" + LEASE_UNTIL + " = :leaseUntil, #"
                + UPDATED_AT + " = :now, #" + ATTEMPTS + " = if_not_exists(#" + ATTEMPTS + ", :zero) + :one, "
                + SET_STARTED_AT_IF_MISSING + ", " + ChunkItem.setCheckpointIfMissing("Initial");
        return conditionalUpdate(key, update, TAKE_OVER_CONDITION, attributes, values);
    }

    /** Moves the end of a live lease {@code owner} holds; the attempt stays the same. */
    private Optional<ChunkState> renew(ChunkKey key, String owner, Instant now, Instant leaseUntil) {
        Map<String, AttributeValue> values = Map.of(
                ":running", AttributeValue.fromS(ChunkStatus.RUNNING.name()),
                ":owner", AttributeValue.fromS(owner),
                ":leaseUntil", ChunkItem.epochMillis(leaseUntil),
                ":now", ChunkItem.epochMillis(now));
        String update = "SET #" + LEASE_UNTIL + " = :leaseUntil, #" + UPDATED_AT + " = :now, "
                + SET_STARTED_AT_IF_MISSING;
        return conditionalUpdate(key, update, HOLDER_CONDITION,
                List.of(STATUS, OWNER, LEASE_UNTIL, UPDATED_AT, STARTED_AT), values);
    }

    /**
     * Sets status, lease end, checkpoint and (when not null) the error, if {@code owner} holds a live lease. When it
     * does not, the item may already be exactly what this write leaves (the SDK retried a write whose response was
     * lost, or the caller repeated it): that is accepted; anything else means the lease is lost.
     */
    private void writeAsHolder(ChunkKey key, String owner, Instant now, ChunkStatus status, Instant leaseUntil,
                               Checkpoint checkpoint, String error) {
        Objects.requireNonNull(key, "key");
        ChunkLedger.requireOwner(owner);
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(checkpoint, "checkpoint");
        List<String> attributes = new ArrayList<>(List.of(STATUS, OWNER, LEASE_UNTIL, UPDATED_AT));
        attributes.addAll(CHECKPOINT_ATTRIBUTES);
        Map<String, AttributeValue> values = new HashMap<>(ChunkItem.checkpointValues(checkpoint, ""));
        values.put(":status", AttributeValue.fromS(status.name()));
        values.put(":running", AttributeValue.fromS(ChunkStatus.RUNNING.name()));
        values.put(":owner", AttributeValue.fromS(owner));
        values.put(":leaseUntil", ChunkItem.epochMillis(leaseUntil));
        values.put(":now", ChunkItem.epochMillis(now));
        String update = "SET #" + STATUS + " = :status, #" + LEASE_UNTIL + " = :leaseUntil, #" + UPDATED_AT
                + " = :now, " + ChunkItem.setCheckpoint("");
        if (error != null) {
            attributes.add(LAST_ERROR);
            values.put(":lastError", AttributeValue.fromS(error));
            update += ", #" + LAST_ERROR + " = :lastError";
        }
        if (conditionalUpdate(key, update, HOLDER_CONDITION, attributes, values).isPresent()) {
            return;
        }
        Optional<ChunkState> current = find(key);
        boolean repeated = current.isPresent() && current.get().equals(new ChunkState(key, status, owner,
                truncated(leaseUntil), checkpoint, current.get().attempts(), current.get().startedAt(),
                error == null ? current.get().lastError() : error, truncated(now)));
        if (!repeated) {
            throw new LeaseLostException(key, owner);
        }
    }

    /** The item after the update, or empty when the condition did not hold (and nothing was written). */
    private Optional<ChunkState> conditionalUpdate(ChunkKey key, String update, String condition,
                                                   List<String> attributes, Map<String, AttributeValue> values) {
        UpdateItemRequest request = UpdateItemRequest.builder()
                .tableName(table)
                .key(ChunkItem.key(key))
                .updateExpression(update)
                .conditionExpression(condition)
                .expressionAttributeNames(ChunkItem.names(attributes))
                .expressionAttributeValues(values)
                .returnValues(ReturnValue.ALL_NEW)
                .build();
        try {
            return Optional.of(ChunkItem.toState(key, dynamo.updateItem(request).attributes()));
        } catch (ConditionalCheckFailedException e) {
            return Optional.empty();
        }
    }

    /** Whether someone holds a lease on {@code state} at {@code now}: exactly when a take-over is refused. */
    private static boolean leaseIsLive(ChunkState state, Instant now) {
        return state.status() == ChunkStatus.RUNNING && state.leaseUntil() != null && state.leaseUntil().isAfter(now);
    }



    /** {@code instant} as stored: to the millisecond. */
    private static Instant truncated(Instant instant) {
        return Instant.ofEpochMilli(instant.toEpochMilli());
    }

    @Override
    public String toString() {
        return "DynamoDbChunkLedger[" + table + "]";
    }
}
