package dev.refdata.ingest.it;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refdata.ingest.adapter.opensearch.OpenSearchHttpClient;
import dev.refdata.ingest.core.csv.ChunkRecordReader;
import dev.refdata.ingest.core.csv.CsvRecord;
import dev.refdata.ingest.core.domain.ByteRange;
import dev.refdata.ingest.core.domain.ChunkStatus;
import dev.refdata.ingest.core.domain.ObjectInfo;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.domain.RunId;
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
import dev.refdata.ingest.core.port.out.ChunkLedger;
import dev.refdata.ingest.core.port.out.IndexAdmin;
import dev.refdata.ingest.core.port.out.ObjectStore;
import dev.refdata.ingest.core.port.out.RunStore;
import dev.refdata.ingest.core.port.out.SearchSink;
import dev.refdata.ingest.core.sample.Amount;
import dev.refdata.ingest.core.sample.InstrumentSampleGenerator;
import dev.refdata.ingest.core.sample.SampleOptions;
import dev.refdata.ingest.core.sample.SampleSummary;
import dev.refdata.ingest.core.service.PlanRunService;
import dev.refdata.ingest.core.service.PlanRunSettings;
import dev.refdata.ingest.core.service.VerifyRunService;
import dev.refdata.ingest.core.spec.DatasetCatalog;
import dev.refdata.ingest.it.lifecycle.ChunkTrackingSink;
import dev.refdata.ingest.it.lifecycle.RunDriver;
import dev.refdata.ingest.it.lifecycle.RunDriver.ChunkLoad;
import dev.refdata.ingest.it.lifecycle.RunDriver.Completed;
import dev.refdata.ingest.it.lifecycle.RunDriver.Loading;
import dev.refdata.ingest.it.lifecycle.RunDriver.ManifestEntry;
import dev.refdata.ingest.it.support.PipelineFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run's whole life on the real services (S3Proxy, dynalite, OpenSearch 2.19.6): plan, load every chunk, verify,
 * driven by {@link RunDriver} the way the state machine drives the three use cases, without the state machine.
 *
 * <p>Each test has a dataset of its own (the instruments spec under another name and alias), so that its alias
 * and indices are its own.
 */
class RunLifecycleIT {

