package dev.refdata.ingest.adapter.dynamodb;

import dev.refdata.ingest.core.domain.ChunkDefinition;
import dev.refdata.ingest.core.domain.ChunkKey;
import dev.refdata.ingest.core.domain.ChunkState;
import dev.refdata.ingest.core.domain.ChunkStatus;
import dev.refdata.ingest.core.domain.RunId;
import dev.refdata.ingest.core.domain.RunRecord;
import dev.refdata.ingest.core.domain.RunStatus;
import dev.refdata.ingest.core.port.out.RunStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

import static dev.refdata.ingest.adapter.dynamodb.ChunkItem.PARTITION_KEY;
import static dev.refdata.ingest.adapter.dynamodb.ChunkItem.SORT_KEY;

/**
 * The run store in the DynamoDB run-store table: a run is one item ({@link RunItem}, {@code sk = RUN}), each chunk
 * one item ({@link ChunkItem}, {@code sk = CHUNK#<number>}) holding the chunk's definition next to the chunk
 * ledger's entry. Runs are created and replaced with one conditional {@code PutItem} each; chunks are registered
 * with {@code BatchWriteItem} as PENDING entries nobody holds, which the ledger's first claim takes over. Reads are
 * strongly consistent.
 */
final class DynamoDbRuns implements RunStore {

