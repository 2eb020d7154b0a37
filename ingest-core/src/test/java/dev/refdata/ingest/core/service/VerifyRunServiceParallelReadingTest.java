package dev.refdata.ingest.core.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refdata.ingest.core.csv.ChunkRecordReader;
import dev.refdata.ingest.core.csv.CsvRecord;
import dev.refdata.ingest.core.csv.RecordLimits;
import dev.refdata.ingest.core.domain.ChunkDefinition;
import dev.refdata.ingest.core.domain.DatasetSpec;
import dev.refdata.ingest.core.domain.HeaderLayout;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.domain.RunMode;
import dev.refdata.ingest.core.domain.RunRecord;
import dev.refdata.ingest.core.domain.RunSource;
import dev.refdata.ingest.core.domain.RunStatus;
import dev.refdata.ingest.core.load.DocumentConverter;
import dev.refdata.ingest.core.load.LoadChunkService;
import dev.refdata.ingest.core.load.LoadSettings;
import dev.refdata.ingest.core.port.in.LoadChunkCommand;
import dev.refdata.ingest.core.port.in.LoadChunkUseCase.TimeBudget;
import dev.refdata.ingest.core.port.in.PlanRunCommand;
import dev.refdata.ingest.core.port.in.PlanRunResult;
import dev.refdata.ingest.core.port.in.VerifyRunCommand;
import dev.refdata.ingest.core.port.in.VerifyRunResult;
import dev.refdata.ingest.core.port.out.ObjectStore;
import dev.refdata.ingest.core.sample.Amount;
import dev.refdata.ingest.core.sample.InstrumentSampleGenerator;
import dev.refdata.ingest.core.sample.NameQuirks;
import dev.refdata.ingest.core.sample.SampleOptions;
import dev.refdata.ingest.core.spec.DatasetCatalog;
import dev.refdata.ingest.core.testing.ControlledReadsObjectStore;
import dev.refdata.ingest.core.testing.FakeSearchIndex;
import dev.refdata.ingest.core.testing.InMemoryChunkLedger;
import dev.refdata.ingest.core.testing.InMemoryObjectStore;
import dev.refdata.ingest.core.testing.InMemoryRunStore;
import dev.refdata.ingest.core.testing.IndexOverDocuments;
import dev.refdata.ingest.core.testing.MutableClock;
import dev.refdata.ingest.core.verify.WinningRecords;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The verifier reads a run's chunks again on several threads; what it concludes must not depend on how many, nor
 * on the order the chunks finish in.
 */
class VerifyRunServiceParallelReadingTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectRef FILE = new ObjectRef("feeds", "2026-11-27/instruments.csv");
    private static final String INDEX_COUNT_CHECK = "index count equals the distinct ids written";

    private final InMemoryObjectStore objects = new InMemoryObjectStore();
    private final InMemoryChunkLedger ledger = new InMemoryChunkLedger();
    private final InMemoryRunStore runs = new InMemoryRunStore(ledger);
    private final FakeSearchIndex documents = new FakeSearchIndex();
    private final IndexOverDocuments indices = new IndexOverDocuments(documents);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T02:00:00Z"));
    private final LoadChunkService loader = new LoadChunkService(objects, ledger, documents, DatasetCatalog.builtIn(),
            LoadSettings.DEFAULTS, clock);
    private PlanRunResult plan;
    private List<ChunkDefinition> chunks;

    /**
     * A full run in several chunks where ids recur across chunks: updates, older versions and deletes from the
     * generator, then, in the last chunk, 40 records of the first chunk again with the same version (the first
     * stays) and 40 others again as deletes with the same version (ties where that version is still the newest: either
     * outcome is right).
     */
    @BeforeEach
    void planAndLoad() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new InstrumentSampleGenerator(SampleOptions.builder().records(3_000).opColumn(true)
                .updates(Amount.count(200)).olderVersions(Amount.count(100)).deletes(Amount.count(100))
                        .nameQuirks(NameQuirks.NONE).build()) // one record a line, to copy records by line
                .writeTo(out);
        List<String> lines = new ArrayList<>(out.toString(StandardCharsets.UTF_8).lines().toList());
        List<String> again = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            again.add(lines.get(i));
            String tie = lines.get(40 + i);
            again.add(tie.substring(0, tie.lastIndexOf(',')) + ",delete");
        }
        lines.addAll(again);
        objects.with(FILE, String.join("\n", lines) + "\n");
        PlanRunService planner = new PlanRunService(objects, runs, indices, DatasetCatalog.builtIn(),
                new PlanRunSettings("artifacts", ZoneOffset.UTC, 32 * 1024), clock);
        plan = planner.plan(new PlanRunCommand(RunSource.object("feeds", FILE.key()), "instruments",
                LocalDate.of(2026, 11, 27), null, RunMode.FULL, null, null));
        chunks = runs.chunkDefinitions(plan.runId());
        for (ChunkDefinition c : chunks) {
            loader.load(new LoadChunkCommand(c.key(), c.object(), c.range(), c.firstLine(), c.records(), "instruments",
                    c.columns(), plan.targetIndex(), "artifacts", "loader"), TimeBudget.UNLIMITED);
        }
    }

    @AfterEach
    void close() {
        loader.close();
    }

    private VerifyRunService verifier(ObjectStore store, int readThreads) {
        return new VerifyRunService(store, runs, indices, DatasetCatalog.builtIn(), "artifacts", RecordLimits.DEFAULTS,
                readThreads, clock);
    }

    private VerifyRunResult verifyAgain(ObjectStore store, int readThreads) {
        RunRecord run = runs.find(plan.runId()).orElseThrow();
        if (run.status() == RunStatus.SUCCEEDED) {
            runs.update(run.withStatus(RunStatus.RUNNING, null, clock.instant()), Set.of(RunStatus.SUCCEEDED));
        }
        return verifier(store, readThreads).verify(VerifyRunCommand.strict(plan.runId()));
    }

    private String indexCountDetail(VerifyRunResult result) throws IOException {
        JsonNode report = JSON.readTree(objects.text(result.report()));
        for (JsonNode check : report.get("checks")) {
            if (check.get("name").asText().equals(INDEX_COUNT_CHECK)) {
                return check.get("detail").asText();
            }
        }
        throw new AssertionError("no '" + INDEX_COUNT_CHECK + "' check in " + report.get("checks"));
    }

    /** What one sequential pass over the chunks in plan order concludes, with the loader's own validation. */
    private String sequentialPassDetail() throws IOException {
        DatasetSpec spec = DatasetCatalog.builtIn().get("instruments");
        WinningRecords winners = new WinningRecords(16);
        long upserts = 0;
        for (ChunkDefinition c : chunks) {
            DocumentConverter converter = new DocumentConverter(spec, HeaderLayout.resolve(spec, c.columns()),
                    plan.runId().value(), c.source().toString());
            try (InputStream in = objects.openRange(c.object(), c.range());
                 ChunkRecordReader reader = new ChunkRecordReader(in, spec.dialect(), c.range().start(), c.firstLine(),
                         RecordLimits.DEFAULTS)) {
                CsvRecord r;
                while ((r = reader.next()) != null) {
                    if (converter.identify(r) == null) {
                        boolean delete = converter.lastOperation() == DocumentConverter.Operation.DELETE;
                        winners.offer(converter.lastId(), converter.lastVersion(), delete, c.key().chunk(), r.line());
                        upserts += delete ? 0 : 1;
                    }
                }
            }
        }
        long present = winners.present();
        return documents.documents.size() + " documents in " + plan.targetIndex() + ", " + present
                + " distinct ids expected (" + winners.ids() + " ids in the input, " + (upserts - present)
                + " upserts written more than once or deleted within the run"
                + (winners.ambiguous() > 0 ? ", " + winners.ambiguous() + " ambiguous ties" : "") + ")";
    }

    @Test
    void chunksReadOnSeveralThreadsGiveTheWinnersAndCountsOfOneSequentialPass() throws IOException {
        assertThat(chunks).as("enough chunks to read several at once").hasSizeGreaterThan(4);
        // a thread per chunk, and the first chunk, whose records the last one repeats, finishes after the last
        ControlledReadsObjectStore store = new ControlledReadsObjectStore(objects)
                .holdBack(chunks.get(0).range(), chunks.get(chunks.size() - 1).range());

        VerifyRunResult result = verifyAgain(store, chunks.size());

        assertThat(result.status()).as(result.reason()).isEqualTo(RunStatus.SUCCEEDED);
        String expected = sequentialPassDetail();
        assertThat(expected).as("the run has ties and ids deleted or written more than once")
                .containsPattern(", [1-9]\\d* ambiguous ties\\)$")
                .containsPattern(" [1-9]\\d* upserts written more than once");
        assertThat(indexCountDetail(result)).isEqualTo(expected);
    }

    @Test
    void theSampleDoesNotDependOnHowManyThreadsReadNorOnWhichChunkFinishesFirst() {
        VerifyRunResult oneThread = verifyAgain(objects, 1);
        ControlledReadsObjectStore lastChunkFirst = new ControlledReadsObjectStore(objects);
        for (int i = 0; i < 3; i++) { // the fourth thread reads chunk 3 first
            lastChunkFirst.holdBack(chunks.get(i).range(), chunks.get(3).range());
        }
        VerifyRunResult fourThreads = verifyAgain(lastChunkFirst, 4);
        VerifyRunResult twoThreads = verifyAgain(new ControlledReadsObjectStore(objects)
                .holdBack(chunks.get(0).range(), chunks.get(1).range()), 2);

        assertThat(List.of(oneThread, fourThreads, twoThreads)).allSatisfy(r ->
                assertThat(r.status()).as(r.reason()).isEqualTo(RunStatus.SUCCEEDED));
        assertThat(indices.fetched).hasSize(3);
        assertThat(indices.fetched.get(0)).hasSize(100);
        assertThat(indices.fetched.get(1)).isEqualTo(indices.fetched.get(0));
        assertThat(indices.fetched.get(2)).isEqualTo(indices.fetched.get(0));
    }

    @Test
    void theRefreshIsAskedForWhileTheChunksAreReadAgainAndTheCountWaitsForIt() {
        // every read waits (a while at most) for the refresh to be asked for, and notes when it ends
        ControlledReadsObjectStore store = new ControlledReadsObjectStore(objects)
                .readsWaitFor(indices.refreshAsked, Duration.ofSeconds(2))
                .onEachClose(() -> indices.events.add("read again"));
        indices.events.clear();

        VerifyRunResult result = verifyAgain(store, 2);

        assertThat(result.status()).as(result.reason()).isEqualTo(RunStatus.SUCCEEDED);
        List<String> events = List.copyOf(indices.events);
        assertThat(events).as("asked for before the reading ends")
                .startsWith("refresh asked")
                .contains("read again");
        assertThat(events.indexOf("refreshed")).as("answered before anything is counted: " + events)
                .isLessThan(events.indexOf("count"));
        assertThat(events.stream().filter("read again"::equals)).hasSize(chunks.size());
    }

    @Test
    void aChunkThatCannotBeReadAgainFailsTheVerificationNamingTheObject() {
        ControlledReadsObjectStore store = new ControlledReadsObjectStore(objects)
                .failing(chunks.get(2).range(), "connection reset");

        assertThatThrownBy(() -> verifyAgain(store, 3))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessage("cannot read " + chunks.get(2).object() + " again to verify it")
                .hasRootCauseMessage("connection reset");
    }
}
