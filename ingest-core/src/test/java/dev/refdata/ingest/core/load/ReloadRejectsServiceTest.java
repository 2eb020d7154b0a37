package dev.refdata.ingest.core.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refdata.ingest.core.csv.ChunkPlanner;
import dev.refdata.ingest.core.domain.Chunk;
import dev.refdata.ingest.core.domain.ChunkCounters;
import dev.refdata.ingest.core.domain.ChunkDefinition;
import dev.refdata.ingest.core.domain.ChunkKey;
import dev.refdata.ingest.core.domain.ChunkPlan;
import dev.refdata.ingest.core.domain.CsvDialect;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.domain.RunId;
import dev.refdata.ingest.core.domain.RunMode;
import dev.refdata.ingest.core.domain.RunRecord;
import dev.refdata.ingest.core.domain.RunSource;
import dev.refdata.ingest.core.domain.RunStatus;
import dev.refdata.ingest.core.port.in.InvalidRejectsFileException;
import dev.refdata.ingest.core.port.in.LoadChunkCommand;
import dev.refdata.ingest.core.port.in.LoadChunkUseCase.TimeBudget;
import dev.refdata.ingest.core.port.in.RejectsFile;
import dev.refdata.ingest.core.port.in.ReloadRejectsCommand;
import dev.refdata.ingest.core.port.in.ReloadRejectsResult;
import dev.refdata.ingest.core.port.out.SearchSink.SearchSinkException;
import dev.refdata.ingest.core.spec.DatasetCatalog;
import dev.refdata.ingest.core.testing.FakeSearchIndex;
import dev.refdata.ingest.core.testing.InMemoryChunkLedger;
import dev.refdata.ingest.core.testing.InMemoryObjectStore;
import dev.refdata.ingest.core.testing.InMemoryRunStore;
import dev.refdata.ingest.core.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReloadRejectsServiceTest {

    private static final String HEADER = "isin,ticker,name,asset_class,currency,mic,issuer,country,maturity,coupon,status,updated_at,op";
    private static final ObjectRef FILE = new ObjectRef("feeds", "2026-11-27/instruments.csv");
    private static final RunId RUN = new RunId("instruments-2026-11-27-a1b2");
    private static final String INDEX = "instruments-20261127";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Lines 2 and 5 load; 3 (check digit), 4 (impossible date) and 6 (unknown op) are rejected by conversion. */
    private static final String CSV = HEADER + "\n"
            + "US0378331005,AAPL,\"Apple, Inc.\",EQUITY,USD,XNAS,Apple Inc.,US,,,ACTIVE,2026-11-26T21:00:00Z,\n"
            + "US0378331006,AAPL,Apple,EQUITY,USD,XNAS,Apple,US,,,ACTIVE,2026-11-26T21:00:00Z,\n"
            + "DE0001102580,DBR,Bund,BOND,EUR,XETR,BRD,DE,2035-02-30,2.5,ACTIVE,2026-11-26T21:00:00Z,\n"
            + "GB0002634946,BA,BAE,EQUITY,GBP,XLON,BAE,GB,,,ACTIVE,2026-11-26T21:00:00Z,\n"
            + "FR0000120271,TTE,Total,EQUITY,EUR,XPAR,Total,FR,,,ACTIVE,2026-11-26T21:00:00Z,remove\n";

    private final InMemoryObjectStore objects = new InMemoryObjectStore();
    private final InMemoryChunkLedger ledger = new InMemoryChunkLedger();
    private final InMemoryRunStore runs = new InMemoryRunStore(ledger);
    private final FakeSearchIndex index = new FakeSearchIndex();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T02:00:00Z"));
    private final List<Duration> sleeps = new ArrayList<>();
    private final LoadSettings settings = LoadSettings.DEFAULTS.withMaxBulkItems(2)
            .withRetries(3, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofMinutes(1));

    private ReloadRejectsService service() {
        return new ReloadRejectsService(objects, runs, index, DatasetCatalog.builtIn(), "artifacts", settings, clock,
                sleeps::add, new Random(1));
    }

    /** Plans the CSV as one chunk of a run, loads it with the real loader, and leaves the run in {@code status}. */
    private void loadRun(String csv, RunStatus status) throws IOException {
        byte[] bytes = csv.getBytes(StandardCharsets.UTF_8);
        objects.with(FILE, bytes);
        ChunkPlan plan = new ChunkPlanner(CsvDialect.RFC4180_WITH_HEADER).plan(FILE, new ByteArrayInputStream(bytes),
                Long.MAX_VALUE);
        Chunk chunk = plan.chunks().get(0);
        ChunkKey key = new ChunkKey(RUN, 0);
        List<String> columns = List.of(HEADER.split(","));
        runs.create(new RunRecord(RUN, "instruments", LocalDate.parse("2026-11-27"), RunMode.DELTA,
                RunSource.object("feeds", FILE.key()), status, "instruments", INDEX,
                new ObjectRef("artifacts", "manifests/" + RUN.value() + "/execution-001.json"), 1, chunk.records(), 1,
                null, clock.instant(), clock.instant()));
        runs.registerChunks(RUN, List.of(new ChunkDefinition(key, FILE, chunk.range(), chunk.firstLine(),
                chunk.records(), columns, FILE)));
        try (LoadChunkService loader = new LoadChunkService(objects, ledger, index, DatasetCatalog.builtIn(), settings,
                clock, sleeps::add, new Random(1))) {
            loader.load(new LoadChunkCommand(key, FILE, chunk.range(), chunk.firstLine(), chunk.records(),
                    "instruments", columns, INDEX, "artifacts", "loader-1"), TimeBudget.UNLIMITED);
        }
    }

    private List<JsonNode> ndjson(ObjectRef ref) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : objects.text(ref).split("\n")) {
            if (!line.isBlank()) {
                lines.add(JSON.readTree(line));
            }
        }
        return lines;
    }

    private List<JsonNode> runRejects() throws IOException {
        List<JsonNode> all = new ArrayList<>();
        for (String key : objects.keys("artifacts", "rejects/" + RUN.value() + "/")) {
            all.addAll(ndjson(new ObjectRef("artifacts", key)));
        }
        return all;
    }

    private static RejectsFile file(String name, String text) {
        return new RejectsFile() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public InputStream open() {
                return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
            }
        };
    }

    private static String corrected(List<JsonNode> rejects, int at, String raw) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < rejects.size(); i++) {
            ObjectNode line = rejects.get(i).deepCopy();
            if (i == at) {
                line.put("raw", raw);
            }
            out.append(line).append('\n');
        }
        return out.toString();
    }

    @Test
    void reloadingRejectsAsTheyAreRejectsThemAgainWithTheSameLinesAndReasonsInANewObjectAndAReport() throws IOException {
        loadRun(CSV, RunStatus.FAILED);
        List<JsonNode> before = runRejects();
        int requestsBefore = index.requests.get();

        ReloadRejectsResult result = service().reload(ReloadRejectsCommand.asRejected(RUN));

        assertThat(result.reload()).isEqualTo(1);
        assertThat(result.index()).isEqualTo(INDEX);
        assertThat(result.counters()).isEqualTo(new ChunkCounters(3, 0, 0, 0, 3, 0));
        assertThat(result.clean()).isFalse();
        assertThat(index.requests.get()).as("nothing convertible, nothing sent").isEqualTo(requestsBefore);
        assertThat(result.rejectedAgain()).isEqualTo(new ObjectRef("artifacts",
                "reloads/" + RUN.value() + "/reload-001/rejects.ndjson"));
        List<JsonNode> again = ndjson(result.rejectedAgain());
        assertThat(again).extracting(r -> r.get("line").asLong()).containsExactly(3L, 4L, 6L);
        assertThat(again).extracting(r -> r.get("reason").asText())
                .containsExactlyElementsOf(before.stream().map(r -> r.get("reason").asText()).toList());
        assertThat(again).extracting(r -> r.get("raw").asText())
                .containsExactlyElementsOf(before.stream().map(r -> r.get("raw").asText()).toList());
        assertThat(runRejects()).as("the run's own rejects are left as the loader wrote them").isEqualTo(before);

        JsonNode report = JSON.readTree(objects.text(result.report()));
        assertThat(result.report().key()).isEqualTo("reports/" + RUN.value() + "/reload-001.json");
        assertThat(report.get("status").asText()).isEqualTo("COMPLETED");
        assertThat(report.at("/totals/read").asLong()).isEqualTo(3);
        assertThat(report.at("/totals/rejected").asLong()).isEqualTo(3);
        assertThat(report.at("/chunks/0/chunk").asInt()).isZero();
        assertThat(report.get("rejectedAgain").asText()).isEqualTo(result.rejectedAgain().toString());
        assertThat(runs.find(RUN).orElseThrow().status()).as("the run itself is unchanged").isEqualTo(RunStatus.FAILED);
    }

    @Test
    void recordsTheIndexRefusedLoadOnceTheCauseIsFixed() throws IOException {
        index.refuse = doc -> doc.has("ticker") && doc.get("ticker").asText().equals("BA");
        loadRun(CSV, RunStatus.FAILED);
        assertThat(runRejects()).extracting(r -> r.get("line").asLong()).containsExactly(3L, 4L, 5L, 6L);
        index.refuse = doc -> false; // e.g. the mapping was fixed

        ReloadRejectsResult result = service().reload(ReloadRejectsCommand.asRejected(RUN));

        assertThat(result.counters()).isEqualTo(new ChunkCounters(4, 1, 0, 0, 3, 0));
        FakeSearchIndex.Stored bae = index.documents.get("GB0002634946");
        assertThat(bae.source().at("/ingest/line").asLong()).as("the record keeps its line in the source").isEqualTo(5);
        assertThat(bae.source().at("/ingest/run_id").asText()).isEqualTo(RUN.value());
        assertThat(ndjson(result.rejectedAgain())).extracting(r -> r.get("line").asLong()).containsExactly(3L, 4L, 6L);
    }

    @Test
    void correctedRecordsLoadAndOnlyTheStillBadOnesAreRejectedAgain() throws IOException {
        loadRun(CSV, RunStatus.SUCCEEDED);
        List<JsonNode> rejects = runRejects();
        String fixed = corrected(rejects, 1,
                "DE0001102580,DBR,Bund,BOND,EUR,XETR,BRD,DE,2035-02-28,2.5,ACTIVE,2026-11-26T21:00:00Z,");

        ReloadRejectsResult result = service().reload(ReloadRejectsCommand.corrected(RUN, file("fixed.ndjson", fixed)));

        assertThat(result.input()).isEqualTo("fixed.ndjson");
        assertThat(result.counters()).isEqualTo(new ChunkCounters(3, 1, 0, 0, 2, 0));
        assertThat(index.documents.get("DE0001102580").source().get("maturity").asText()).isEqualTo("2035-02-28");
        assertThat(index.documents.get("DE0001102580").source().at("/ingest/line").asLong()).isEqualTo(4);
        assertThat(ndjson(result.rejectedAgain())).extracting(r -> r.get("line").asLong()).containsExactly(3L, 6L);
    }

    @Test
    void aRecordWithAnOlderVersionThanTheIndexHoldsIsCountedStaleAndADeleteDeletes() throws IOException {
        loadRun(CSV, RunStatus.SUCCEEDED);
        List<JsonNode> rejects = runRejects();
        String text = corrected(rejects, 0,
                // the right check digit, but an older version than line 2's: the index keeps line 2
                "US0378331005,AAPL,Apple,EQUITY,USD,XNAS,Apple,US,,,ACTIVE,2026-11-25T21:00:00Z,");
        text = corrected(JSON.readerFor(JsonNode.class).<JsonNode>readValues(text).readAll(), 2,
                "FR0000120271,TTE,Total,EQUITY,EUR,XPAR,Total,FR,,,ACTIVE,2026-11-26T21:00:00Z,delete");

        ReloadRejectsResult result = service().reload(ReloadRejectsCommand.corrected(RUN, file("fixed.ndjson", text)));

        assertThat(result.counters()).isEqualTo(new ChunkCounters(3, 0, 1, 1, 1, 0));
        assertThat(index.documents.get("US0378331005").source().get("issuer").asText()).isEqualTo("Apple Inc.");
    }

    @Test
    void itemsAnswered429AreRetriedAndCountedAsRetries() throws IOException {
        index.refuse = doc -> doc.get("ticker").asText().equals("BA");
        loadRun(CSV, RunStatus.FAILED);
        index.refuse = doc -> false;
        index.itemRejections.set(1);

        ReloadRejectsResult result = service().reload(ReloadRejectsCommand.asRejected(RUN));

        assertThat(result.counters()).isEqualTo(new ChunkCounters(4, 1, 0, 0, 3, 1));
        assertThat(sleeps).hasSize(1);
    }

    @Test
    void whenTheIndexFailsForGoodTheUnsentRecordsAreRejectedWithTheCauseAndTheReportSaysStopped() throws IOException {
        index.refuse = doc -> true;
        loadRun(CSV, RunStatus.FAILED);
        index.refuse = doc -> false;
        index.requestFailure = new SearchSinkException(400, false, "400 Bad Request: index is closed", null);
        index.requestFailures.set(100);
        assertThat(runRejects()).hasSize(5);

        ReloadRejectsResult result = service().reload(ReloadRejectsCommand.asRejected(RUN));

        assertThat(result.counters().read()).isEqualTo(5);
        assertThat(result.counters().rejected()).as("nothing lost: every record is accounted as rejected").isEqualTo(5);
        assertThat(result.failure()).contains("index is closed");
        List<JsonNode> again = ndjson(result.rejectedAgain());
        assertThat(again).extracting(r -> r.get("line").asLong()).containsExactlyInAnyOrder(2L, 3L, 4L, 5L, 6L);
        // two items a request: lines 2 to 5 are the first request (3 and 4 fail conversion), line 6 is never sent
        assertThat(again).extracting(r -> r.get("reason").asText()).satisfiesExactly(
                line2 -> assertThat(line2).startsWith("not confirmed: bulk request refused: 400"),
                line3 -> assertThat(line3).contains("wrong ISIN check digit"),
                line4 -> assertThat(line4).contains("is not a date"),
                line5 -> assertThat(line5).startsWith("not confirmed: bulk request refused: 400"),
                line6 -> assertThat(line6).startsWith("not sent: the reload stopped after bulk request refused"));
        assertThat(JSON.readTree(objects.text(result.report())).get("status").asText()).isEqualTo("STOPPED");
    }

    @Test
    void eachReloadOfARunGetsTheNextNumber() throws IOException {
        loadRun(CSV, RunStatus.FAILED);

        service().reload(ReloadRejectsCommand.asRejected(RUN));
        ReloadRejectsResult second = service().reload(ReloadRejectsCommand.asRejected(RUN));

        assertThat(second.reload()).isEqualTo(2);
        assertThat(second.report().key()).endsWith("/reload-002.json");
        assertThat(objects.keys("artifacts", "reports/" + RUN.value() + "/")).hasSize(2);
    }

    @Test
    void aTruncatedRejectCannotBeLoadedAsItIsAndSaysHowToCorrectIt() throws IOException {
        loadRun(CSV, RunStatus.FAILED);
        String text = "{\"chunk\":0,\"line\":9,\"raw\":\"US03783310\",\"truncated\":true}\n";

        ReloadRejectsResult result = service().reload(ReloadRejectsCommand.corrected(RUN, file("big.ndjson", text)));

        assertThat(result.counters()).isEqualTo(new ChunkCounters(1, 0, 0, 0, 1, 0));
        JsonNode again = ndjson(result.rejectedAgain()).get(0);
        assertThat(again.get("reason").asText()).contains("oversized").contains("--file");
        assertThat(again.get("truncated").asBoolean()).isTrue();
    }

    @Test
    void aTextHoldingTwoRecordsIsRejectedNotSplit() throws IOException {
        loadRun(CSV, RunStatus.FAILED);
        String two = "US0378331005,AAPL,Apple,EQUITY,USD,XNAS,Apple,US,,,ACTIVE,2026-11-26T21:00:00Z,\\n"
                + "GB0002634946,BA,BAE,EQUITY,GBP,XLON,BAE,GB,,,ACTIVE,2026-11-26T21:00:00Z,";
        String text = "{\"chunk\":0,\"line\":3,\"raw\":\"" + two + "\"}\n";

        ReloadRejectsResult result = service().reload(ReloadRejectsCommand.corrected(RUN, file("two.ndjson", text)));

        assertThat(result.counters().rejected()).isEqualTo(1);
        assertThat(ndjson(result.rejectedAgain()).get(0).get("reason").asText()).contains("holds 2 CSV records");
    }

    @Test
    void aBadLineInTheFileIsAnErrorNamingFileAndLineAndNothingIsLoaded() throws IOException {
        loadRun(CSV, RunStatus.FAILED);
        int requestsBefore = index.requests.get();
        String good = "{\"chunk\":0,\"line\":3,\"raw\":\"US0378331005,AAPL,Apple,EQUITY,USD,XNAS,Apple,US,,,ACTIVE,"
                + "2026-11-26T21:00:00Z,\"}";

        assertThatThrownBy(() -> service().reload(ReloadRejectsCommand.corrected(RUN,
                file("fixed.ndjson", good + "\n\n{\"chunk\":0,\"raw\":\"x\"}\n"))))
                .isInstanceOf(InvalidRejectsFileException.class)
                .hasMessage("fixed.ndjson line 3: 'line' must be the record's line number (1 or more)");
        assertThatThrownBy(() -> service().reload(ReloadRejectsCommand.corrected(RUN,
                file("fixed.ndjson", good + "\n{oops\n"))))
                .isInstanceOf(InvalidRejectsFileException.class).hasMessageStartingWith("fixed.ndjson line 2: not JSON");
        assertThatThrownBy(() -> service().reload(ReloadRejectsCommand.corrected(RUN,
                file("fixed.ndjson", good.replace("\"chunk\":0", "\"chunk\":7") + "\n"))))
                .isInstanceOf(InvalidRejectsFileException.class)
                .hasMessage("fixed.ndjson line 1: run " + RUN + " has no chunk 7");
        assertThat(index.requests.get()).isEqualTo(requestsBefore);
        assertThat(objects.keys("artifacts", "reports/")).isEmpty();
        assertThat(objects.keys("artifacts", "reloads/")).isEmpty();
    }

    @Test
    void aRunStillLoadingOrUnknownIsRefusedWithTheNextStep() throws IOException {
        assertThatThrownBy(() -> service().reload(ReloadRejectsCommand.asRejected(RUN)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("unknown run '" + RUN + "'");
        loadRun(CSV, RunStatus.RUNNING);
        assertThatThrownBy(() -> service().reload(ReloadRejectsCommand.asRejected(RUN)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is RUNNING").hasMessageContaining("once it has ended");
    }

    @Test
    void aRunWithoutRejectsReloadsNothingAndWritesNoRejectsObject() throws IOException {
        loadRun(HEADER + "\nUS0378331005,AAPL,Apple,EQUITY,USD,XNAS,Apple,US,,,ACTIVE,2026-11-26T21:00:00Z,\n",
                RunStatus.SUCCEEDED);

        ReloadRejectsResult result = service().reload(ReloadRejectsCommand.asRejected(RUN));

        assertThat(result.counters()).isEqualTo(ChunkCounters.ZERO);
        assertThat(result.rejectedAgain()).isNull();
        assertThat(result.clean()).isTrue();
        assertThat(objects.keys("artifacts", "reloads/")).isEmpty();
        assertThat(objects.keys("artifacts", "reports/")).containsExactly("reports/" + RUN.value() + "/reload-001.json");
    }
}
