package dev.refdata.ingest.adapter.dynamodb;

import dev.refdata.ingest.core.domain.Checkpoint;
import dev.refdata.ingest.core.domain.ChunkCounters;
import dev.refdata.ingest.core.domain.ChunkKey;
import dev.refdata.ingest.core.domain.ChunkState;
import dev.refdata.ingest.core.domain.ChunkStatus;
import dev.refdata.ingest.core.domain.RunId;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a chunk's entry is laid out in the run-store table: {@code pk = RUN#<run id>}, {@code sk = CHUNK#<number,
 * six digits>} (the run's own item will be {@code sk = RUN}), instants as epoch milliseconds, counters as numbers.
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
    static final String LAST_ERROR = "lastError";
    static final String UPDATED_AT = "updatedAt";

    /** The attributes that hold a {@link Checkpoint}. */
    static final List<String> CHECKPOINT_ATTRIBUTES = List.of(NEXT_OFFSET, NEXT_LINE, RECORDS_READ, RECORDS_INDEXED,
            RECORDS_DELETED, RECORDS_STALE, RECORDS_REJECTED, RETRIES);

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
        return "CHUNK#%06d".formatted(chunk);
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

    /** The entry {@code item} holds for {@code key}. */
    static ChunkState toState(ChunkKey key, Map<String, AttributeValue> item) {
        ChunkCounters counters = new ChunkCounters(requiredNumber(key, item, RECORDS_READ),
                requiredNumber(key, item, RECORDS_INDEXED), requiredNumber(key, item, RECORDS_DELETED),
                requiredNumber(key, item, RECORDS_STALE), requiredNumber(key, item, RECORDS_REJECTED),
                requiredNumber(key, item, RETRIES));
        Checkpoint checkpoint = new Checkpoint(requiredNumber(key, item, NEXT_OFFSET),
                requiredNumber(key, item, NEXT_LINE), counters);
        AttributeValue leaseUntil = item.get(LEASE_UNTIL);
        return new ChunkState(key, ChunkStatus.valueOf(requiredString(key, item, STATUS)), optionalString(item, OWNER),
                leaseUntil == null ? null : Instant.ofEpochMilli(Long.parseLong(leaseUntil.n())), checkpoint,
                Math.toIntExact(requiredNumber(key, item, ATTEMPTS)), optionalString(item, LAST_ERROR),
                Instant.ofEpochMilli(requiredNumber(key, item, UPDATED_AT)));
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

    private static String optionalString(Map<String, AttributeValue> item, String attribute) {
        AttributeValue value = item.get(attribute);
        return value == null ? null : value.s();
    }
}
