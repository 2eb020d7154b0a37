package dev.refdata.ingest.core.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refdata.ingest.core.domain.Checkpoint;
import dev.refdata.ingest.core.domain.ChunkCounters;
import dev.refdata.ingest.core.domain.ChunkDefinition;
import dev.refdata.ingest.core.domain.ChunkState;
import dev.refdata.ingest.core.domain.ChunkStatus;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.domain.RunMode;
import dev.refdata.ingest.core.domain.RunSource;
import dev.refdata.ingest.core.domain.RunStatus;
import dev.refdata.ingest.core.load.LoadChunkService;
import dev.refdata.ingest.core.load.LoadSettings;
import dev.refdata.ingest.core.port.in.LoadChunkCommand;
import dev.refdata.ingest.core.port.in.LoadChunkUseCase.TimeBudget;
import dev.refdata.ingest.core.port.in.PlanRunCommand;
import dev.refdata.ingest.core.port.in.PlanRunResult;
import dev.refdata.ingest.core.port.in.VerifyRunCommand;
import dev.refdata.ingest.core.port.in.VerifyRunResult;
import dev.refdata.ingest.core.sample.Amount;
import dev.refdata.ingest.core.sample.InstrumentSampleGenerator;
import dev.refdata.ingest.core.sample.SampleOptions;
import dev.refdata.ingest.core.spec.DatasetCatalog;
import dev.refdata.ingest.core.testing.FakeIndexAdmin;
import dev.refdata.ingest.core.testing.FakeSearchIndex;
import dev.refdata.ingest.core.testing.InMemoryChunkLedger;
import dev.refdata.ingest.core.testing.InMemoryObjectStore;
import dev.refdata.ingest.core.testing.InMemoryRunStore;
import dev.refdata.ingest.core.testing.IndexOverDocuments;
import dev.refdata.ingest.core.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class VerifyRunServiceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectRef FILE = new ObjectRef("feeds", "2026-11-27/instruments.csv");

    private final InMemoryObjectStore objects = new InMemoryObjectStore();
    private final InMemoryChunkLedger ledger = new InMemoryChunkLedger();
    private final InMemoryRunStore runs = new InMemoryRunStore(ledger);
    private final FakeSearchIndex documents = new FakeSearchIndex();
    private final FakeIndexAdmin indices = new IndexOverDocuments(documents);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T02:00:00Z"));
    private final PlanRunService planner = new PlanRunService(objects, runs, indices, DatasetCatalog.builtIn(),
            new PlanRunSettings("artifacts", ZoneOffset.UTC, 32 * 1024), clock);
    private final LoadChunkService loader = new LoadChunkService(objects, ledger, documents, DatasetCatalog.builtIn(),
            LoadSettings.DEFAULTS, clock);
    private final VerifyRunService verifier = new VerifyRunService(objects, runs, indices, DatasetCatalog.builtIn(),
            "artifacts", clock);

    @AfterEach
    void close() {
        loader.close();
    }

    private PlanRunResult plan(SampleOptions options, RunMode mode, LocalDate date) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new InstrumentSampleGenerator(options).writeTo(out);
        objects.with(FILE, out.toByteArray());
        return planner.plan(new PlanRunCommand(RunSource.object("feeds", FILE.key()), "instruments", date, null, mode,
                null, null));
    }

    private void loadAll(PlanRunResult plan) {
        for (ChunkDefinition c : runs.chunkDefinitions(plan.runId())) {
            loader.load(new LoadChunkCommand(c.key(), c.object(), c.range(), c.firstLine(), c.records(), "instruments",
                    c.columns(), plan.targetIndex(), "artifacts", "loader"), TimeBudget.UNLIMITED);
        }
    }

    private JsonNode report(VerifyRunResult result) throws IOException {
        return JSON.readTree(objects.text(result.report()));
    }

    @Test
    void aLoadedFullRunIsVerifiedMadeLiveAndReported() throws IOException {
        PlanRunResult plan = plan(SampleOptions.builder().records(2_000).opColumn(true).updates(Amount.count(50))
                .olderVersions(Amount.count(20)).deletes(Amount.count(30)).build(), RunMode.FULL, LocalDate.of(2026, 11, 27));
        loadAll(plan);

        VerifyRunResult result = verifier.verify(VerifyRunCommand.strict(plan.runId()));

        assertThat(result.status()).as(result.reason()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(result.totals().read()).isEqualTo(2_100);
        assertThat(documents.documents).hasSize(1_970);
        assertThat(indices.aliasTargets("instruments")).containsExactly(plan.targetIndex());
        assertThat(indices.indices.get(plan.targetIndex()).refreshInterval()).isEqualTo("1s");
        assertThat(indices.indices.get(plan.targetIndex()).replicas()).isEqualTo(1);
        assertThat(runs.find(plan.runId()).orElseThrow().status()).isEqualTo(RunStatus.SUCCEEDED);
        JsonNode report = report(result);
        assertThat(report.at("/totals/read").asLong()).isEqualTo(2_100);
        assertThat(report.get("chunks")).hasSize(plan.chunkCount());
        assertThat(report.get("checks").findValuesAsText("name")).contains("every chunk completed",
                "index count equals the distinct ids written", "sampled records match the index", "alias swapped");
        assertThat(report.get("checks").toString()).contains("1970 distinct ids expected")
                .contains("100 records fetched back and equal field by field");
        assertThat(report.get("chunks")).allSatisfy(line -> {
            assertThat(line.get("startedAt").isTextual()).as("startedAt of %s", line).isTrue();
            assertThat(line.get("durationMillis").isIntegralNumber()).as("durationMillis of %s", line).isTrue();
            assertThat(line.get("durationMillis").asLong()).as("durationMillis of %s", line).isNotNegative()
                    .isEqualTo(Duration.between(Instant.parse(line.get("startedAt").asText()),
                            Instant.parse(line.get("updatedAt").asText())).toMillis());
        });
    }

    @Test
    void theReportIsAlsoWrittenAsMarkdownBesideTheJson() throws IOException {
        PlanRunResult plan = plan(SampleOptions.builder().records(500).build(), RunMode.FULL, LocalDate.of(2026, 11, 27));
        loadAll(plan);

        VerifyRunResult result = verifier.verify(VerifyRunCommand.strict(plan.runId()));

        assertThat(result.report().key()).endsWith("/execution-001.json");
        String markdown = objects.text(new ObjectRef(result.report().bucket(),
                result.report().key().replace(".json", ".md")));
        assertThat(markdown).startsWith("# Run " + plan.runId() + ": SUCCEEDED")
                .contains("| 500 | 500 | 500 | 0 | 0 | 0 | 0 |")
                .contains("| alias swapped | yes |");
        assertThat(markdown.lines().filter(l -> l.matches("\\| \\d+ \\| COMPLETED \\|.*")))
                .hasSize(plan.chunkCount());
    }

    @Test
    void everyChunkLineCarriesWhenTheChunkWasFirstClaimedAndHowLongItTookOnceEnded() throws IOException {
        PlanRunResult plan = plan(SampleOptions.builder().records(1_000).build(), RunMode.FULL, LocalDate.of(2026, 11, 27));
        List<ChunkDefinition> chunks = runs.chunkDefinitions(plan.runId());
        assertThat(chunks).as("enough chunks for every case").hasSizeGreaterThan(3);
        Instant t0 = clock.instant();
        // chunk 0: claimed by a loader that vanished, taken over once its lease expired and loaded, 90 s after the claim
        ChunkDefinition completed = chunks.get(0);
        ledger.claim(completed.key(), Checkpoint.startOfRange(completed), "vanished", t0, t0.plusSeconds(60));
        clock.advance(Duration.ofSeconds(90));
        loader.load(new LoadChunkCommand(completed.key(), completed.object(), completed.range(), completed.firstLine(),
                completed.records(), "instruments", completed.columns(), plan.targetIndex(), "artifacts", "loader"),
                TimeBudget.UNLIMITED);
        // chunk 1: claimed, failed 30 s later
        ChunkDefinition failed = chunks.get(1);
        ledger.claim(failed.key(), Checkpoint.startOfRange(failed), "loader", clock.instant(),
                clock.instant().plusSeconds(300));
        clock.advance(Duration.ofSeconds(30));
        ledger.fail(failed.key(), "loader", Checkpoint.startOfRange(failed), "OpenSearch unreachable", clock.instant());
        // chunk 2: claimed 7 s later and still running; the rest never claimed
        clock.advance(Duration.ofSeconds(7));
        ChunkDefinition running = chunks.get(2);
        ledger.claim(running.key(), Checkpoint.startOfRange(running), "loader", clock.instant(),
                clock.instant().plusSeconds(300));
        clock.advance(Duration.ofSeconds(1));

        VerifyRunResult result = verifier.verify(VerifyRunCommand.strict(plan.runId()));

        assertThat(result.status()).isEqualTo(RunStatus.FAILED);
        JsonNode lines = report(result).get("chunks");
        assertThat(lines).hasSize(chunks.size());
        assertThat(lines.get(0).get("status").asText()).isEqualTo("COMPLETED");
        assertThat(lines.get(0).get("attempts").asInt()).isEqualTo(2);
        assertThat(Instant.parse(lines.get(0).get("startedAt").asText())).as("the first attempt's claim").isEqualTo(t0);
        assertThat(lines.get(0).get("durationMillis").asLong()).isEqualTo(90_000);
        assertThat(lines.get(1).get("status").asText()).isEqualTo("FAILED");
        assertThat(Instant.parse(lines.get(1).get("startedAt").asText())).isEqualTo(t0.plusSeconds(90));
        assertThat(lines.get(1).get("durationMillis").asLong()).isEqualTo(30_000);
        assertThat(lines.get(2).get("status").asText()).isEqualTo("RUNNING");
        assertThat(Instant.parse(lines.get(2).get("startedAt").asText())).isEqualTo(t0.plusSeconds(127));
        assertThat(lines.get(2).get("durationMillis").isNull()).as("a running chunk has no duration yet").isTrue();
        for (int n = 3; n < chunks.size(); n++) {
            assertThat(lines.get(n).get("status").asText()).isEqualTo("PENDING");
            assertThat(lines.get(n).get("startedAt").isNull()).as("chunk %d never claimed", n).isTrue();
            assertThat(lines.get(n).get("durationMillis").isNull()).as("chunk %d never claimed", n).isTrue();
        }
    }

    @Test
    void aChunkThatIsNotCompletedFailsTheRunByNameAndLeavesTheAliasAlone() throws IOException {
        PlanRunResult plan = plan(SampleOptions.builder().records(1_000).build(), RunMode.FULL, LocalDate.of(2026, 11, 27));
        List<ChunkDefinition> chunks = runs.chunkDefinitions(plan.runId());
        ChunkDefinition broken = chunks.get(1);
        for (ChunkDefinition c : chunks) {
            if (c != broken) {
                loader.load(new LoadChunkCommand(c.key(), c.object(), c.range(), c.firstLine(), c.records(),
                        "instruments", c.columns(), plan.targetIndex(), "artifacts", "loader"), TimeBudget.UNLIMITED);
            }
        }
        ledger.claim(broken.key(), Checkpoint.startOfRange(broken), "loader", clock.instant(), clock.instant().plusSeconds(9));
        ledger.fail(broken.key(), "loader", Checkpoint.startOfRange(broken), "OpenSearch unreachable", clock.instant());

        VerifyRunResult result = verifier.verify(VerifyRunCommand.strict(plan.runId()));

        assertThat(result.status()).isEqualTo(RunStatus.FAILED);
        assertThat(result.reason()).isEqualTo("every chunk completed: 1 of " + chunks.size()
                + " chunks not completed: #1 FAILED (OpenSearch unreachable)");
        assertThat(indices.aliases).isEmpty();
        assertThat(runs.find(plan.runId()).orElseThrow().reason()).isEqualTo(result.reason());
    }

    @Test
    void aChunkWhoseReadCountDiffersFromThePlanFailsVerificationPrecisely() throws IOException {
        PlanRunResult plan = plan(SampleOptions.builder().records(1_000).build(), RunMode.FULL, LocalDate.of(2026, 11, 27));
        loadAll(plan);
        ChunkDefinition c = runs.chunkDefinitions(plan.runId()).get(2);
        // a corrupted expectation: the store says the chunk read one record fewer than planned
        ChunkCounters wrong = new ChunkCounters(c.records() - 1, c.records() - 1, 0, 0, 0, 0);
        ledger.overwrite(new ChunkState(c.key(), ChunkStatus.COMPLETED, "x", null,
                new Checkpoint(c.range().end(), c.firstLine() + 1, wrong), 1, clock.instant(), null, clock.instant()));

        VerifyRunResult result = verifier.verify(VerifyRunCommand.strict(plan.runId()));

        assertThat(result.status()).isEqualTo(RunStatus.FAILED);
        assertThat(result.reason()).isEqualTo("every record accounted for: #2 read " + (c.records() - 1)
                + " records, the plan counted " + c.records());
    }

    @Test
    void rejectsBeyondTheToleranceFailTheRunNamingChunksAndReasonsWithinItItSucceeds() throws IOException {
        PlanRunResult plan = plan(SampleOptions.builder().records(1_000).invalidRowsOfEachKind(Amount.count(1)).build(),
                RunMode.FULL, LocalDate.of(2026, 11, 27));
        loadAll(plan);

        VerifyRunResult strict = verifier.verify(VerifyRunCommand.strict(plan.runId()));

        assertThat(strict.status()).isEqualTo(RunStatus.FAILED);
        assertThat(strict.reason()).startsWith("rejects within tolerance: 5 rejected of 1005")
                .contains("in chunks #").contains("first: feeds/2026-11-27/instruments.csv line ");
        assertThat(indices.aliases).isEmpty();

        VerifyRunResult tolerant = verifier.verify(new VerifyRunCommand(plan.runId(), 5, 0, 50, 3));
        assertThat(tolerant.status()).as(tolerant.reason()).isEqualTo(RunStatus.SUCCEEDED);
    }

    @Test
    void anIndexThatLostADocumentFailsVerificationAndTheAliasIsUntouched() throws IOException {
        PlanRunResult plan = plan(SampleOptions.builder().records(500).build(), RunMode.FULL, LocalDate.of(2026, 11, 27));
        loadAll(plan);
        documents.documents.remove(documents.documents.keySet().iterator().next());

        VerifyRunResult result = verifier.verify(VerifyRunCommand.strict(plan.runId()));

        assertThat(result.status()).isEqualTo(RunStatus.FAILED);
        assertThat(result.reason()).startsWith("index count equals the distinct ids written: 499 documents in "
                + plan.targetIndex() + ", 500 distinct ids expected");
        assertThat(indices.aliases).isEmpty();
    }

    @Test
    void aSecondFullRunSwapsTheAliasAndRetentionDeletesTheOldest() throws IOException {
        PlanRunResult first = plan(SampleOptions.builder().records(300).build(), RunMode.FULL, LocalDate.of(2026, 11, 26));
        loadAll(first);
        assertThat(verifier.verify(VerifyRunCommand.strict(first.runId())).succeeded()).isTrue();
        documents.documents.clear(); // the fake holds one index: the second run starts from an empty one
        PlanRunResult second = plan(SampleOptions.builder().records(300).seed(9).build(), RunMode.FULL,
                LocalDate.of(2026, 11, 27));
        loadAll(second);

        VerifyRunResult result = verifier.verify(new VerifyRunCommand(second.runId(), 0, 0, 20, 1));

        assertThat(result.succeeded()).as(result.reason()).isTrue();
        assertThat(indices.aliasTargets("instruments")).containsExactly(second.targetIndex());
        assertThat(indices.swaps).containsExactly("instruments->" + first.targetIndex(),
                "instruments->" + second.targetIndex());
        assertThat(indices.indices.keySet()).containsExactly(second.targetIndex());
        assertThat(Set.copyOf(indices.indicesStartingWith("instruments-"))).containsExactly(second.targetIndex());
    }
}
