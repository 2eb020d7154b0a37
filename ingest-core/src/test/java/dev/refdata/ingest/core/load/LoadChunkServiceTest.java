package dev.refdata.ingest.core.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refdata.ingest.core.csv.ChunkPlanner;
import dev.refdata.ingest.core.domain.Checkpoint;
import dev.refdata.ingest.core.domain.Chunk;
import dev.refdata.ingest.core.domain.ChunkCounters;
import dev.refdata.ingest.core.domain.ChunkKey;
import dev.refdata.ingest.core.domain.ChunkPlan;
import dev.refdata.ingest.core.domain.ChunkState;
import dev.refdata.ingest.core.domain.ChunkStatus;
import dev.refdata.ingest.core.domain.CsvDialect;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.domain.RunId;
import dev.refdata.ingest.core.port.in.ChunkBusyException;
import dev.refdata.ingest.core.port.in.ChunkLoadFailedException;
import dev.refdata.ingest.core.port.in.LoadChunkCommand;
import dev.refdata.ingest.core.port.in.LoadChunkResult;
import dev.refdata.ingest.core.port.in.LoadChunkUseCase.TimeBudget;
import dev.refdata.ingest.core.port.out.SearchSink;
import dev.refdata.ingest.core.port.out.SearchSink.SearchSinkException;
import dev.refdata.ingest.core.sample.InstrumentSampleGenerator;
import dev.refdata.ingest.core.sample.SampleOptions;
import dev.refdata.ingest.core.spec.DatasetCatalog;
import dev.refdata.ingest.core.testing.FakeSearchIndex;
import dev.refdata.ingest.core.testing.InMemoryChunkLedger;
import dev.refdata.ingest.core.testing.InMemoryObjectStore;
import dev.refdata.ingest.core.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoadChunkServiceTest {

    private static final String HEADER = "isin,ticker,name,asset_class,currency,mic,issuer,country,maturity,coupon,status,updated_at,op";
    private static final ObjectRef FILE = new ObjectRef("feeds", "2026-11-27/instruments.csv");
    private static final RunId RUN = new RunId("instruments-2026-11-27-a1b2");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final InMemoryObjectStore objects = new InMemoryObjectStore();
    private final InMemoryChunkLedger ledger = new InMemoryChunkLedger();
    private final FakeSearchIndex index = new FakeSearchIndex();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T02:00:00Z"));
    private final List<Duration> sleeps = new ArrayList<>();
    private LoadSettings settings = LoadSettings.DEFAULTS.withMaxBulkItems(200).withCheckpointRecords(500)
            .withRetries(6, Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofMinutes(1));
    private LoadChunkService service;

    @AfterEach
    void close() {
        if (service != null) {
            service.close();
        }
    }

    private LoadChunkService service() {
        if (service == null) {
            service = new LoadChunkService(objects, ledger, index, DatasetCatalog.builtIn(), settings, clock,
                    sleeps::add, new Random(1));
        }
        return service;
    }

    /** Puts the text in the store and plans it as one chunk. */
    private Chunk onlyChunk(String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        objects.with(FILE, bytes);
        ChunkPlan plan = new ChunkPlanner(CsvDialect.RFC4180_WITH_HEADER).plan(FILE, new ByteArrayInputStream(bytes), Long.MAX_VALUE);
        assertThat(plan.chunks()).hasSize(1);
        return plan.chunks().get(0);
    }

    private Chunk sampleChunk(int records) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new InstrumentSampleGenerator(SampleOptions.builder().records(records).opColumn(true).build()).writeTo(out);
        return onlyChunk(out.toString(StandardCharsets.UTF_8));
    }

    private LoadChunkCommand command(Chunk chunk, RunId run, String owner) {
        return new LoadChunkCommand(new ChunkKey(run, 0), chunk.object(), chunk.range(), chunk.firstLine(),
                chunk.records(), "instruments", List.of(HEADER.split(",")), "instruments", "artifacts", owner);
    }

    private LoadChunkResult load(Chunk chunk) {
        return service().load(command(chunk, RUN, "loader-1"), TimeBudget.UNLIMITED);
    }

    private List<JsonNode> rejects() throws IOException {
        List<JsonNode> all = new ArrayList<>();
        for (String key : objects.keys("artifacts", "rejects/" + RUN.value() + "/")) {
            String text = objects.text(new ObjectRef("artifacts", key));
            for (String line : text.split("\n")) {
                if (!line.isBlank()) {
                    all.add(JSON.readTree(line));
                }
            }
        }
        return all;
    }

    @Test
    void loadsEveryRecordOfAChunkWithTypedFieldsAndCompletesItWithBalancedCounters() throws IOException {
        Chunk chunk = sampleChunk(5_000);

        LoadChunkResult result = load(chunk);

        assertThat(result.outcome()).isEqualTo(LoadChunkResult.Outcome.COMPLETED);
        assertThat(result.counters()).isEqualTo(new ChunkCounters(5_000, 5_000, 0, 0, 0, 0));
        assertThat(index.documents).hasSize(5_000);
        assertThat(index.requests.get()).as("200 items a request").isEqualTo(25);
        FakeSearchIndex.Stored bond = index.documents.values().stream()
                .filter(d -> d.source().has("coupon")).findFirst().orElseThrow();
        assertThat(bond.source().get("coupon").isNumber()).isTrue();
        assertThat(bond.source().get("maturity").asText()).matches("\\d{4}-\\d{2}-\\d{2}");
        assertThat(bond.source().at("/ingest/run_id").asText()).isEqualTo(RUN.value());
        assertThat(bond.version()).isPositive();
        FakeSearchIndex.Stored equity = index.documents.values().stream()
                .filter(d -> "EQUITY".equals(d.source().get("asset_class").asText())).findFirst().orElseThrow();
        assertThat(equity.source().has("maturity")).as("an empty cell is an absent field").isFalse();
        assertThat(ledger.find(new ChunkKey(RUN, 0)).orElseThrow().status()).isEqualTo(ChunkStatus.COMPLETED);
        List<Long> checkpointed = ledger.checkpoints.stream().map(c -> c.counters().read()).toList();
        assertThat(checkpointed).as("whole requests of 200 are checkpointed").isNotEmpty()
                .allSatisfy(read -> assertThat(read % 200).isZero());
        for (int i = 0; i < checkpointed.size(); i++) {
            long since = checkpointed.get(i) - (i == 0 ? 0 : checkpointed.get(i - 1));
            assertThat(since).as("a checkpoint once 500 or more records are newly acknowledged: at least 3 requests "
                    + "of 200, at most the 4 that may wait to be taken in behind the oldest").isBetween(600L, 1200L);
        }
        assertThat(5_000 - checkpointed.get(checkpointed.size() - 1)).as("what the completion alone records")
                .isLessThan(600L);
    }

    @Test
    void aRequestAnsweredBeforeAnOlderOneFreesItsSlotAtOnceAndOutcomesAreStillCheckpointedInOrder() throws IOException {
        settings = settings.withMaxInFlight(2).withCheckpointRecords(200);
        Chunk chunk = sampleChunk(1_000);
        AtomicLong requests = new AtomicLong();
        java.util.concurrent.CountDownLatch thirdSent = new java.util.concurrent.CountDownLatch(1);
        List<Boolean> firstSawTheThird = new ArrayList<>();
        index.beforeEachRequest = () -> {
            long n = requests.incrementAndGet();
            if (n == 3) {
                thirdSent.countDown();
            }
            if (n == 1) { // the oldest request is slow: it is answered only once a third one has left
                try {
                    firstSawTheThird.add(thirdSent.await(2, java.util.concurrent.TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };

        LoadChunkResult result = load(chunk);

        assertThat(firstSawTheThird).as("the second request's answer let the third leave while the first was out")
                .containsExactly(true);
        assertThat(result.outcome()).isEqualTo(LoadChunkResult.Outcome.COMPLETED);
        assertThat(result.counters()).isEqualTo(new ChunkCounters(1_000, 1_000, 0, 0, 0, 0));
        assertThat(index.documents).hasSize(1_000);
        List<Long> checkpointed = ledger.checkpoints.stream().map(c -> c.counters().read()).toList();
        assertThat(checkpointed).as("never beyond what is acknowledged in order, never backwards")
                .isSortedAccordingTo(Long::compare).allSatisfy(read -> assertThat(read % 200).isZero());
        assertThat(ledger.checkpoints.stream().map(Checkpoint::nextOffset).toList()).as("resume points only advance")
                .isSortedAccordingTo(Long::compare).doesNotHaveDuplicates();
    }

    @Test
    void aYoungerRequestRefusedWhileAnOlderIsOutStopsTheSendingAndTheChunkFailsWithItsCause() throws IOException {
        settings = settings.withMaxInFlight(2);
        Chunk chunk = sampleChunk(1_000);
        AtomicLong requests = new AtomicLong();
        index.beforeEachRequest = () -> {
            long n = requests.incrementAndGet();
            if (n == 1) { // the oldest stays out until a third request leaves, or 400 ms pass
                long deadline = System.nanoTime() + Duration.ofMillis(400).toNanos();
                while (requests.get() < 3 && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
            } else if (n == 2) {
                throw new SearchSinkException(403, false, "403 security_exception: no permissions", null);
            }
        };

        assertThatThrownBy(() -> load(chunk))
                .isInstanceOf(ChunkLoadFailedException.class)
                .hasMessageContaining("403 security_exception");
        assertThat(requests.get()).as("nothing more is sent once a request has failed for good").isEqualTo(2);
        ChunkState failed = ledger.find(new ChunkKey(RUN, 0)).orElseThrow();
        assertThat(failed.status()).isEqualTo(ChunkStatus.FAILED);
        assertThat(failed.checkpoint().counters().read()).as("the older request's answer is kept").isEqualTo(200);
    }

    @Test
    void aCheckpointIsWrittenWhileTheNextRequestIsOutNotBeforeItLeaves() throws IOException {
        settings = settings.withMaxInFlight(1).withCheckpointRecords(200);
        Chunk chunk = sampleChunk(1_000);
        List<String> seen = new ArrayList<>();
        ledger.beforeEachCheckpoint = checkpoint -> {
            long covered = checkpoint.counters().read() / 200;
            long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (covered < 5 && index.requests.get() <= covered && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            seen.add(checkpoint.counters().read() + " acknowledged, " + index.requests.get() + " requests sent");
        };

        LoadChunkResult result = load(chunk);

        assertThat(result.outcome()).isEqualTo(LoadChunkResult.Outcome.COMPLETED);
        assertThat(seen).as("the request after the records a checkpoint covers has left when it is written; the "
                + "last has no request after it").containsExactly("200 acknowledged, 2 requests sent",
                "400 acknowledged, 3 requests sent", "600 acknowledged, 4 requests sent",
                "800 acknowledged, 5 requests sent", "1000 acknowledged, 5 requests sent");
    }

    @Test
    void theFirstRequestOfACallCarriesAThousandItemsAndTheRestTheConfiguredNumber() throws IOException {
        settings = settings.withMaxBulkItems(2_000).withMaxInFlight(1);
        Chunk chunk = sampleChunk(5_500);

        load(chunk);

        assertThat(index.itemsPerRequest).containsExactly(1_000, 2_000, 2_000, 500);
    }

    @Test
    void requestBodiesAreAllocatedOnceForTheServiceAndReusedByEveryChunkAndInvocation() throws IOException {
        Chunk chunk = sampleChunk(3_000);

        load(chunk);
        service().load(command(chunk, new RunId("instruments-2026-11-28-c3d4"), "loader-1"), TimeBudget.UNLIMITED);

        assertThat(index.requests.get()).as("200 items a request, two chunks").isEqualTo(30);
        assertThat(index.bodyArrays).as("one body being filled and one per request in flight, for both chunks")
                .hasSizeLessThanOrEqualTo(settings.maxInFlight() + 1);
    }

    @Test
    void chunksLoadedAtOnceOnOneServiceShareItsRequestSlotsSoTheClusterSeesAtMostMaxInFlight() throws Exception {
        Chunk chunk = sampleChunk(3_000);
        AtomicInteger out = new AtomicInteger();
        AtomicInteger mostOut = new AtomicInteger();
        SearchSink slowIndex = (name, body) -> {
            mostOut.accumulateAndGet(out.incrementAndGet(), Math::max);
            try {
                Thread.sleep(5); // long enough for the other chunk's requests to overlap this one
                return index.bulk(name, body);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } finally {
                out.decrementAndGet();
            }
        };
        ExecutorService loaders = Executors.newFixedThreadPool(2);
        try (LoadChunkService shared = new LoadChunkService(objects, ledger, slowIndex, DatasetCatalog.builtIn(),
                settings, clock, sleeps::add, new Random(1))) {
            Future<LoadChunkResult> first = loaders.submit(() -> shared.load(command(chunk, RUN, "loader-1"),
                    TimeBudget.UNLIMITED));
            Future<LoadChunkResult> second = loaders.submit(() -> shared.load(command(chunk,
                    new RunId("instruments-2026-11-28-c3d4"), "loader-2"), TimeBudget.UNLIMITED));

            assertThat(List.of(first.get(), second.get())).allSatisfy(r -> {
                assertThat(r.outcome()).isEqualTo(LoadChunkResult.Outcome.COMPLETED);
                assertThat(r.counters().read()).isEqualTo(3_000);
            });
        } finally {
            loaders.shutdownNow();
        }
        assertThat(index.requests.get()).as("200 items a request, two chunks").isEqualTo(30);
        assertThat(mostOut.get()).as("requests out at once, both chunks together")
                .isEqualTo(settings.maxInFlight());
    }

    @Test
    void recordsThatCannotBeConvertedBecomeRejectsWithLineAndReasonAndTheRestLoad() throws IOException {
        String good = "US0378331005,AAPL,\"Apple, Inc.\",EQUITY,USD,XNAS,Apple Inc.,US,,,ACTIVE,2026-11-26T21:00:00Z,";
        String text = HEADER + "\n" + good + "\n"
                + "US0378331006,AAPL,Apple,EQUITY,USD,XNAS,Apple,US,,,ACTIVE,2026-11-26T21:00:00Z,\n"      // line 3: check digit
                + "DE0001102580,DBR,Bund,BOND,EUR,XETR,BRD,DE,2035-02-30,2.5,ACTIVE,2026-11-26T21:00:00Z,\n" // line 4: date
                + "DE0001102580,DBR,Bund,BOND,EUR,XETR,BRD,DE,2035-02-15,2,5,ACTIVE,2026-11-26T21:00:00Z,\n" // line 5: columns
                + "DE0001102580,DBR,Bund,BOND,EUR,XETR,BRD,DE,2035-02-15,two,ACTIVE,2026-11-26T21:00:00Z,\n" // line 6: decimal
                + ",X,No id,EQUITY,USD,XNAS,Nobody,US,,,ACTIVE,2026-11-26T21:00:00Z,\n"                      // line 7: missing id
                + "GB0002634946,BA,BAE,EQUITY,GBP,XLON,BAE,GB,,,ACTIVE,yesterday,\n"                          // line 8: timestamp
                + "GB0002634946,BA,BAE,EQUITY,GBP,XLON,BAE,GB,,,ACTIVE,2026-11-26T21:00:00Z,remove\n"          // line 9: op
                + "GB0002634946,BA,\"BAE \"\"Systems\"\"\nplc\",EQUITY,GBP,XLON,BAE,GB,,,ACTIVE,2026-11-26T21:00:00Z,upsert\n"; // line 10
        Chunk chunk = onlyChunk(text);

        LoadChunkResult result = load(chunk);

        assertThat(result.counters()).isEqualTo(new ChunkCounters(9, 2, 0, 0, 7, 0));
        assertThat(index.documents.keySet()).containsExactlyInAnyOrder("US0378331005", "GB0002634946");
        assertThat(index.documents.get("GB0002634946").source().get("name").asText()).isEqualTo("BAE \"Systems\"\nplc");
        List<JsonNode> rejects = rejects();
        assertThat(rejects).extracting(r -> r.get("line").asLong()).containsExactly(3L, 4L, 5L, 6L, 7L, 8L, 9L);
        assertThat(rejects).extracting(r -> r.get("reason").asText()).containsExactly(
                "column 'isin': wrong ISIN check digit: expected 5",
                "column 'maturity': '2035-02-30' is not a date (yyyy-MM-dd)",
                "expected 13 columns, found 14",
                "column 'coupon': 'two' is not a decimal number",
                "column 'isin' is required but empty",
                "column 'updated_at': 'yesterday' is not an ISO-8601 timestamp with offset (e.g. 2026-11-27T02:00:00Z)",
                "column 'op': unknown operation 'remove' (expected upsert, delete or empty)");
        assertThat(rejects.get(0).get("raw").asText()).startsWith("US0378331006,AAPL,Apple");
        assertThat(rejects.get(0).get("source").asText()).isEqualTo(FILE.toString());
        assertThat(rejects.get(0).get("run").asText()).isEqualTo(RUN.value());
    }

    @Test
    void onlyTheItemsAnswered429AreSentAgainAndEveryRecordLands() throws IOException {
        Chunk chunk = sampleChunk(1_000);
        index.itemRejections.set(70);

        LoadChunkResult result = load(chunk);

        assertThat(result.counters()).isEqualTo(new ChunkCounters(1_000, 1_000, 0, 0, 0, 70));
        assertThat(index.documents).hasSize(1_000);
        assertThat(index.itemsReceived.get()).as("only the rejected items are re-sent").isEqualTo(1_070);
        assertThat(sleeps).isNotEmpty().allMatch(d -> !d.isNegative() && d.toMillis() <= 2_000);
    }

    @Test
    void retriesStopAtTheCapAndTheChunkFailsWithTheServersLastCause() throws IOException {
        Chunk chunk = sampleChunk(300);
        settings = settings.withMaxBulkItems(1_000); // one request, so one sequence of retries
        index.itemRejections.set(1_000_000);

        assertThatThrownBy(() -> load(chunk))
                .isInstanceOf(ChunkLoadFailedException.class)
                .hasMessageContaining("after 6 attempts")
                .hasMessageContaining("last cause: 429 es_rejected_execution_exception: rejected execution")
                .satisfies(e -> assertThat(((ChunkLoadFailedException) e).retryable()).isTrue());
        ChunkState state = ledger.find(new ChunkKey(RUN, 0)).orElseThrow();
        assertThat(state.status()).isEqualTo(ChunkStatus.FAILED);
        assertThat(state.lastError()).contains("es_rejected_execution_exception");
        assertThat(sleeps).hasSize(5);
    }

    @Test
    void aWholeRequestRefusedAsNonRetryableFailsTheChunkAtOnce() throws IOException {
        Chunk chunk = sampleChunk(300);
        index.requestFailure = new SearchSinkException(403, false, "403 security_exception: no permissions for [indices:data/write/bulk]", null);
        index.requestFailures.set(1);

        assertThatThrownBy(() -> load(chunk))
                .isInstanceOf(ChunkLoadFailedException.class)
                .hasMessageContaining("403 security_exception");
        assertThat(sleeps).isEmpty();
    }

    @Test
    void aWholeRequestThatFailsTransientlyIsSentAgain() throws IOException {
        Chunk chunk = sampleChunk(300);
        settings = settings.withMaxInFlight(1); // the first request meets both failures
        index.requestFailures.set(2);

        LoadChunkResult result = load(chunk);

        assertThat(result.counters().indexed()).isEqualTo(300);
        assertThat(result.counters().retries()).isEqualTo(400); // two failed sends of a 200-item request
    }

    @Test
    void documentsTheServerRefusesBecomeRejectsWithItsReason() throws IOException {
        Chunk chunk = sampleChunk(500);
        index.refuse = doc -> doc.has("maturity");

        LoadChunkResult result = load(chunk);

        assertThat(result.counters().rejected()).isPositive();
        assertThat(result.counters().balanced()).isTrue();
        assertThat(rejects()).allSatisfy(r -> assertThat(r.get("reason").asText())
                .isEqualTo("400 document_parsing_exception: failed to parse field [maturity]"));
        assertThat(index.documents.values()).noneMatch(d -> d.source().has("maturity"));
    }

    @Test
    void aRefusedDocumentIsQuotedAsItsOwnLineEvenWhenItsBatchWasUsedBeforeForAnotherChunk() throws IOException {
        Chunk first = sampleChunk(1_000);
        service().load(command(first, new RunId("instruments-2026-11-26-c3d4"), "loader-1"), TimeBudget.UNLIMITED);
        // every pooled batch has now held other records
        String text = HEADER + "\n" + "US0378331005,AAPL,Apple Inc.,EQUITY,USD,XNAS,Apple Inc.,US,,,ACTIVE,"
                + "2026-11-27T01:00:00Z,\n" + "US5949181045,MSFT,\"Microsoft, Corp.\",EQUITY,USD,XNAS,Microsoft,US,,,"
                + "ACTIVE,2026-11-27T01:00:00Z,\n";
        Chunk second = onlyChunk(text);
        index.refuse = doc -> doc.get("ticker").asText().equals("MSFT");

        load(second);

        List<JsonNode> rejects = rejects().stream().filter(r -> r.get("line").asLong() == 3).toList();
        assertThat(rejects).hasSize(1);
        assertThat(rejects.get(0).get("raw").asText()).isEqualTo("US5949181045,MSFT,\"Microsoft, Corp.\",EQUITY,USD,"
                + "XNAS,Microsoft,US,,,ACTIVE,2026-11-27T01:00:00Z,");
    }

    @Test
    void loadingTheSameRecordsAgainInAnotherRunChangesNothingAndCountsThemStale() throws IOException {
        Chunk chunk = sampleChunk(400);
        load(chunk);

        LoadChunkResult again = service().load(command(chunk, new RunId("instruments-2026-11-28-c3d4"), "loader-2"),
                TimeBudget.UNLIMITED);

        assertThat(again.counters()).isEqualTo(new ChunkCounters(400, 0, 0, 400, 0, 0));
        assertThat(index.documents.values()).allMatch(d -> d.source().at("/ingest/run_id").asText().equals(RUN.value()));
    }

    @Test
    void anOlderVersionNeverOverwritesANewerOneAndDeletesRemoveDocuments() throws IOException {
        String text = HEADER + "\n"
                + "US0378331005,AAPL,Apple new,EQUITY,USD,XNAS,Apple,US,,,ACTIVE,2026-11-26T21:00:00Z,\n"
                + "US0378331005,AAPL,Apple old,EQUITY,USD,XNAS,Apple,US,,,ACTIVE,2026-11-20T21:00:00Z,\n"
                + "GB0002634946,BA,BAE,EQUITY,GBP,XLON,BAE,GB,,,ACTIVE,2026-11-26T21:00:00Z,\n"
                + "GB0002634946,BA,BAE,EQUITY,GBP,XLON,BAE,GB,,,DELISTED,2026-11-26T22:00:00Z,delete\n"
                + "DE0007164600,SAP,SAP,EQUITY,EUR,XETR,SAP,DE,,,ACTIVE,2026-11-26T22:00:00Z,delete\n";
        settings = settings.withMaxBulkItems(1).withMaxInFlight(1); // one item at a time: arrival in file order
        LoadChunkResult result = load(onlyChunk(text));

        assertThat(result.counters()).isEqualTo(new ChunkCounters(5, 2, 2, 1, 0, 0));
        assertThat(index.documents.keySet()).containsExactly("US0378331005");
        assertThat(index.documents.get("US0378331005").source().get("name").asText()).isEqualTo("Apple new");
    }

    @Test
    void aCompletedChunkIsNotLoadedAgain() throws IOException {
        Chunk chunk = sampleChunk(100);
        LoadChunkResult first = load(chunk);
        int requests = index.requests.get();

        LoadChunkResult second = load(chunk);

        assertThat(second.outcome()).isEqualTo(LoadChunkResult.Outcome.ALREADY_COMPLETED);
        assertThat(second.counters()).isEqualTo(first.counters());
        assertThat(index.requests.get()).isEqualTo(requests);
    }

    @Test
    void aChunkLeasedByALiveLoaderIsRefusedUntilTheLeaseExpires() throws IOException {
        Chunk chunk = sampleChunk(100);
        ChunkKey key = new ChunkKey(RUN, 0);
        ledger.claim(key, Checkpoint.startOf(chunk), "loader-elsewhere", clock.instant(), clock.instant().plusSeconds(120));

        assertThatThrownBy(() -> load(chunk)).isInstanceOf(ChunkBusyException.class)
                .hasMessageContaining("loader-elsewhere");

        clock.advance(Duration.ofSeconds(121));
        assertThat(load(chunk).outcome()).isEqualTo(LoadChunkResult.Outcome.COMPLETED);
    }

    @Test
    void aLoaderThatDiesMidChunkIsResumedFromItsLastCheckpointNotFromTheStart() throws IOException {
        Chunk chunk = sampleChunk(3_000);
        AtomicLong requests = new AtomicLong();
        index.beforeEachRequest = () -> {
            if (requests.incrementAndGet() == 9) {
                throw new ProcessDeath(); // an Error: no cleanup runs, as when the process is killed
            }
        };
        assertThatThrownBy(() -> load(chunk)).isInstanceOf(ProcessDeath.class);
        ChunkState afterDeath = ledger.find(new ChunkKey(RUN, 0)).orElseThrow();
        assertThat(afterDeath.status()).isEqualTo(ChunkStatus.RUNNING);
        long checkpointedLine = afterDeath.checkpoint().nextLine();
        assertThat(checkpointedLine).isGreaterThan(chunk.firstLine());

        service.close(); // the dead process's requests end with it; a new process takes over
        service = null;
        index.beforeEachRequest = () -> { };
        clock.advance(settings.lease().plusSeconds(1));
        int receivedBefore = index.itemsReceived.get();
        LoadChunkResult resumed = service().load(command(chunk, RUN, "loader-2"), TimeBudget.UNLIMITED);

        assertThat(resumed.attempt()).isEqualTo(2);
        assertThat(resumed.resumedFrom().nextLine()).isEqualTo(checkpointedLine);
        assertThat(resumed.readThisCall()).isEqualTo(3_000 - afterDeath.checkpoint().counters().read());
        assertThat(index.itemsReceived.get() - receivedBefore).isEqualTo((int) resumed.readThisCall());
        assertThat(index.documents).hasSize(3_000);
        assertThat(resumed.counters().read()).isEqualTo(3_000);
        assertThat(resumed.counters().balanced()).isTrue();
    }

    @Test
    void whenTheTimeBudgetRunsOutProgressIsHandedBackAndTheNextCallFinishes() throws IOException {
        Chunk chunk = sampleChunk(2_000);
        settings = settings.withBudgetMargin(Duration.ofSeconds(30));
        AtomicLong calls = new AtomicLong();
        TimeBudget shrinking = () -> calls.incrementAndGet() < 700 ? 60_000 : 1_000;

        LoadChunkResult first = service().load(command(chunk, RUN, "invocation-1"), shrinking);

        assertThat(first.outcome()).isEqualTo(LoadChunkResult.Outcome.PARTIAL);
        assertThat(first.done()).isFalse();
        assertThat(first.counters().read()).isBetween(600L, 700L);
        assertThat(first.counters().balanced()).isTrue();

        LoadChunkResult second = service().load(command(chunk, RUN, "invocation-2"), TimeBudget.UNLIMITED);
        assertThat(second.outcome()).isEqualTo(LoadChunkResult.Outcome.COMPLETED);
        assertThat(second.resumedFrom().counters()).isEqualTo(first.counters());
        assertThat(second.counters().read()).isEqualTo(2_000);
        assertThat(index.documents).hasSize(2_000);
    }

    @Test
    void aReadCountThatDiffersFromThePlanFailsTheChunk() throws IOException {
        Chunk chunk = sampleChunk(100);
        Chunk wrong = new Chunk(0, chunk.object(), chunk.range(), chunk.firstLine(), 101);

        assertThatThrownBy(() -> load(wrong))
                .isInstanceOf(ChunkLoadFailedException.class)
                .hasMessageContaining("read 100 records but the plan counted 101");
        assertThat(ledger.find(new ChunkKey(RUN, 0)).orElseThrow().status()).isEqualTo(ChunkStatus.FAILED);
    }

    @Test
    void whenTheRunStoreFailsUnconfirmedProgressIsNotAcknowledgedAndTheRerunIsExact() throws IOException {
        // Records answered before the failing write are folded into the FAILED checkpoint: with 2 requests out and up
        // to 4 answered ones waiting to be taken in, that can be ~1,200 records past the write, so the chunk is long
        // enough that a failure at the 5th request can never reach its end
        Chunk chunk = sampleChunk(5_000);
        AtomicLong requests = new AtomicLong();
        index.beforeEachRequest = () -> {
            if (requests.incrementAndGet() == 5) {
                ledger.failNextWrite = new IllegalStateException("run store unreachable");
            }
        };
        assertThatThrownBy(() -> load(chunk)).isInstanceOf(ChunkLoadFailedException.class)
                .hasMessageContaining("run store unreachable");
        ChunkState failed = ledger.find(new ChunkKey(RUN, 0)).orElseThrow();
        assertThat(failed.status()).isEqualTo(ChunkStatus.FAILED);
        assertThat(failed.checkpoint().counters().read()).isLessThan(5_000);

        index.beforeEachRequest = () -> { };
        LoadChunkResult rerun = load(chunk);

        assertThat(rerun.resumedFrom()).isEqualTo(failed.checkpoint());
        assertThat(rerun.counters().read()).isEqualTo(5_000);
        assertThat(rerun.counters().indexed() + rerun.counters().stale()).isEqualTo(5_000);
        assertThat(index.documents).hasSize(5_000);
    }

    /** Stands for the process being killed: an Error that no catch block of the service handles. */
    private static final class ProcessDeath extends Error {
    }
}
