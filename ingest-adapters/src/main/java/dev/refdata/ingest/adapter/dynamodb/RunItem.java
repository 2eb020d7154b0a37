package dev.refdata.ingest.adapter.dynamodb;

import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.domain.RunId;
import dev.refdata.ingest.core.domain.RunMode;
import dev.refdata.ingest.core.domain.RunRecord;
import dev.refdata.ingest.core.domain.RunSource;
import dev.refdata.ingest.core.domain.RunStatus;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;

import static dev.refdata.ingest.adapter.dynamodb.ChunkItem.PARTITION_KEY;
import static dev.refdata.ingest.adapter.dynamodb.ChunkItem.SORT_KEY;

/**
 * How a run's item is laid out in the run-store table: {@code pk = RUN#<run id>}, {@code sk = RUN}, one attribute
 * per {@link RunRecord} field (the source and manifest as bucket and key attributes), the business date as an ISO
 * date string, instants as epoch milliseconds. A field that is null has no attribute.
 */
final class RunItem {

    /** The sort key of every run's item. */
    static final String SORT_KEY_VALUE = "RUN";

    static final String RUN_ID = "runId";
    static final String DATASET = "dataset";
    static final String BUSINESS_DATE = "businessDate";
    static final String MODE = "mode";
    static final String SOURCE_BUCKET = "sourceBucket";
    static final String SOURCE_KEY = "sourceKey";
    static final String SOURCE_PREFIX = "sourcePrefix";
    static final String STATUS = "status";
    static final String ALIAS = "alias";
    static final String TARGET_INDEX = "targetIndex";
    static final String MANIFEST_BUCKET = "manifestBucket";
    static final String MANIFEST_KEY = "manifestKey";
    static final String CHUNK_COUNT = "chunkCount";
    static final String EXPECTED_RECORDS = "expectedRecords";
    static final String EXECUTIONS = "executions";
    static final String REASON = "reason";
    static final String CREATED_AT = "createdAt";
    static final String UPDATED_AT = "updatedAt";

    private RunItem() {
    }

    static Map<String, AttributeValue> key(RunId run) {
        return Map.of(PARTITION_KEY, AttributeValue.fromS(ChunkItem.partitionKey(run)),
                SORT_KEY, AttributeValue.fromS(SORT_KEY_VALUE));
    }

    /** The whole item of {@code run}, keys included. */
    static Map<String, AttributeValue> item(RunRecord run) {
        Map<String, AttributeValue> item = new HashMap<>(key(run.id()));
        item.put(RUN_ID, AttributeValue.fromS(run.id().value()));
        item.put(DATASET, AttributeValue.fromS(run.dataset()));
        item.put(BUSINESS_DATE, AttributeValue.fromS(run.businessDate().toString()));
        item.put(MODE, AttributeValue.fromS(run.mode().name()));
        item.put(SOURCE_BUCKET, AttributeValue.fromS(run.source().bucket()));
        putIfPresent(item, SOURCE_KEY, run.source().key());
        putIfPresent(item, SOURCE_PREFIX, run.source().prefix());
        item.put(STATUS, AttributeValue.fromS(run.status().name()));
        item.put(ALIAS, AttributeValue.fromS(run.alias()));
        putIfPresent(item, TARGET_INDEX, run.targetIndex());
        if (run.manifest() != null) {
            item.put(MANIFEST_BUCKET, AttributeValue.fromS(run.manifest().bucket()));
            item.put(MANIFEST_KEY, AttributeValue.fromS(run.manifest().key()));
        }
        item.put(CHUNK_COUNT, ChunkItem.number(run.chunkCount()));
        item.put(EXPECTED_RECORDS, ChunkItem.number(run.expectedRecords()));
        item.put(EXECUTIONS, ChunkItem.number(run.executions()));
        putIfPresent(item, REASON, run.reason());
        item.put(CREATED_AT, ChunkItem.epochMillis(run.createdAt()));
        item.put(UPDATED_AT, ChunkItem.epochMillis(run.updatedAt()));
        return item;
    }

    /** The run {@code item} holds. */
    static RunRecord toRun(Map<String, AttributeValue> item) {
        String id = optional(item, RUN_ID);
        if (id == null) {
            throw new IllegalStateException("the run-store item " + item.get(PARTITION_KEY) + " has no " + RUN_ID);
        }
        String manifestBucket = optional(item, MANIFEST_BUCKET);
        ObjectRef manifest = manifestBucket == null ? null
                : new ObjectRef(manifestBucket, required(id, item, MANIFEST_KEY));
        return new RunRecord(new RunId(id), required(id, item, DATASET),
                LocalDate.parse(required(id, item, BUSINESS_DATE)), RunMode.valueOf(required(id, item, MODE)),
                new RunSource(required(id, item, SOURCE_BUCKET), optional(item, SOURCE_KEY),
                        optional(item, SOURCE_PREFIX)),
                RunStatus.valueOf(required(id, item, STATUS)), required(id, item, ALIAS),
                optional(item, TARGET_INDEX), manifest,
                Math.toIntExact(number(id, item, CHUNK_COUNT)), number(id, item, EXPECTED_RECORDS),
                Math.toIntExact(number(id, item, EXECUTIONS)), optional(item, REASON),
                Instant.ofEpochMilli(number(id, item, CREATED_AT)), Instant.ofEpochMilli(number(id, item, UPDATED_AT)));
    }

    private static void putIfPresent(Map<String, AttributeValue> item, String attribute, String value) {
        if (value != null) {
            item.put(attribute, AttributeValue.fromS(value));
        }
    }

    private static String required(String id, Map<String, AttributeValue> item, String attribute) {
        String value = optional(item, attribute);
        if (value == null) {
            throw new IllegalStateException("the run-store item of run " + id + " has no string " + attribute);
        }
        return value;
    }

    private static String optional(Map<String, AttributeValue> item, String attribute) {
        AttributeValue value = item.get(attribute);
        return value == null ? null : value.s();
    }

    private static long number(String id, Map<String, AttributeValue> item, String attribute) {
        AttributeValue value = item.get(attribute);
        if (value == null || value.n() == null) {
            throw new IllegalStateException("the run-store item of run " + id + " has no number " + attribute);
        }
        return Long.parseLong(value.n());
    }
}
