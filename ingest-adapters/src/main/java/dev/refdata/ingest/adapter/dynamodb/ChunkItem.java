package dev.refdata.ingest.adapter.dynamodb;

import dev.refdata.ingest.core.domain.ByteRange;
import dev.refdata.ingest.core.domain.Checkpoint;
import dev.refdata.ingest.core.domain.ChunkDefinition;
import dev.refdata.ingest.core.domain.ChunkCounters;
import dev.refdata.ingest.core.domain.ChunkKey;
import dev.refdata.ingest.core.domain.ChunkState;
import dev.refdata.ingest.core.domain.ChunkStatus;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.domain.RunId;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a chunk's item is laid out in the run-store table: {@code pk = RUN#<run id>}, {@code sk = CHUNK#<number,
 * six digits>} (the run's own item is {@code sk = RUN}, see {@link RunItem}), instants as epoch milliseconds,
 * counters as numbers. One item holds both the chunk's ledger entry (status, lease, checkpoint, attempts, first
 * claim) and, once the run store registered the chunk, its definition (object, byte range, first line, records,
 * columns, source): the ledger's conditional updates set only their own attributes and leave the definition as it
 * is. {@code startedAt} is absent until the first claim, and from items written before it was kept.
 * Attribute names are always passed as expression attribute names ({@code #status} for {@code status}), so
 * DynamoDB's reserved words never matter.
 */
final class ChunkItem {

    static final String PARTITION_KEY = "pk";
    static final String SORT_KEY = "sk";

    static final String STATUS = "status";
    static final String OWNER = "owner";
    static final String LEASE_UNTIL = "leaseUntil";
    static final String NEXT_OFFSET = "nextOffset";
    static final String NEXT_LINE = "nextLine";
    static final String RECORDS_READ = "recordsRead";
    static final String RECORDS_INDEXED = "recordsIndexed";
    static final String RECORDS_DELETED = "recordsDeleted";
    static final String RECORDS_STALE = "recordsStale";
    static final String RECORDS_REJECTED = "recordsRejected";
    static final String RETRIES = "retries";
    static final String ATTEMPTS = "attempts";
    static final String STARTED_AT = "startedAt";
    static final String LAST_ERROR = "lastError";
    static final String UPDATED_AT = "updatedAt";

    static final String OBJECT_BUCKET = "objectBucket";
    static final String OBJECT_KEY = "objectKey";
    static final String RANGE_START = "rangeStart";
    static final String RANGE_END = "rangeEnd";
    static final String FIRST_LINE = "firstLine";
    static final String RECORDS = "records";
    static final String COLUMNS = "columns";
    static final String SOURCE_BUCKET = "sourceBucket";
    static final String SOURCE_KEY = "sourceKey";

    /** The start of every chunk item's sort key. */
    static final String SORT_KEY_PREFIX = "CHUNK#";

    /** The attributes that hold a checkpoint's {@link ChunkCounters}. */
    static final List<String> COUNTER_ATTRIBUTES = List.of(RECORDS_READ, RECORDS_INDEXED, RECORDS_DELETED,
            RECORDS_STALE, RECORDS_REJECTED, RETRIES);

    /** The attributes that hold a {@link Checkpoint}. */
    static final List<String> CHECKPOINT_ATTRIBUTES = concat(List.of(NEXT_OFFSET, NEXT_LINE), COUNTER_ATTRIBUTES);

    /** The attributes {@link #toState} reads. */
    static final List<String> STATE_ATTRIBUTES = concat(List.of(STATUS, OWNER, LEASE_UNTIL, ATTEMPTS, STARTED_AT,
            LAST_ERROR, UPDATED_AT), CHECKPOINT_ATTRIBUTES);

    /** The attributes of a registered chunk's {@link ChunkDefinition}, which {@link #toDefinition} reads. */
    static final List<String> DEFINITION_ATTRIBUTES = List.of(OBJECT_BUCKET, OBJECT_KEY, RANGE_START, RANGE_END,
            FIRST_LINE, RECORDS, COLUMNS, SOURCE_BUCKET, SOURCE_KEY);

    private ChunkItem() {
    }

    /** Expression attribute names for {@code attributes}: {@code #a -> a}. */
    static Map<String, String> names(List<String> attributes) {
        Map<String, String> names = new LinkedHashMap<>();
        attributes.forEach(attribute -> names.put("#" + attribute, attribute));
        return names;
    }

    static String partitionKey(RunId run) {
        return "RUN#" + run.value();
    }

    static String sortKey(int chunk) {
        return SORT_KEY_PREFIX + "%06d".formatted(chunk);
    }

    /** The chunk whose item {@code item} is, from its keys. */
    static ChunkKey chunkKey(RunId run, Map<String, AttributeValue> item) {
        AttributeValue sortKey = item.get(SORT_KEY);
        if (sortKey == null || sortKey.s() == null || !sortKey.s().startsWith(SORT_KEY_PREFIX)) {
            throw new IllegalStateException("an item of run " + run + " is not a chunk: sort key " + sortKey);
        }
        return new ChunkKey(run, Integer.parseInt(sortKey.s().substring(SORT_KEY_PREFIX.length())));
    }

    static Map<String, AttributeValue> key(ChunkKey key) {
        return Map.of(PARTITION_KEY, AttributeValue.fromS(partitionKey(key.run())),
                SORT_KEY, AttributeValue.fromS(sortKey(key.chunk())));
    }

    static AttributeValue number(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    static AttributeValue epochMillis(Instant instant) {
        return number(instant.toEpochMilli());
    }

    /** The values of a checkpoint's attributes, as {@code :<attribute><suffix>} placeholders. */
    static Map<String, AttributeValue> checkpointValues(Checkpoint checkpoint, String suffix) {
        ChunkCounters counters = checkpoint.counters();
        return Map.of(
                ":" + NEXT_OFFSET + suffix, number(checkpoint.nextOffset()),
                ":" + NEXT_LINE + suffix, number(checkpoint.nextLine()),
                ":" + RECORDS_READ + suffix, number(counters.read()),
                ":" + RECORDS_INDEXED + suffix, number(counters.indexed()),
                ":" + RECORDS_DELETED + suffix, number(counters.deleted()),
                ":" + RECORDS_STALE + suffix, number(counters.stale()),
                ":" + RECORDS_REJECTED + suffix, number(counters.rejected()),
                ":" + RETRIES + suffix, number(counters.retries()));
    }

    /** The checkpoint attributes in update-expression form, {@code #a = :a<suffix>, …}. */
    static String setCheckpoint(String suffix) {
        StringBuilder set = new StringBuilder();
        for (String attribute : CHECKPOINT_ATTRIBUTES) {
            if (!set.isEmpty()) {
                set.append(", ");
            }
            set.append('#').append(attribute).append(" = :").append(attribute).append(suffix);
        }
        return set.toString();
    }

    /** The checkpoint attributes set only where missing: {@code #a = if_not_exists(#a, :a<suffix>), …}. */
    static String setCheckpointIfMissing(String suffix) {
        StringBuilder set = new StringBuilder();
        for (String attribute : CHECKPOINT_ATTRIBUTES) {
            if (!set.isEmpty()) {
                set.append(", ");
            }
            set.append('#').append(attribute).append(" = if_not_exists(#").append(attribute).append(", :")
                    .append(attribute).append(suffix).append(')');
        }
        return set.toString();
    }

    /**
     * The item of a registered chunk nobody claimed yet: its definition and a PENDING entry at the chunk's start
     * (offset the range's start, line its first line, zero counters, no attempt, no lease, no start).
     */
    static Map<String, AttributeValue> pendingItem(ChunkDefinition chunk, Instant now) {
        Map<String, AttributeValue> item = new HashMap<>(key(chunk.key()));
        item.put(STATUS, AttributeValue.fromS(ChunkStatus.PENDING.name()));
        item.put(NEXT_OFFSET, number(chunk.range().start()));
        item.put(NEXT_LINE, number(chunk.firstLine()));
        for (String counter : COUNTER_ATTRIBUTES) {
            item.put(counter, number(0));
        }
        item.put(ATTEMPTS, number(0));
        item.put(UPDATED_AT, epochMillis(now));
        item.put(OBJECT_BUCKET, AttributeValue.fromS(chunk.object().bucket()));
        item.put(OBJECT_KEY, AttributeValue.fromS(chunk.object().key()));
        item.put(RANGE_START, number(chunk.range().start()));
        item.put(RANGE_END, number(chunk.range().end()));
        item.put(FIRST_LINE, number(chunk.firstLine()));
        item.put(RECORDS, number(chunk.records()));
        item.put(COLUMNS, AttributeValue.fromL(chunk.columns().stream().map(AttributeValue::fromS).toList()));
        item.put(SOURCE_BUCKET, AttributeValue.fromS(chunk.source().bucket()));
        item.put(SOURCE_KEY, AttributeValue.fromS(chunk.source().key()));
        return item;
    }

    /** The definition {@code item} holds for {@code key}, or empty for a chunk claimed but never registered. */
    static Optional<ChunkDefinition> toDefinition(ChunkKey key, Map<String, AttributeValue> item) {
        if (!item.containsKey(OBJECT_BUCKET)) {
            return Optional.empty();
        }
        AttributeValue columns = item.get(COLUMNS);
        if (columns == null || !columns.hasL()) {
            throw new IllegalStateException("the run-store item of chunk " + key + " has no list " + COLUMNS);
        }
        return Optional.of(new ChunkDefinition(key,
                new ObjectRef(requiredString(key, item, OBJECT_BUCKET), requiredString(key, item, OBJECT_KEY)),
                new ByteRange(requiredNumber(key, item, RANGE_START), requiredNumber(key, item, RANGE_END)),
                requiredNumber(key, item, FIRST_LINE), requiredNumber(key, item, RECORDS),
                columns.l().stream().map(AttributeValue::s).toList(),
                new ObjectRef(requiredString(key, item, SOURCE_BUCKET), requiredString(key, item, SOURCE_KEY))));
    }

    /** The entry {@code item} holds for {@code key}. */
    static ChunkState toState(ChunkKey key, Map<String, AttributeValue> item) {
        ChunkCounters counters = new ChunkCounters(requiredNumber(key, item, RECORDS_READ),
                requiredNumber(key, item, RECORDS_INDEXED), requiredNumber(key, item, RECORDS_DELETED),
                requiredNumber(key, item, RECORDS_STALE), requiredNumber(key, item, RECORDS_REJECTED),
                requiredNumber(key, item, RETRIES));
        Checkpoint checkpoint = new Checkpoint(requiredNumber(key, item, NEXT_OFFSET),
                requiredNumber(key, item, NEXT_LINE), counters);
        return new ChunkState(key, ChunkStatus.valueOf(requiredString(key, item, STATUS)), optionalString(item, OWNER),
                optionalInstant(key, item, LEASE_UNTIL), checkpoint,
                Math.toIntExact(requiredNumber(key, item, ATTEMPTS)), optionalInstant(key, item, STARTED_AT),
                optionalString(item, LAST_ERROR), Instant.ofEpochMilli(requiredNumber(key, item, UPDATED_AT)));
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> both = new ArrayList<>(first);
        both.addAll(second);
        return List.copyOf(both);
    }

    private static long requiredNumber(ChunkKey key, Map<String, AttributeValue> item, String attribute) {
        AttributeValue value = item.get(attribute);
        if (value == null || value.n() == null) {
            throw new IllegalStateException("the run-store item of chunk " + key + " has no number " + attribute);
        }
        return Long.parseLong(value.n());
    }

    private static String requiredString(ChunkKey key, Map<String, AttributeValue> item, String attribute) {
        AttributeValue value = item.get(attribute);
        if (value == null || value.s() == null) {
            throw new IllegalStateException("the run-store item of chunk " + key + " has no string " + attribute);
        }
        return value.s();
    }

    /** An instant kept as epoch milliseconds, or null when the attribute is absent (an entry may predate it). */
    private static Instant optionalInstant(ChunkKey key, Map<String, AttributeValue> item, String attribute) {
        AttributeValue value = item.get(attribute);
        if (value == null) {
            return null;
        }
        if (value.n() == null) {
            throw new IllegalStateException("the run-store item of chunk " + key + " has a " + attribute
                    + " that is not a number");
        }
        return Instant.ofEpochMilli(Long.parseLong(value.n()));
    }

    private static String optionalString(Map<String, AttributeValue> item, String attribute) {
        AttributeValue value = item.get(attribute);
        return value == null ? null : value.s();
    }
}
