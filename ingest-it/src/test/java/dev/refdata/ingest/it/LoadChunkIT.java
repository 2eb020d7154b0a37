package dev.refdata.ingest.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refdata.ingest.adapter.dynamodb.DynamoDbRunStore;
import dev.refdata.ingest.adapter.opensearch.OpenSearchClientSettings;
import dev.refdata.ingest.adapter.opensearch.OpenSearchHttpClient;
import dev.refdata.ingest.adapter.opensearch.OpenSearchIndexAdmin;
import dev.refdata.ingest.adapter.opensearch.OpenSearchSinks;
import dev.refdata.ingest.adapter.opensearch.node.LocalOpenSearchNode;
import dev.refdata.ingest.adapter.opensearch.node.LocalOpenSearchSettings;
import dev.refdata.ingest.adapter.s3.S3ObjectStores;
import dev.refdata.ingest.core.csv.ChunkRecordReader;
import dev.refdata.ingest.core.csv.CsvRecord;
import dev.refdata.ingest.core.domain.Chunk;
import dev.refdata.ingest.core.domain.ChunkKey;
import dev.refdata.ingest.core.domain.ChunkState;
import dev.refdata.ingest.core.domain.ChunkStatus;
import dev.refdata.ingest.core.domain.DatasetSpec;
import dev.refdata.ingest.core.domain.IndexMapping;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.domain.RunId;
import dev.refdata.ingest.core.load.LoadChunkService;
import dev.refdata.ingest.core.load.LoadSettings;
import dev.refdata.ingest.core.port.in.ChunkBusyException;
import dev.refdata.ingest.core.port.in.LoadChunkCommand;
import dev.refdata.ingest.core.port.in.LoadChunkResult;
import dev.refdata.ingest.core.port.in.LoadChunkUseCase.TimeBudget;
import dev.refdata.ingest.core.port.in.PlanChunksCommand;
import dev.refdata.ingest.core.port.in.PlanChunksResult;
import dev.refdata.ingest.core.port.out.ChunkLedger;
import dev.refdata.ingest.core.port.out.ObjectStore;
import dev.refdata.ingest.core.port.out.SearchSink;
import dev.refdata.ingest.core.sample.InstrumentSampleGenerator;
import dev.refdata.ingest.core.sample.InvalidRowKind;
import dev.refdata.ingest.core.sample.SampleOptions;
import dev.refdata.ingest.core.sample.SampleSummary;
import dev.refdata.ingest.core.sample.Amount;
import dev.refdata.ingest.core.service.PlanChunksService;
import dev.refdata.ingest.core.spec.DatasetCatalog;
import dev.refdata.ingest.it.support.ServiceEndpoints;
import dev.refdata.ingest.it.support.TestServices;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** LoadChunk on the real services: S3 (S3Proxy), the DynamoDB run store (dynalite) and OpenSearch 2.19.6. */
class LoadChunkIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DatasetSpec INSTRUMENTS = DatasetCatalog.builtIn().get("instruments");
    private static final String BUCKET = "feeds-" + UUID.randomUUID().toString().substring(0, 8);
    private static final String TABLE = "runs-" + UUID.randomUUID().toString().substring(0, 8);

    private static S3Client s3;
    private static DynamoDbClient dynamo;
    private static OpenSearchHttpClient search;
    private static ObjectStore objects;
    private static ChunkLedger ledger;

    @BeforeAll
    static void services() {
        ServiceEndpoints services = TestServices.endpoints();
        s3 = services.newS3Client();
        s3.createBucket(b -> b.bucket(BUCKET));
        objects = S3ObjectStores.of(s3);
        dynamo = services.newDynamoDbClient();
        DynamoDbRunStore.createTable(dynamo, TABLE);
        ledger = DynamoDbRunStore.chunkLedger(dynamo, TABLE);
        search = OpenSearchSinks.create(OpenSearchClientSettings.builder(services.openSearchUrl()).build());
    }

    @AfterAll
    static void close() {
        search.close();
        s3.close();
        dynamo.close();
    }

    private record Planned(ObjectRef object, Chunk chunk, List<String> columns, SampleSummary summary, byte[] bytes) {
    }

    private static Planned upload(String name, SampleOptions options) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SampleSummary summary = new InstrumentSampleGenerator(options).writeTo(out);
        ObjectRef object = new ObjectRef(BUCKET, "2026-11-27/" + name + ".csv");
        objects.put(object, out.toByteArray(), "text/csv");
        PlanChunksResult plan = new PlanChunksService(objects, DatasetCatalog.builtIn())
                .plan(new PlanChunksCommand(object, "instruments", Long.MAX_VALUE));
        assertThat(plan.plan().chunks()).hasSize(1);
        return new Planned(object, plan.plan().chunks().get(0), plan.layout().columnNames(), summary, out.toByteArray());
    }

    private static String freshIndex(OpenSearchIndexAdmin admin) {
        String index = "instruments-it-" + UUID.randomUUID().toString().substring(0, 8);
        admin.createIndex(index, IndexMapping.of(INSTRUMENTS).createIndexBody(0, "-1"));
        return index;
    }

    private static LoadChunkCommand command(Planned p, RunId run, String index, String owner) {
        return new LoadChunkCommand(new ChunkKey(run, 0), p.object(), p.chunk().range(), p.chunk().firstLine(),
                p.chunk().records(), "instruments", p.columns(), index, BUCKET, owner);
    }

    private static LoadChunkService service(SearchSink sink, LoadSettings settings) {
        return new LoadChunkService(objects, ledger, sink, DatasetCatalog.builtIn(), settings, Clock.systemUTC());
    }

    private static RunId newRun() {
        return new RunId("instruments-2026-11-27-" + UUID.randomUUID().toString().substring(0, 8));
    }

    /** The source's records by id, as the reader sees them. */
    private static Map<String, CsvRecord> sourceById(Planned p) throws IOException {
        Map<String, CsvRecord> byId = new HashMap<>();
        try (InputStream in = objects.openRange(p.object(), p.chunk().range());
             ChunkRecordReader reader = new ChunkRecordReader(in, INSTRUMENTS.dialect(), p.chunk().range().start(),
                     p.chunk().firstLine())) {
            CsvRecord r;
            while ((r = reader.next()) != null) {
                byId.put(r.field(0), r);
            }
        }
        return byId;
    }

    @Test
    void aHundredThousandRecordChunkLandsExactlyWithItsFieldValuesAndCounters() throws IOException {
        Planned p = upload("full", SampleOptions.builder().records(100_000).seed(11).build());
        OpenSearchIndexAdmin admin = search.admin();
        String index = freshIndex(admin);

        LoadChunkResult result;
        try (LoadChunkService service = service(search.sink(), LoadSettings.DEFAULTS)) {
            result = service.load(command(p, newRun(), index, "it-loader"), TimeBudget.UNLIMITED);
        }

        assertThat(result.outcome()).isEqualTo(LoadChunkResult.Outcome.COMPLETED);
        assertThat(result.counters().read()).isEqualTo(100_000);
        assertThat(result.counters().indexed()).isEqualTo(100_000);
        assertThat(result.counters().balanced()).isTrue();
        admin.refresh(index);
        assertThat(admin.count(index)).isEqualTo(100_000);

        Map<String, CsvRecord> source = sourceById(p);
        List<String> ids = new ArrayList<>(source.keySet());
        java.util.Collections.shuffle(ids, new java.util.Random(5));
        for (String id : ids.subList(0, 200)) {
            JsonNode doc = JSON.readTree(admin.source(index, id).orElseThrow(() -> new AssertionError("missing " + id)));
            CsvRecord row = source.get(id);
            for (int c = 0; c < p.columns().size(); c++) {
                String column = p.columns().get(c);
                String value = row.field(c);
                if (value.isEmpty()) {
                    assertThat(doc.has(column)).as("%s.%s is absent", id, column).isFalse();
                } else if (column.equals("coupon")) {
                    assertThat(doc.get(column).decimalValue()).as("%s.coupon", id).isEqualByComparingTo(value);
                } else {
                    assertThat(doc.get(column).asText()).as("%s.%s", id, column).isEqualTo(value);
                }
            }
            assertThat(doc.at("/ingest/line").asLong()).isEqualTo(row.line());
        }
    }

    @Test
    void recordsThatCannotBeConvertedAreRejectedWithTheirLinesAndTheRestLoad() throws IOException {
        Planned p = upload("invalid", SampleOptions.builder().records(5_000).seed(12)
                .invalidRowsOfEachKind(Amount.count(7)).build());
        OpenSearchIndexAdmin admin = search.admin();
        String index = freshIndex(admin);
        RunId run = newRun();

        LoadChunkResult result;
        try (LoadChunkService service = service(search.sink(), LoadSettings.DEFAULTS)) {
            result = service.load(command(p, run, index, "it-loader"), TimeBudget.UNLIMITED);
        }

        long invalid = 7L * InvalidRowKind.values().length;
        assertThat(result.counters().rejected()).isEqualTo(invalid);
        assertThat(result.counters().indexed()).isEqualTo(5_000);
        admin.refresh(index);
        assertThat(admin.count(index)).isEqualTo(5_000);

        String[] lines = new String(p.bytes(), StandardCharsets.UTF_8).split("\n", -1);
        List<JsonNode> rejects = new ArrayList<>();
        try (var listed = objects.list(BUCKET, "rejects/" + run.value() + "/")) {
            for (var info : listed.toList()) {
                try (InputStream in = objects.open(info.ref())) {
                    for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                        if (!line.isBlank()) {
                            rejects.add(JSON.readTree(line));
                        }
                    }
                }
            }
        }
        assertThat(rejects).hasSize((int) invalid);
        for (JsonNode reject : rejects) {
            int line = reject.get("line").asInt();
            assertThat(reject.get("raw").asText()).as("line %d", line).isEqualTo(lines[line - 1]);
            assertThat(reject.get("reason").asText()).isNotBlank();
            String id = reject.get("raw").asText().split(",")[0];
            if (!id.isEmpty()) {
                assertThat(admin.source(index, id)).as("a rejected record is never indexed: %s", id).isEmpty();
            }
        }
        assertThat(rejects).extracting(r -> r.get("reason").asText().toLowerCase(Locale.ROOT))
                .anyMatch(r -> r.contains("check digit")).anyMatch(r -> r.contains("not a date"))
                .anyMatch(r -> r.contains("not a decimal")).anyMatch(r -> r.contains("columns"))
                .anyMatch(r -> r.contains("required"));
    }

    @Test
    void aLoadStoppedMidChunkIsRetriedFromItsCheckpointAndEndsExact() throws Exception {
        Planned p = upload("interrupted", SampleOptions.builder().records(40_000).seed(13).build());
        OpenSearchIndexAdmin admin = search.admin();
        String index = freshIndex(admin);
        RunId run = newRun();
        LoadSettings settings = LoadSettings.DEFAULTS.withMaxBulkItems(2_000).withCheckpointRecords(4_000)
                .withLease(Duration.ofSeconds(3), Duration.ofSeconds(1));
        AtomicInteger requests = new AtomicInteger();
        AtomicInteger itemsSent = new AtomicInteger();
        SearchSink real = search.sink();
        SearchSink dying = (idx, body) -> {
            if (requests.incrementAndGet() == 12) {
                throw new ThreadDeath(); // the loader's thread is stopped: nothing of it runs any more
            }
            itemsSent.addAndGet(body.items());
            return real.bulk(idx, body);
        };
        try (LoadChunkService first = service(dying, settings)) {
            assertThatThrownBy(() -> first.load(command(p, run, index, "loader-a"), TimeBudget.UNLIMITED))
                    .isInstanceOf(ThreadDeath.class);
        }
        ChunkState stopped = ledger.find(new ChunkKey(run, 0)).orElseThrow();
        assertThat(stopped.status()).isEqualTo(ChunkStatus.RUNNING);
        long checkpointed = stopped.checkpoint().counters().read();
        assertThat(checkpointed).as("some checkpoints were written before the stop").isGreaterThanOrEqualTo(8_000);

        try (LoadChunkService second = service(search.sink(), settings)) {
            assertThatThrownBy(() -> second.load(command(p, run, index, "loader-b"), TimeBudget.UNLIMITED))
                    .as("the stopped loader's lease is still live").isInstanceOf(ChunkBusyException.class);
            Thread.sleep(3_500); // the lease expires
            LoadChunkResult resumed = second.load(command(p, run, index, "loader-b"), TimeBudget.UNLIMITED);

            assertThat(resumed.attempt()).isEqualTo(2);
            assertThat(resumed.resumedFrom()).isEqualTo(stopped.checkpoint());
            assertThat(resumed.readThisCall()).as("only what came after the checkpoint is read again")
                    .isEqualTo(40_000 - checkpointed);
            assertThat(resumed.counters().read()).isEqualTo(40_000);
            assertThat(resumed.counters().balanced()).isTrue();
        }
        admin.refresh(index);
        assertThat(admin.count(index)).isEqualTo(40_000);
        Map<String, CsvRecord> source = sourceById(p);
        assertThat(source).hasSize(40_000);
    }

    @Test
    void theSameChunkLoadedAgainAndOlderVersionsLeaveTheIndexUnchangedAndCountStale() throws IOException {
        Planned p = upload("twice", SampleOptions.builder().records(3_000).seed(14).build());
        OpenSearchIndexAdmin admin = search.admin();
        String index = freshIndex(admin);
        RunId first = newRun();
        try (LoadChunkService service = service(search.sink(), LoadSettings.DEFAULTS)) {
            service.load(command(p, first, index, "loader-1"), TimeBudget.UNLIMITED);
            admin.refresh(index);
            String someId = sourceById(p).keySet().iterator().next();
            String before = admin.source(index, someId).orElseThrow();

            LoadChunkResult again = service.load(command(p, newRun(), index, "loader-2"), TimeBudget.UNLIMITED);
            assertThat(again.counters().stale()).isEqualTo(3_000);
            assertThat(again.counters().indexed()).isZero();

            Planned older = upload("older", SampleOptions.builder().records(3_000).seed(14)
                    .asOf(SampleOptions.DEFAULT_AS_OF.minus(Duration.ofDays(30))).build());
            LoadChunkResult olderResult = service.load(command(older, newRun(), index, "loader-3"), TimeBudget.UNLIMITED);
            assertThat(olderResult.counters().stale()).isEqualTo(3_000);

            admin.refresh(index);
            assertThat(admin.count(index)).isEqualTo(3_000);
            assertThat(admin.source(index, someId).orElseThrow()).isEqualTo(before);
            assertThat(JSON.readTree(before).at("/ingest/run_id").asText()).isEqualTo(first.value());
        }
    }

    @Test
    void twoLoadersRacingForOneChunkLoadItExactlyOnce() throws Exception {
        Planned p = upload("race", SampleOptions.builder().records(20_000).seed(15).build());
        OpenSearchIndexAdmin admin = search.admin();
        String index = freshIndex(admin);
        RunId run = newRun();
        AtomicInteger itemsSent = new AtomicInteger();
        SearchSink counting = (idx, body) -> {
            itemsSent.addAndGet(body.items());
            return search.sink().bulk(idx, body);
        };
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (LoadChunkService a = service(counting, LoadSettings.DEFAULTS);
             LoadChunkService b = service(counting, LoadSettings.DEFAULTS)) {
            List<Callable<Object>> racers = List.of(
                    () -> outcome(() -> a.load(command(p, run, index, "racer-a"), TimeBudget.UNLIMITED)),
                    () -> outcome(() -> b.load(command(p, run, index, "racer-b"), TimeBudget.UNLIMITED)));
            List<Object> outcomes = new ArrayList<>();
            for (Future<Object> f : pool.invokeAll(racers)) {
                outcomes.add(f.get());
            }
            assertThat(outcomes).filteredOn(o -> o == LoadChunkResult.Outcome.COMPLETED).hasSize(1);
            assertThat(outcomes).filteredOn(o -> o != LoadChunkResult.Outcome.COMPLETED)
                    .allMatch(o -> o == ChunkBusyException.class || o == LoadChunkResult.Outcome.ALREADY_COMPLETED);
        } finally {
            pool.shutdownNow();
        }
        assertThat(itemsSent.get()).as("every record sent once").isEqualTo(20_000);
        admin.refresh(index);
        assertThat(admin.count(index)).isEqualTo(20_000);
    }

    private static Object outcome(Callable<LoadChunkResult> load) throws Exception {
        try {
            return load.call().outcome();
        } catch (ChunkBusyException e) {
            return ChunkBusyException.class;
        }
    }

    @Test
    void realRejectionsFromAnOverloadedNodeAreRetriedToSuccessWithNothingLost() throws Exception {
        Planned p = upload("backpressure", SampleOptions.builder().records(30_000).seed(16).build());
        try (LocalOpenSearchNode node = LocalOpenSearchNode.start(LocalOpenSearchSettings
                .builder(TestServices.servicesDirectory().resolve("opensearch-tiny-queue-loader"))
                .setting("thread_pool.write.size", "1")
                .setting("thread_pool.write.queue_size", "1")
                .build());
             OpenSearchHttpClient tiny = OpenSearchSinks.create(OpenSearchClientSettings.builder(node.httpUrl())
                     .maxConnections(16).build())) {
            String index = "instruments-backpressure";
            tiny.admin().createIndex(index, IndexMapping.of(INSTRUMENTS).createIndexBody(0, "-1")
                    .replace("\"number_of_shards\":1", "\"number_of_shards\":4"));
            LoadSettings settings = LoadSettings.DEFAULTS.withMaxBulkItems(250).withMaxInFlight(8)
                    .withRetries(30, Duration.ofMillis(50), Duration.ofSeconds(2), Duration.ofMinutes(3));
            LoadChunkResult result;
            try (LoadChunkService service = service(tiny.sink(), settings)) {
                result = service.load(command(p, newRun(), index, "loader-bp"), TimeBudget.UNLIMITED);
            }
            assertThat(result.counters().retries()).as("the node really rejected work").isPositive();
            assertThat(result.counters().indexed()).isEqualTo(30_000);
            assertThat(result.counters().rejected()).isZero();
            tiny.admin().refresh(index);
            assertThat(tiny.admin().count(index)).isEqualTo(30_000);
        }
    }
}