    /** BatchWriteItem takes at most 25 writes per call. */
    private static final int MAX_BATCH_WRITES = 25;
    /** Calls per batch before giving up on items DynamoDB keeps returning unprocessed (throttled). */
    private static final int MAX_BATCH_ATTEMPTS = 10;
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(50);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    DynamoDbRuns(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = Objects.requireNonNull(dynamo, "dynamo");
        this.table = Objects.requireNonNull(table, "table");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Creation create(RunRecord run) {
        Objects.requireNonNull(run, "run");
        Map<String, AttributeValue> item = RunItem.item(run);
        try {
            dynamo.putItem(b -> b.tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(#" + PARTITION_KEY + ")")
                    .expressionAttributeNames(ChunkItem.names(List.of(PARTITION_KEY))));
            return new Creation(RunItem.toRun(item), true);
        } catch (ConditionalCheckFailedException exists) {
            RunRecord stored = find(run.id()).orElseThrow(() -> new IllegalStateException(
                    "run " + run.id() + " exists and does not: it was deleted while being created again"));
            return new Creation(stored, false);
        }
    }

    @Override
    public Optional<RunRecord> find(RunId id) {
        Objects.requireNonNull(id, "id");
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).key(RunItem.key(id))
                .consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(RunItem.toRun(item));
    }

    @Override
    public void update(RunRecord run, Set<RunStatus> expected) {
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(expected, "expected");
        if (expected.isEmpty()) {
            throw new IllegalArgumentException("an update needs at least one expected status");
        }
        Set<RunStatus> expectedStatuses = EnumSet.copyOf(expected);
        Map<String, AttributeValue> values = new LinkedHashMap<>();
        expectedStatuses.forEach(status -> values.put(":" + status.name(), AttributeValue.fromS(status.name())));
        String condition = "#" + RunItem.STATUS + " IN (" + String.join(", ", values.keySet()) + ")";
        try {
            dynamo.putItem(b -> b.tableName(table).item(RunItem.item(run))
                    .conditionExpression(condition)
                    .expressionAttributeNames(ChunkItem.names(List.of(RunItem.STATUS)))
                    .expressionAttributeValues(values));
        } catch (ConditionalCheckFailedException changed) {
            RunRecord current = find(run.id()).orElseThrow(() ->
                    new IllegalStateException("run " + run.id() + " cannot be updated: it was never created"));
            throw new RunChangedException(run.id(), current.status(), expectedStatuses);
        }
    }

    /**
     * Puts every chunk's item as PENDING and deletes the items of chunks registered before but not given now. The
     * check that no chunk was claimed yet is a read before the writes, not a condition on them (BatchWriteItem
     * takes none): registering happens while the run is planned, before any loader is started.
     */
    @Override
    public void registerChunks(RunId run, List<ChunkDefinition> chunks) {
        RunStore.requireChunksOf(run, chunks);
        Set<Integer> registered = new HashSet<>();
        for (Map<String, AttributeValue> item : chunkItems(run, List.of(SORT_KEY, ChunkItem.STATUS))) {
            ChunkKey key = ChunkItem.chunkKey(run, item);
            AttributeValue status = item.get(ChunkItem.STATUS);
            if (status == null || !ChunkStatus.PENDING.name().equals(status.s())) {
                throw new IllegalStateException("the chunks of run " + run + " cannot be registered again: chunk "
                        + key.chunk() + " is " + (status == null ? "without status" : status.s()) + " already");
            }
            registered.add(key.chunk());
        }
        Instant now = clock.instant();
        List<WriteRequest> writes = new ArrayList<>();
        for (ChunkDefinition chunk : chunks) {
            registered.remove(chunk.key().chunk());
            writes.add(WriteRequest.builder()
                    .putRequest(PutRequest.builder().item(ChunkItem.pendingItem(chunk, now)).build())
                    .build());
        }
        for (int stale : registered) {
            writes.add(WriteRequest.builder()
                    .deleteRequest(DeleteRequest.builder().key(ChunkItem.key(new ChunkKey(run, stale))).build())
                    .build());
        }
        for (int from = 0; from < writes.size(); from += MAX_BATCH_WRITES) {
            writeBatch(run, writes.subList(from, Math.min(from + MAX_BATCH_WRITES, writes.size())));
        }
    }

    @Override
    public List<ChunkDefinition> chunkDefinitions(RunId run) {
        Objects.requireNonNull(run, "run");
        List<String> attributes = new ArrayList<>(List.of(SORT_KEY));
        attributes.addAll(ChunkItem.DEFINITION_ATTRIBUTES);
        List<ChunkDefinition> definitions = new ArrayList<>();
        for (Map<String, AttributeValue> item : chunkItems(run, attributes)) {
            ChunkItem.toDefinition(ChunkItem.chunkKey(run, item), item).ifPresent(definitions::add);
        }
        return definitions;
    }

    @Override
    public List<ChunkState> chunkStates(RunId run) {
        Objects.requireNonNull(run, "run");
        List<String> attributes = new ArrayList<>(List.of(SORT_KEY));
        attributes.addAll(ChunkItem.STATE_ATTRIBUTES);
        List<ChunkState> states = new ArrayList<>();
        for (Map<String, AttributeValue> item : chunkItems(run, attributes)) {
            ChunkKey key = ChunkItem.chunkKey(run, item);
            states.add(ChunkItem.toState(key, item));
        }
        return states;
    }

    /**
     * For now a Scan of the whole table keeping the run items ({@code sk = RUN}), sorted here: it reads every chunk
     * item too, which is fine while the table holds a few weeks of nightly runs. When that stops being true, a
     * sparse global secondary index on the run items (a constant partition key, {@code createdAt} as sort key)
     * answers with one Query of {@code limit} items; it needs the deployed table (template.yaml) changed as well.
     */
    @Override
    public List<RunRecord> recent(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
        ScanRequest request = ScanRequest.builder()
                .tableName(table)
                .filterExpression("#" + SORT_KEY + " = :run")
                .expressionAttributeNames(ChunkItem.names(List.of(SORT_KEY)))
                .expressionAttributeValues(Map.of(":run", AttributeValue.fromS(RunItem.SORT_KEY_VALUE)))
                .consistentRead(true)
                .build();
        List<RunRecord> runs = new ArrayList<>();
        dynamo.scanPaginator(request).items().forEach(item -> runs.add(RunItem.toRun(item)));
        return runs.stream()
                .sorted(Comparator.comparing(RunRecord::createdAt)
                        .thenComparing(run -> run.id().value()).reversed())
                .limit(limit)
                .toList();
    }

    /** Every chunk item of {@code run} in chunk order, with {@code attributes} only, page after page. */
    private List<Map<String, AttributeValue>> chunkItems(RunId run, List<String> attributes) {
        List<String> names = new ArrayList<>(attributes);
        names.add(PARTITION_KEY);
        names.add(SORT_KEY);
        Map<String, String> attributeNames = ChunkItem.names(names.stream().distinct().toList());
        QueryRequest request = QueryRequest.builder()
                .tableName(table)
                .keyConditionExpression("#" + PARTITION_KEY + " = :pk AND begins_with(#" + SORT_KEY + ", :chunks)")
                .projectionExpression(attributes.stream().map(attribute -> "#" + attribute)
                        .collect(Collectors.joining(", ")))
                .expressionAttributeNames(attributeNames)
                .expressionAttributeValues(Map.of(
                        ":pk", AttributeValue.fromS(ChunkItem.partitionKey(run)),
                        ":chunks", AttributeValue.fromS(ChunkItem.SORT_KEY_PREFIX)))
                .consistentRead(true)
                .build();
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        dynamo.queryPaginator(request).items().forEach(items::add);
        return items;
    }

    /** Writes one batch, sending again what DynamoDB returns unprocessed, with a growing, jittered pause. */
    private void writeBatch(RunId run, List<WriteRequest> batch) {
        Map<String, List<WriteRequest>> pending = Map.of(table, batch);
        for (int attempt = 1; ; attempt++) {
            Map<String, List<WriteRequest>> requestItems = pending;
            Map<String, List<WriteRequest>> unprocessed = dynamo.batchWriteItem(b -> b.requestItems(requestItems))
                    .unprocessedItems();
            if (unprocessed == null || unprocessed.values().stream().allMatch(List::isEmpty)) {
                return;
            }
            if (attempt == MAX_BATCH_ATTEMPTS) {
                int left = unprocessed.values().stream().mapToInt(List::size).sum();
                throw new IllegalStateException("registering the chunks of run " + run + ": DynamoDB left " + left
                        + " of " + batch.size() + " writes unprocessed after " + attempt + " attempts");
            }
            pause(attempt);
            pending = new HashMap<>(unprocessed);
        }
    }

    /** Sleeps a random time up to {@link #FIRST_BACKOFF} doubled per attempt, at most {@link #MAX_BACKOFF}. */
    private static void pause(int attempt) {
        long ceiling = Math.min(MAX_BACKOFF.toMillis(), FIRST_BACKOFF.toMillis() << Math.min(attempt - 1, 16));
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while registering chunks", e);
        }
    }


    @Override
    public String toString() {
        return "DynamoDbRuns[" + table + "]";
    }
}