    private static final Logger LOG = LoggerFactory.getLogger(RunLifecycleIT.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final String TAG = "lc" + UUID.randomUUID().toString().substring(0, 6);
    private static final String FEEDS = "lifecycle-feeds-" + TAG;
    private static final String ARTIFACTS = "lifecycle-artifacts-" + TAG;
    private static final String TABLE = "lifecycle-runs-" + TAG;
    private static final LocalDate DAY = LocalDate.of(2026, 11, 27);
    private static final LoadSettings LOAD = LoadSettings.DEFAULTS.withMaxInFlight(2);
    private static final int PARALLEL_CHUNKS = 3;
    private static final List<String> DATASETS = List.of("million", "swap", "delta", "fail", "dup", "miscount",
            "shortcount");

    private static PipelineFixture pipeline;
    private static OpenSearchHttpClient search;
    private static ObjectStore objects;
    private static RunStore runs;
    private static ChunkLedger ledger;
    private static IndexAdmin indices;
    private static DatasetCatalog datasets;

    @BeforeAll
    static void services() {
        pipeline = PipelineFixture.create(TAG, FEEDS, ARTIFACTS, TABLE,
                DATASETS.stream().map(RunLifecycleIT::dataset).toList());
        search = pipeline.search();
        objects = pipeline.objects();
        runs = pipeline.runs();
        ledger = pipeline.ledger();
        indices = pipeline.indices();
        datasets = pipeline.datasets();
    }

    @AfterAll
    static void close() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // 1. A large full run
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void aMillionRecordsInPlainAndGzippedObjectsUnderOnePrefixLoadInFullAndGoLiveOnlyOnceVerified() throws Exception {
        String dataset = dataset("million");
        long started = System.nanoTime();
        ByteArrayOutputStream generated = new ByteArrayOutputStream(200 << 20);
        SampleSummary summary = new InstrumentSampleGenerator(SampleOptions.builder().records(1_000_000).seed(1001)
                .build()).writeTo(generated);
        byte[] file = generated.toByteArray();
        generated = null;
        String prefix = "million/2026-11-27/";
        List<ObjectRef> parts = uploadSplit(file, prefix, 4, true);
        file = null;
        LOG.info("1,000,000 records ({} bytes) generated and uploaded as {} in {} ms", summary.bytes(), parts,
                Duration.ofNanos(System.nanoTime() - started).toMillis());
        long perCall = 60_000;

        try (RunDriver driver = driver(search.sink(), RunDriver.timeForRecords(perCall))) {
            PlanRunResult planned = driver.plan(new PlanRunCommand(RunSource.prefix(FEEDS, prefix), dataset, DAY,
                    null, RunMode.FULL, null, 24L << 20));

            assertThat(planned.created()).isTrue();
            assertThat(planned.expectedRecords()).isEqualTo(1_000_000);
            List<ManifestEntry> manifest = driver.manifest(planned);
            assertThat(manifest).hasSize(planned.chunkCount()).hasSizeGreaterThanOrEqualTo(5);
            assertThat(manifest).extracting(e -> e.object().key())
                    .as("the gzipped object is loaded from staged plain parts")
                    .anyMatch(k -> k.startsWith("staging/" + planned.runId().value() + "/004-part-4.csv.gz/"))
                    .noneMatch(k -> k.endsWith(".gz"));
            assertThat(manifest).allMatch(e -> e.range().length() <= (24L << 20) + (1 << 20),
                    "chunks of about the target size");

            Loading loading = driver.load(planned);

            assertThat(loading.failed()).isEmpty();
            assertThat(loading.completed()).hasSize(planned.chunkCount());
            for (ChunkLoad chunk : loading.chunks().values()) {
                assertThat(chunk.calls()).as("chunk %d: an invocation has time for %d records", chunk.chunk(), perCall)
                        .hasSizeGreaterThanOrEqualTo((int) ((chunk.entry().records() + perCall - 1) / perCall));
                assertThat(chunk.readByAllCalls()).as("chunk %d: each record read once across the calls",
                        chunk.chunk()).isEqualTo(chunk.entry().records());
            }
            assertThat(indices.aliasTargets(planned.alias())).as("before verification the alias is not switched")
                    .doesNotContain(planned.targetIndex()).isEmpty();

            VerifyRunResult verified = driver.verify(VerifyRunCommand.strict(planned.runId()));

            assertThat(verified.succeeded()).as("%s", verified.reason()).isTrue();
            assertThat(indices.aliasTargets(planned.alias())).containsExactly(planned.targetIndex());
            assertThat(indices.count(planned.alias())).as("one document per distinct id")
                    .isEqualTo(summary.distinctIds()).isEqualTo(1_000_000);
            JsonNode report = report(verified);
            assertThat(report.at("/status").asText()).isEqualTo("SUCCEEDED");
            assertThat(report.at("/expectedRecords").asLong()).isEqualTo(summary.records());
            assertThat(report.at("/totals/read").asLong()).isEqualTo(summary.records());
            assertThat(report.at("/totals/indexed").asLong()).isEqualTo(summary.records());
            assertThat(report.at("/totals/deleted").asLong()).isZero();
            assertThat(report.at("/totals/stale").asLong()).isZero();
            assertThat(report.at("/totals/rejected").asLong()).isZero();
            assertThat(report.at("/chunks")).hasSize(planned.chunkCount())
                    .allMatch(c -> c.get("status").asText().equals("COMPLETED")
                            && c.at("/counters/read").asLong() == c.get("plannedRecords").asLong());
            assertThat(runs.find(planned.runId()).orElseThrow().status()).isEqualTo(RunStatus.SUCCEEDED);
            LOG.info("a million records planned, loaded in {} calls over {} chunks and verified in {} s",
                    loading.calls(), planned.chunkCount(), Duration.ofNanos(System.nanoTime() - started).toSeconds());
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // 2. Alias swap and retention
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void aNewFullRunSwapsTheAliasWithoutReadersEverSeeingItMissingOrEmptyAndRetentionDeletesTheOldestIndex()
            throws Exception {
        String dataset = dataset("swap");
        Function<RunId, VerifyRunCommand> keepTwo = run -> new VerifyRunCommand(run, 0, 0, 50, 2);
        try (RunDriver driver = driver(search.sink(), RunDriver.unlimited())) {
            ObjectRef first = upload("swap/2026-11-27.csv", options(6_000, 201));
            Completed day1 = driver.run(full(first, dataset, DAY), keepTwo);
            assertThat(day1.verified().succeeded()).as("%s", day1.verified().reason()).isTrue();
            String alias = day1.planned().alias();
            assertThat(indices.aliasTargets(alias)).containsExactly(day1.planned().targetIndex());

            ObjectRef second = upload("swap/2026-11-28.csv", options(7_000, 202));
            PlanRunResult day2 = driver.plan(full(second, dataset, DAY.plusDays(1)));
            assertThat(driver.load(day2).failed()).isEmpty();
            assertThat(indices.aliasTargets(alias)).as("the loaded but unverified index is not live yet")
                    .containsExactly(day1.planned().targetIndex());

            Observed swap2 = verifyWhileCounting(driver, keepTwo.apply(day2.runId()), alias);

            assertThat(swap2.verified().succeeded()).as("%s", swap2.verified().reason()).isTrue();
            swap2.assertAlwaysAnswered(6_000, 7_000);
            assertThat(indices.aliasTargets(alias)).containsExactly(day2.targetIndex());
            assertThat(indices.indicesStartingWith(alias + "-")).as("retention 2 keeps both")
                    .containsExactlyInAnyOrder(day1.planned().targetIndex(), day2.targetIndex());

            ObjectRef third = upload("swap/2026-11-29.csv", options(8_000, 203));
            PlanRunResult day3 = driver.plan(full(third, dataset, DAY.plusDays(2)));
            assertThat(driver.load(day3).failed()).isEmpty();

            Observed swap3 = verifyWhileCounting(driver, keepTwo.apply(day3.runId()), alias);

            assertThat(swap3.verified().succeeded()).as("%s", swap3.verified().reason()).isTrue();
            swap3.assertAlwaysAnswered(7_000, 8_000);
            assertThat(indices.aliasTargets(alias)).containsExactly(day3.targetIndex());
            assertThat(indices.indexExists(day1.planned().targetIndex())).as("the oldest index is deleted").isFalse();
            assertThat(indices.indicesStartingWith(alias + "-"))
                    .containsExactlyInAnyOrder(day2.targetIndex(), day3.targetIndex());
            assertThat(report(swap3.verified()).at("/checks").findValuesAsText("detail"))
                    .anyMatch(d -> d.contains("deleted " + day1.planned().targetIndex()));
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // 3. Delta on top of full
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void aDeltaRunOnTopOfAFullRunAppliesItsUpdatesAndDeletesAndIgnoresOlderVersions() throws Exception {
        String dataset = dataset("delta");
        SampleOptions base = options(10_000, 301);
        // The delta republishes the same base records (same seed: same ids, content and versions) among changes.
        SampleOptions changes = base.toBuilder().opColumn(true).updates(Amount.count(500)).deletes(Amount.count(300))
                .olderVersions(Amount.count(200)).build();
        try (RunDriver driver = driver(search.sink(), RunDriver.unlimited())) {
            Completed full = driver.run(full(upload("delta/full-2026-11-27.csv", base), dataset, DAY),
                    VerifyRunCommand::strict);
            assertThat(full.verified().succeeded()).as("%s", full.verified().reason()).isTrue();
            String alias = full.planned().alias();

            byte[] deltaFile = generate(changes);
            ObjectRef delta = new ObjectRef(FEEDS, "delta/delta-2026-11-28.csv");
            objects.put(delta, deltaFile, "text/csv");
            Completed applied = driver.run(new PlanRunCommand(RunSource.object(delta.bucket(), delta.key()), dataset,
                    DAY.plusDays(1), null, RunMode.DELTA, null, null), VerifyRunCommand::strict);

            assertThat(applied.planned().targetIndex()).as("a delta writes into the live alias").isEqualTo(alias);
            assertThat(applied.verified().succeeded()).as("%s", applied.verified().reason()).isTrue();
            assertThat(indices.aliasTargets(alias)).containsExactly(full.planned().targetIndex());
            indices.refresh(alias);
            assertThat(indices.count(alias)).isEqualTo(10_000 - 300);
            JsonNode totals = report(applied.verified()).at("/totals");
            assertThat(totals.get("read").asLong()).isEqualTo(changes.totalRows());
            assertThat(totals.get("indexed").asLong()).as("the updates").isEqualTo(500);
            assertThat(totals.get("deleted").asLong()).as("the deletes").isEqualTo(300);
            assertThat(totals.get("stale").asLong()).as("republished base records and older versions")
                    .isEqualTo(10_000 + 200);

            Changes rows = changesIn(deltaFile);
            assertThat(rows.updated()).hasSize(500);
            assertThat(rows.deleted()).hasSize(300);
            assertThat(rows.older()).hasSize(200);
            Map<String, String> deletedDocs = indices.sources(alias, List.copyOf(rows.deleted().keySet()));
            assertThat(deletedDocs).as("deleted ids are gone").isEmpty();
            Map<String, String> updatedDocs = indices.sources(alias, List.copyOf(rows.updated().keySet()));
            assertThat(updatedDocs).hasSize(500);
            for (Map.Entry<String, List<String>> e : rows.updated().entrySet()) {
                JsonNode doc = JSON.readTree(updatedDocs.get(e.getKey()));
                assertThat(fieldsOf(doc)).as("%s shows the update", e.getKey())
                        .isEqualTo(dataFields(e.getValue(), rows.header()));
                assertThat(doc.at("/ingest/run_id").asText()).isEqualTo(applied.planned().runId().value());
            }
            Map<String, String> olderDocs = indices.sources(alias, List.copyOf(rows.older().keySet()));
            assertThat(olderDocs).hasSize(200);
            for (Map.Entry<String, List<String>> e : rows.older().entrySet()) {
                JsonNode doc = JSON.readTree(olderDocs.get(e.getKey()));
                assertThat(fieldsOf(doc)).as("%s keeps the newer base record", e.getKey())
                        .isEqualTo(dataFields(rows.base().get(e.getKey()), rows.header()))
                        .isNotEqualTo(dataFields(e.getValue(), rows.header()));
                assertThat(doc.at("/ingest/run_id").asText()).isEqualTo(full.planned().runId().value());
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // 4. Failed chunks and a re-run
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void chunksThatFailAreNamedByVerificationAndARerunLoadsOnlyThemWithoutReadingCompletedChunksAgain()
            throws Exception {
        String dataset = dataset("fail");
        ChunkTrackingSink sink = new ChunkTrackingSink(search.sink());
        try (RunDriver driver = driver(sink, RunDriver.unlimited())) {
            ObjectRef source = upload("fail/2026-11-27.csv", options(12_000, 401));
            PlanRunResult planned = driver.plan(new PlanRunCommand(RunSource.object(source.bucket(), source.key()),
                    dataset, DAY, null, RunMode.FULL, null, 256L << 10));
            List<ManifestEntry> manifest = driver.manifest(planned);
            assertThat(manifest).hasSizeGreaterThanOrEqualTo(5);
            int k = manifest.size() - 2;
            sink.track(manifest);
            sink.refuseFromChunk(k);

            Loading first = driver.load(planned);

            List<Integer> failing = manifest.stream().map(ManifestEntry::chunk).filter(c -> c >= k).toList();
            assertThat(first.failed()).isEqualTo(failing);
            assertThat(first.chunks().get(k).failure().retryable()).isFalse();
            VerifyRunResult failed = driver.verify(VerifyRunCommand.strict(planned.runId()));
            assertThat(failed.succeeded()).isFalse();
            assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
            for (ManifestEntry e : manifest) {
                if (e.chunk() >= k) {
                    assertThat(failed.reason()).containsPattern("#" + e.chunk() + "\\b.*FAILED");
                } else {
                    assertThat(failed.reason()).doesNotContainPattern("#" + e.chunk() + "\\b");
                }
            }
            assertThat(runs.find(planned.runId()).orElseThrow().status()).isEqualTo(RunStatus.FAILED);
            assertThat(indices.aliasTargets(planned.alias())).as("a failed full run is not made live").isEmpty();

            sink.acceptAll();
            sink.resetCounts();
            PlanRunResult rerun = driver.plan(PlanRunCommand.rerun(planned.runId()));

            assertThat(rerun.created()).isTrue();
            assertThat(rerun.execution()).isEqualTo(2);
            assertThat(rerun.targetIndex()).isEqualTo(planned.targetIndex());
            List<ManifestEntry> again = driver.manifest(rerun);
            assertThat(again).as("only the failed chunks, as first planned")
                    .isEqualTo(manifest.stream().filter(e -> e.chunk() >= k).toList());
            Loading second = driver.load(rerun);

            assertThat(second.failed()).isEmpty();
            assertThat(second.completed()).isEqualTo(failing);
            Map<Integer, Long> expectedItems = again.stream()
                    .collect(Collectors.toMap(ManifestEntry::chunk, ManifestEntry::records));
            assertThat(sink.itemsSentPerChunk()).as("only the failed chunks are read and sent again")
                    .isEqualTo(expectedItems);
            assertThat(runs.chunkStates(planned.runId())).hasSize(manifest.size())
                    .allMatch(s -> s.status() == ChunkStatus.COMPLETED)
                    .allMatch(s -> s.attempts() == (s.key().chunk() >= k ? 2 : 1), "completed chunks claimed once");
            VerifyRunResult verified = driver.verify(VerifyRunCommand.strict(planned.runId()));
            assertThat(verified.succeeded()).as("%s", verified.reason()).isTrue();
            assertThat(verified.report().key()).endsWith("/execution-002.json");
            assertThat(indices.aliasTargets(planned.alias())).containsExactly(planned.targetIndex());
            assertThat(indices.count(planned.alias())).isEqualTo(12_000);
            assertThat(verified.totals().read()).isEqualTo(12_000);
            assertThat(verified.totals().indexed()).isEqualTo(12_000);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // 5. Duplicate trigger
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void aTriggerThatFiresTwiceGetsTheExistingRunAndPlansNothing() throws Exception {
        String dataset = dataset("dup");
        try (RunDriver driver = driver(search.sink(), RunDriver.unlimited())) {
            ObjectRef source = upload("dup/2026-11-27.csv", options(3_000, 501));
            PlanRunCommand trigger = new PlanRunCommand(RunSource.object(source.bucket(), source.key()), dataset, null,
                    Instant.parse("2026-11-27T02:00:00Z"), RunMode.FULL, null, 64L << 10);
            PlanRunResult planned = driver.plan(trigger);
            assertThat(planned.created()).isTrue();

            PlanRunResult duplicate = driver.plan(trigger);

            assertThat(duplicate.created()).isFalse();
            assertThat(duplicate.runId()).isEqualTo(planned.runId());
            assertThat(duplicate.status()).isEqualTo(RunStatus.RUNNING);
            assertThat(duplicate.manifest()).isEqualTo(planned.manifest());
            assertThat(duplicate.chunkCount()).isEqualTo(planned.chunkCount());
            assertThat(duplicate.execution()).isEqualTo(1);
            assertThat(keys(ARTIFACTS, "manifests/" + planned.runId().value() + "/")).hasSize(1);
            assertThat(runs.chunkDefinitions(planned.runId())).hasSize(planned.chunkCount());

            assertThat(driver.load(planned).failed()).isEmpty();
            VerifyRunResult verified = driver.verify(VerifyRunCommand.strict(planned.runId()));
            assertThat(verified.succeeded()).as("%s", verified.reason()).isTrue();

            PlanRunResult late = driver.plan(trigger);

            assertThat(late.created()).isFalse();
            assertThat(late.runId()).isEqualTo(planned.runId());
            assertThat(late.status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(keys(ARTIFACTS, "manifests/" + planned.runId().value() + "/")).hasSize(1);
            assertThat(runs.chunkStates(planned.runId())).hasSize(planned.chunkCount())
                    .allMatch(s -> s.status() == ChunkStatus.COMPLETED && s.attempts() == 1);
            assertThat(runs.find(planned.runId()).orElseThrow().executions()).isEqualTo(1);
            assertThat(indices.count(planned.alias())).isEqualTo(3_000);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // 6. Counts that do not match the plan
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void aChunkLoadedAgainstAWrongRecordCountFailsAndVerificationNamesItWithBothCounts() throws Exception {
        String dataset = dataset("miscount");
        try (RunDriver driver = driver(search.sink(), RunDriver.unlimited())) {
            ObjectRef source = upload("miscount/2026-11-27.csv", options(5_000, 601));
            PlanRunResult planned = driver.plan(new PlanRunCommand(RunSource.object(source.bucket(), source.key()),
                    dataset, DAY, null, RunMode.FULL, null, 128L << 10));
            List<ManifestEntry> manifest = driver.manifest(planned);
            assertThat(manifest).hasSizeGreaterThanOrEqualTo(3);
            ManifestEntry corrupted = manifest.get(1);
            long planned1 = corrupted.records();

            Loading loading = driver.load(manifest, command -> command.key().chunk() != 1 ? command
                    : withCount(command, command.range(), command.expectedRecords() + 1));

            assertThat(loading.failed()).containsExactly(1);
            assertThat(loading.chunks().get(1).failure().retryable()).isFalse();
            VerifyRunResult verified = driver.verify(VerifyRunCommand.strict(planned.runId()));

            assertThat(verified.succeeded()).isFalse();
            assertThat(verified.reason()).as("names the chunk, the records read and the records expected")
                    .containsPattern("#1\\b.*\\b" + planned1 + "\\b.*\\b" + (planned1 + 1) + "\\b");
            for (ManifestEntry other : manifest) {
                if (other.chunk() != 1) {
                    assertThat(verified.reason()).doesNotContainPattern("#" + other.chunk() + "\\b");
                }
            }
            assertThat(runs.find(planned.runId()).orElseThrow().reason()).isEqualTo(verified.reason());
            assertThat(indices.aliasTargets(planned.alias())).isEmpty();
        }
    }

    @Test
    void aChunkThatCompletedWithFewerRecordsThanPlannedFailsVerificationNamingItWithBothCounts() throws Exception {
        String dataset = dataset("shortcount");
        try (RunDriver driver = driver(search.sink(), RunDriver.unlimited())) {
            ObjectRef source = upload("shortcount/2026-11-27.csv", options(5_000, 701));
            PlanRunResult planned = driver.plan(new PlanRunCommand(RunSource.object(source.bucket(), source.key()),
                    dataset, DAY, null, RunMode.FULL, null, 128L << 10));
            List<ManifestEntry> manifest = driver.manifest(planned);
            assertThat(manifest).hasSizeGreaterThanOrEqualTo(3);
            ManifestEntry shortened = manifest.get(1);
            long lastRecordStart = lastRecordStart(shortened);

            // the loader is handed a range without the chunk's last record and told to expect one record fewer
            Loading loading = driver.load(manifest, command -> command.key().chunk() != 1 ? command
                    : withCount(command, new ByteRange(command.range().start(), lastRecordStart),
                    command.expectedRecords() - 1));

            assertThat(loading.failed()).isEmpty();
            assertThat(loading.chunks().get(1).calls().get(0).counters().read()).isEqualTo(shortened.records() - 1);
            VerifyRunResult verified = driver.verify(VerifyRunCommand.strict(planned.runId()));

            assertThat(verified.succeeded()).isFalse();
            assertThat(verified.reason()).as("names the chunk, the records read and the records planned")
                    .containsPattern("#1\\b.*\\b" + (shortened.records() - 1) + "\\b.*\\b" + shortened.records()
                            + "\\b");
            for (ManifestEntry other : manifest) {
                if (other.chunk() != 1) {
                    assertThat(verified.reason()).doesNotContainPattern("#" + other.chunk() + "\\b");
                }
            }
            assertThat(verified.totals().read()).isEqualTo(5_000 - 1);
            assertThat(indices.aliasTargets(planned.alias())).isEmpty();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Helpers
    // ---------------------------------------------------------------------------------------------------------

    /** This test class's name for a dataset: its own alias, its own indices. */
    private static String dataset(String name) {
        return TAG + "-" + name;
    }

    private static RunDriver driver(SearchSink sink, Supplier<TimeBudget> budget) {
        PlanRunService planner = new PlanRunService(objects, runs, indices, datasets,
                new PlanRunSettings(ARTIFACTS, ZoneOffset.UTC, 64L << 20), Clock.systemUTC());
        LoadChunkService loader = new LoadChunkService(objects, ledger, sink, datasets, LOAD, Clock.systemUTC());
        VerifyRunService verifier = new VerifyRunService(objects, runs, indices, datasets, ARTIFACTS,
                Clock.systemUTC());
        return new RunDriver(planner, loader, verifier, objects, ARTIFACTS, PARALLEL_CHUNKS, budget);
    }

    private static SampleOptions options(long records, long seed) {
        return SampleOptions.builder().records(records).seed(seed).build();
    }

    private static byte[] generate(SampleOptions options) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new InstrumentSampleGenerator(options).writeTo(out);
        return out.toByteArray();
    }

    private static ObjectRef upload(String key, SampleOptions options) throws IOException {
        ObjectRef ref = new ObjectRef(FEEDS, key);
        objects.put(ref, generate(options), "text/csv");
        return ref;
    }

    private static PlanRunCommand full(ObjectRef source, String dataset, LocalDate date) {
        return new PlanRunCommand(RunSource.object(source.bucket(), source.key()), dataset, date, null, RunMode.FULL,
                null, null);
    }

    private static JsonNode report(VerifyRunResult verified) throws IOException {
        assertThat(verified.report()).as("a report is written").isNotNull();
        try (InputStream in = objects.open(verified.report())) {
            return JSON.readTree(in);
        }
    }

    private static List<String> keys(String bucket, String prefix) {
        try (var listed = objects.list(bucket, prefix)) {
            return listed.map(ObjectInfo::ref).map(ObjectRef::key).toList();
        }
    }

    private static LoadChunkCommand withCount(LoadChunkCommand c, ByteRange range, long expectedRecords) {
        return new LoadChunkCommand(c.key(), c.object(), range, c.firstLine(), expectedRecords, c.dataset(),
                c.columns(), c.index(), c.rejectsBucket(), c.owner());
    }

    private static long lastRecordStart(ManifestEntry entry) throws IOException {
        long last = -1;
        try (InputStream in = objects.openRange(entry.object(), entry.range());
             ChunkRecordReader reader = new ChunkRecordReader(in, datasets.get(entry.dataset()).dialect(),
                     entry.range().start(), entry.firstLine())) {
            CsvRecord r;
            while ((r = reader.next()) != null) {
                last = r.offset();
            }
        }
        assertThat(last).isGreaterThan(entry.range().start());
        return last;
    }

    /**
     * Cuts a generated CSV file into {@code parts} objects of about equal size under {@code prefix}, each with the
     * header, cut only between records (a line break outside quotes, RFC 4180); the last one gzipped if asked.
     */
    private static List<ObjectRef> uploadSplit(byte[] csv, String prefix, int parts, boolean gzipLast)
            throws IOException {
        List<Integer> recordEnds = new ArrayList<>();
        int headerEnd = -1;
        boolean quoted = false;
        int nextCut = 1;
        for (int i = 0; i < csv.length; i++) {
            byte b = csv[i];
            if (b == '"') {
                quoted = !quoted;
            } else if (b == '\n' && !quoted) {
                if (headerEnd < 0) {
                    headerEnd = i + 1;
                } else if (nextCut < parts
                        && i + 1 >= headerEnd + (long) (csv.length - headerEnd) * nextCut / parts) {
                    recordEnds.add(i + 1);
                    nextCut++;
                }
            }
        }
        recordEnds.add(csv.length);
        List<ObjectRef> refs = new ArrayList<>();
        int from = headerEnd;
        for (int p = 0; p < parts; p++) {
            int to = recordEnds.get(p);
            boolean gzip = gzipLast && p == parts - 1;
            ObjectRef ref = new ObjectRef(FEEDS, prefix + "part-" + (p + 1) + (gzip ? ".csv.gz" : ".csv"));
            ObjectStore.ObjectUpload upload = objects.startUpload(ref, gzip ? "application/gzip" : "text/csv");
            try {
                OutputStream out = gzip ? new GZIPOutputStream(upload, 1 << 16) : upload;
                out.write(csv, 0, headerEnd);
                out.write(csv, from, to - from);
                out.close(); // publishes the object
            } catch (IOException | RuntimeException e) {
                upload.abort();
                throw e;
            }
            refs.add(ref);
            from = to;
        }
        return refs;
    }

    /** The rows of a delta file by kind, each as its fields; {@code header} gives the columns. */
    private record Changes(List<String> header, Map<String, List<String>> base, Map<String, List<String>> updated,
                           Map<String, List<String>> deleted, Map<String, List<String>> older) {
    }

    /** Sorts the rows of a generated delta file: an id's first row is its base record, a second one a change. */
    private static Changes changesIn(byte[] file) throws IOException {
        List<String> header;
        Map<String, List<String>> base = new HashMap<>();
        Map<String, List<String>> updated = new LinkedHashMap<>();
        Map<String, List<String>> deleted = new LinkedHashMap<>();
        Map<String, List<String>> older = new LinkedHashMap<>();
        try (ChunkRecordReader reader = new ChunkRecordReader(new ByteArrayInputStream(file),
                datasets.get(dataset("delta")).dialect(), 0, 1)) {
            header = reader.next().fields();
            int id = header.indexOf("isin");
            int version = header.indexOf("updated_at");
            int op = header.indexOf("op");
            CsvRecord r;
            while ((r = reader.next()) != null) {
                List<String> row = r.fields();
                List<String> earlier = base.putIfAbsent(row.get(id), row);
                if (earlier == null) {
                    continue;
                }
                if (row.get(op).equals("delete")) {
                    deleted.put(row.get(id), row);
                } else if (Instant.parse(row.get(version)).isAfter(Instant.parse(earlier.get(version)))) {
                    updated.put(row.get(id), row);
                } else {
                    older.put(row.get(id), row);
                }
            }
        }
        return new Changes(header, base, updated, deleted, older);
    }

    /** A row's data fields by column, the op column left out, empty cells as absent. */
    private static Map<String, String> dataFields(List<String> row, List<String> header) {
        Map<String, String> fields = new HashMap<>();
        for (String column : InstrumentSampleGenerator.COLUMNS) {
            String value = row.get(header.indexOf(column));
            if (!value.isEmpty()) {
                fields.put(column, value);
            }
        }
        return fields;
    }

    /** A document's data fields by column, as text (coupons normalised to the CSV's plain form). */
    private static Map<String, String> fieldsOf(JsonNode doc) {
        Map<String, String> fields = new HashMap<>();
        for (String column : InstrumentSampleGenerator.COLUMNS) {
            JsonNode value = doc.get(column);
            if (value != null) {
                fields.put(column, value.isNumber() ? value.decimalValue().toPlainString() : value.asText());
            }
        }
        return fields;
    }

    /** What a reader counting through the alias saw while a verification ran. */
    private record Observed(VerifyRunResult verified, List<Long> counts, List<Throwable> errors, int duringVerify) {

        void assertAlwaysAnswered(long before, long after) {
            assertThat(errors).as("the alias always answered").isEmpty();
            assertThat(duringVerify).as("counts taken while the verification ran").isPositive();
            assertThat(counts).as("never missing, never empty: the old index or the new one")
                    .isNotEmpty().allMatch(c -> c == before || c == after);
            int firstNew = counts.indexOf(after);
            assertThat(counts.get(0)).isEqualTo(before);
            assertThat(firstNew).as("the new index became visible").isPositive();
            assertThat(counts.subList(firstNew, counts.size())).as("and stayed").containsOnly(after);
        }
    }

    /**
     * Verifies while a reader counts through the alias without pause: from one answer before the verification
     * starts until a few after it ends.
     */
    private static Observed verifyWhileCounting(RunDriver driver, VerifyRunCommand command, String alias)
            throws InterruptedException {
        List<Long> counts = Collections.synchronizedList(new ArrayList<>());
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        // stopped by a flag, not an interrupt: an interrupt cancels the request in flight (the pool's lease
        // throws CancellationException), which would be recorded as the alias not answering
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread reader = new Thread(() -> {
            while (!stop.get()) {
                try {
                    counts.add(indices.count(alias));
                } catch (RuntimeException e) {
                    errors.add(e);
                }
            }
        }, "alias-reader");
        reader.setDaemon(true);
        reader.start();
        VerifyRunResult verified;
        int before;
        int after;
        try {
            awaitAnswers(counts, errors, 1);
            before = counts.size() + errors.size();
            verified = driver.verify(command);
            after = counts.size() + errors.size();
            awaitAnswers(counts, errors, after + 5);
        } finally {
            stop.set(true);
            reader.join(30_000);
        }
        LOG.info("{} counts through {} while {} was verified, {} in all", after - before, alias, command.run(),
                counts.size() + errors.size());
        synchronized (counts) {
            return new Observed(verified, List.copyOf(counts), List.copyOf(errors), after - before);
        }
    }

    private static void awaitAnswers(List<Long> counts, List<Throwable> errors, int answers)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (counts.size() + errors.size() < answers) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the alias reader got no answer for 30 s");
            }
            Thread.sleep(5);
        }
    }
}
