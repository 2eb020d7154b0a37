package dev.refdata.ingest.core.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refdata.ingest.core.domain.Checkpoint;
import dev.refdata.ingest.core.domain.ChunkCounters;
import dev.refdata.ingest.core.domain.ChunkDefinition;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.domain.RunMode;
import dev.refdata.ingest.core.domain.RunRecord;
import dev.refdata.ingest.core.domain.RunSource;
import dev.refdata.ingest.core.domain.RunStatus;
import dev.refdata.ingest.core.port.in.InvalidSourceException;
import dev.refdata.ingest.core.port.in.PlanRunCommand;
import dev.refdata.ingest.core.port.in.PlanRunResult;
import dev.refdata.ingest.core.sample.InstrumentSampleGenerator;
import dev.refdata.ingest.core.sample.SampleOptions;
import dev.refdata.ingest.core.spec.DatasetCatalog;
import dev.refdata.ingest.core.testing.FakeIndexAdmin;
import dev.refdata.ingest.core.testing.InMemoryChunkLedger;
import dev.refdata.ingest.core.testing.InMemoryObjectStore;
import dev.refdata.ingest.core.testing.InMemoryRunStore;
import dev.refdata.ingest.core.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlanRunServiceTest {

    private static final LocalDate DATE = LocalDate.of(2026, 11, 27);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final InMemoryObjectStore objects = new InMemoryObjectStore();
    private final InMemoryChunkLedger ledger = new InMemoryChunkLedger();
    private final InMemoryRunStore runs = new InMemoryRunStore(ledger);
    private final FakeIndexAdmin indices = new FakeIndexAdmin();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T02:00:00Z"));
    private final PlanRunService planner = new PlanRunService(objects, runs, indices, DatasetCatalog.builtIn(),
            new PlanRunSettings("artifacts", ZoneId.of("Europe/Berlin"), 64 * 1024), clock);

    private static byte[] sample(long records, long seed) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new InstrumentSampleGenerator(SampleOptions.builder().records(records).seed(seed).build()).writeTo(out);
        return out.toByteArray();
    }

    private static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(plain);
        }
        return out.toByteArray();
    }

    private PlanRunCommand full(RunSource source) {
        return new PlanRunCommand(source, "instruments", DATE, null, RunMode.FULL, null, null);
    }

    private JsonNode manifest(PlanRunResult result) throws IOException {
        return JSON.readTree(objects.text(result.manifest()));
    }

    @Test
    void severalPlainAndGzippedObjectsUnderAPrefixMakeOneRunWithOneManifest() throws IOException {
        objects.with(new ObjectRef("feeds", "2026-11-27/part-1.csv"), sample(3_000, 1))
                .with(new ObjectRef("feeds", "2026-11-27/part-2.csv"), sample(2_000, 2))
                .with(new ObjectRef("feeds", "2026-11-27/part-3.csv.gz"), gzip(sample(4_000, 3)))
                .with(new ObjectRef("feeds", "2026-11-27/_SUCCESS"), new byte[0])
                .with(new ObjectRef("feeds", "2026-11-27/empty.csv"), new byte[0]);

        PlanRunResult result = planner.plan(full(RunSource.prefix("feeds", "2026-11-27/")));

        assertThat(result.created()).isTrue();
        assertThat(result.status()).isEqualTo(RunStatus.RUNNING);
        assertThat(result.expectedRecords()).isEqualTo(9_000);
        assertThat(result.runId().value()).startsWith("instruments-20261127-full-");
        JsonNode entries = manifest(result);
        assertThat(entries).hasSize(result.chunkCount());
        long sum = 0;
        for (int i = 0; i < entries.size(); i++) {
            JsonNode e = entries.get(i);
            assertThat(e.get("chunk").asInt()).isEqualTo(i);
            assertThat(e.get("index").asText()).isEqualTo(result.targetIndex());
            assertThat(e.get("columns")).hasSize(12);
            sum += e.get("records").asLong();
        }
        assertThat(sum).isEqualTo(9_000);
        assertThat(entries.findValuesAsText("key")).anyMatch(k -> k.startsWith("staging/" + result.runId().value()
                + "/003-part-3.csv.gz/part-"));
        assertThat(runs.chunkDefinitions(result.runId())).hasSize(result.chunkCount());
        assertThat(runs.chunkStates(result.runId())).allMatch(s -> s.status().name().equals("PENDING"));
        FakeIndexAdmin.Index index = indices.indices.get(result.targetIndex());
        assertThat(index.refreshInterval()).isEqualTo("-1");
        assertThat(index.replicas()).isZero();
        assertThat(indices.aliases).as("a full run swaps the alias only after verification").isEmpty();
    }

    @Test
    void aTriggerThatFiresTwiceGetsTheExistingRunAndPlansNothing() throws IOException {
        objects.with(new ObjectRef("feeds", "i.csv"), sample(500, 1));
        PlanRunResult first = planner.plan(full(RunSource.object("feeds", "i.csv")));
        int manifests = objects.keys("artifacts", "manifests/").size();

        PlanRunResult second = planner.plan(full(RunSource.object("feeds", "i.csv")));

        assertThat(second.created()).isFalse();
        assertThat(second.runId()).isEqualTo(first.runId());
        assertThat(second.manifest()).isEqualTo(first.manifest());
        assertThat(objects.keys("artifacts", "manifests/")).hasSize(manifests);
    }

    @Test
    void theBusinessDateComesFromTheScheduledTimeInTheConfiguredZone() throws IOException {
        objects.with(new ObjectRef("feeds", "i.csv"), sample(10, 1));

        PlanRunResult result = planner.plan(new PlanRunCommand(RunSource.object("feeds", "i.csv"), "instruments",
                null, Instant.parse("2026-11-26T23:30:00Z"), RunMode.DELTA, null, null));

        assertThat(runs.find(result.runId()).orElseThrow().businessDate()).isEqualTo(LocalDate.of(2026, 11, 27));
    }

    @Test
    void theFirstDeltaRunCreatesTheAliasAndEveryDeltaRunWritesIntoIt() throws IOException {
        objects.with(new ObjectRef("feeds", "a.csv"), sample(10, 1)).with(new ObjectRef("feeds", "b.csv"), sample(10, 2));

        PlanRunResult first = planner.plan(new PlanRunCommand(RunSource.object("feeds", "a.csv"), "instruments", DATE,
                null, RunMode.DELTA, null, null));
        PlanRunResult second = planner.plan(new PlanRunCommand(RunSource.object("feeds", "b.csv"), "instruments",
                DATE.plusDays(1), null, RunMode.DELTA, null, null));

        assertThat(first.targetIndex()).isEqualTo("instruments");
        assertThat(second.targetIndex()).isEqualTo("instruments");
        assertThat(indices.indices).hasSize(1);
        assertThat(indices.aliasTargets("instruments")).hasSize(1);
    }

    @Test
    void aRerunPlansOnlyTheChunksThatAreNotCompleted() throws IOException {
        objects.with(new ObjectRef("feeds", "i.csv"), sample(3_000, 1));
        PlanRunResult first = planner.plan(full(RunSource.object("feeds", "i.csv")));
        List<ChunkDefinition> chunks = runs.chunkDefinitions(first.runId());
        assertThat(chunks).hasSizeGreaterThan(3);
        for (ChunkDefinition c : chunks.subList(0, 2)) { // two chunks completed, the rest failed or never started
            ledger.claim(c.key(), Checkpoint.startOfRange(c), "loader", clock.instant(), clock.instant().plusSeconds(60));
            ledger.complete(c.key(), "loader", new Checkpoint(c.range().end(), 99,
                    new ChunkCounters(c.records(), c.records(), 0, 0, 0, 0)), clock.instant());
        }
        ChunkDefinition failed = chunks.get(2);
        ledger.claim(failed.key(), Checkpoint.startOfRange(failed), "loader", clock.instant(), clock.instant().plusSeconds(60));
        ledger.fail(failed.key(), "loader", Checkpoint.startOfRange(failed), "OpenSearch unreachable", clock.instant());

        PlanRunResult rerun = planner.plan(PlanRunCommand.rerun(first.runId()));

        assertThat(rerun.runId()).isEqualTo(first.runId());
        assertThat(rerun.execution()).isEqualTo(2);
        assertThat(rerun.chunkCount()).isEqualTo(chunks.size() - 2);
        assertThat(manifest(rerun).findValues("chunk")).extracting(JsonNode::asInt)
                .containsExactlyElementsOf(chunks.subList(2, chunks.size()).stream().map(c -> c.key().chunk()).toList());
        assertThat(rerun.manifest()).isNotEqualTo(first.manifest());
        RunRecord run = runs.find(first.runId()).orElseThrow();
        assertThat(run.executions()).isEqualTo(2);
        assertThat(run.expectedRecords()).as("the run still expects all its records").isEqualTo(3_000);
    }

    @Test
    void aBadFileFailsTheRunNamingFileAndLineAndATriggerAfterTheFixPlansItAgain() throws IOException {
        ObjectRef file = new ObjectRef("feeds", "i.csv");
        objects.with(file, "isin,ticker,name\nUS0378331005,AAPL,Apple\n");

        assertThatThrownBy(() -> planner.plan(full(RunSource.object("feeds", "i.csv"))))
                .isInstanceOf(InvalidSourceException.class)
                .hasMessageStartingWith("feeds/i.csv, line 1: header does not match dataset 'instruments'");
        RunRecord failed = runs.recent(1).get(0);
        assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
        assertThat(failed.reason()).contains("missing columns");

        objects.with(file, sample(100, 1));
        PlanRunResult fixed = planner.plan(full(RunSource.object("feeds", "i.csv")));

        assertThat(fixed.created()).isTrue();
        assertThat(fixed.runId()).isEqualTo(failed.id());
        assertThat(fixed.execution()).isEqualTo(2);
        assertThat(fixed.expectedRecords()).isEqualTo(100);
    }

    @Test
    void aRunWhosePlannerDiedIsPlannedAgainOnlyOnceItIsSurelyAbandoned() throws IOException {
        objects.with(new ObjectRef("feeds", "i.csv"), sample(100, 1));
        PlanRunCommand command = full(RunSource.object("feeds", "i.csv"));
        RunRecord stuck = new RunRecord(PlanRunService.runIdFor("instruments", DATE, RunMode.FULL,
                RunSource.object("feeds", "i.csv")), "instruments", DATE, RunMode.FULL, RunSource.object("feeds", "i.csv"),
                RunStatus.PLANNING, "instruments", null, null, 0, 0, 1, null, clock.instant(), clock.instant());
        runs.create(stuck); // a planner that timed out after creating the run

        clock.advance(java.time.Duration.ofMinutes(5));
        PlanRunResult tooSoon = planner.plan(command);
        assertThat(tooSoon.created()).as("a planner may still be at work").isFalse();
        assertThat(tooSoon.status()).isEqualTo(RunStatus.PLANNING);

        clock.advance(java.time.Duration.ofMinutes(20));
        PlanRunResult replanned = planner.plan(command);
        assertThat(replanned.created()).isTrue();
        assertThat(replanned.execution()).isEqualTo(2);
        assertThat(replanned.expectedRecords()).isEqualTo(100);
    }

    @Test
    void somethingOtherThanCsvUnderThePrefixIsNamed() throws IOException {
        objects.with(new ObjectRef("feeds", "d/i.csv"), sample(10, 1))
                .with(new ObjectRef("feeds", "d/readme.txt"), "hello".getBytes());

        assertThatThrownBy(() -> planner.plan(full(RunSource.prefix("feeds", "d/"))))
                .isInstanceOf(InvalidSourceException.class)
                .hasMessageContaining("feeds/d/readme.txt: not a CSV file");
    }

    @Test
    void aTruncatedGzipFileIsNamed() throws IOException {
        byte[] gz = gzip(sample(2_000, 1));
        objects.with(new ObjectRef("feeds", "i.csv.gz"), java.util.Arrays.copyOf(gz, gz.length - 100));

        assertThatThrownBy(() -> planner.plan(full(RunSource.object("feeds", "i.csv.gz"))))
                .isInstanceOf(InvalidSourceException.class)
                .hasMessageStartingWith("feeds/i.csv.gz: a truncated gzip file (");
    }
}
