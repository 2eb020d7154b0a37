package dev.refdata.ingest.it.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.domain.RunId;
import dev.refdata.ingest.core.domain.RunMode;
import dev.refdata.ingest.core.domain.RunSource;
import dev.refdata.ingest.core.load.LoadSettings;
import dev.refdata.ingest.core.port.in.LoadChunkUseCase;
import dev.refdata.ingest.core.port.in.PlanRunCommand;
import dev.refdata.ingest.core.port.in.PlanRunResult;
import dev.refdata.ingest.core.port.in.VerifyRunCommand;
import dev.refdata.ingest.core.port.in.VerifyRunResult;
import dev.refdata.ingest.core.port.out.IndexAdmin;
import dev.refdata.ingest.core.sample.InstrumentSampleGenerator;
import dev.refdata.ingest.core.sample.SampleOptions;
import dev.refdata.ingest.core.service.PlanRunService;
import dev.refdata.ingest.core.service.PlanRunSettings;
import dev.refdata.ingest.core.service.VerifyRunService;
import dev.refdata.ingest.it.lifecycle.RunDriver;
import dev.refdata.ingest.it.lifecycle.RunDriver.ManifestEntry;
import dev.refdata.ingest.it.support.PipelineFixture;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/**
 * A fault test's own pipeline on the shared services ({@link PipelineFixture}): one dataset, its feeds and
 * artifacts buckets and run table, and the planner and verifier on them, so that a test only brings the loader
 * (with its fault) and drives a run with {@link RunDriver}.
 */
final class FaultPipeline implements AutoCloseable {

    static final LocalDate DAY = LocalDate.of(2026, 11, 27);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PipelineFixture fixture;
    private final String dataset;

    private FaultPipeline(PipelineFixture fixture, String dataset) {
        this.fixture = fixture;
        this.dataset = dataset;
    }

    /** The run table (DynamoDB). */
    String table() {
        return dataset + "-runs";
    }

    /** A pipeline whose names all start with {@code tag} (lower case letters and digits). */
    static FaultPipeline create(String tag) {
        String unique = tag + UUID.randomUUID().toString().substring(0, 6);
        return new FaultPipeline(PipelineFixture.create(unique, unique + "-feeds", unique + "-artifacts",
                unique + "-runs", List.of(unique)), unique);
    }

    PipelineFixture fixture() {
        return fixture;
    }

    String dataset() {
        return dataset;
    }

    IndexAdmin indices() {
        return fixture.indices();
    }

    /** Generates a sample file, stores it in the feeds bucket, and returns its bytes. */
    byte[] upload(String key, SampleOptions options) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            new InstrumentSampleGenerator(options).writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        fixture.objects().put(new ObjectRef(fixture.feeds(), key), out.toByteArray(), "text/csv");
        return out.toByteArray();
    }

    /** A full run of one object, in chunks of about {@code chunkBytes}. */
    PlanRunCommand fullRun(String key, long chunkBytes) {
        return fullRun(key, chunkBytes, DAY);
    }

    /** A full run of one object for {@code date} (the run id is made of dataset, date and mode). */
    PlanRunCommand fullRun(String key, long chunkBytes, LocalDate date) {
        return new PlanRunCommand(RunSource.object(fixture.feeds(), key), dataset, date, null, RunMode.FULL, null,
                chunkBytes);
    }

    PlanRunService planner() {
        return planner(fixture.indices());
    }

    /** A planner that prepares indices through {@code indices} (another cluster than the shared one). */
    PlanRunService planner(IndexAdmin indices) {
        return new PlanRunService(fixture.objects(), fixture.runs(), indices, fixture.datasets(),
                new PlanRunSettings(fixture.artifacts(), ZoneOffset.UTC, 64L << 20), Clock.systemUTC());
    }

    VerifyRunService verifier() {
        return verifier(fixture.indices());
    }

    VerifyRunService verifier(IndexAdmin indices) {
        return new VerifyRunService(fixture.objects(), fixture.runs(), indices, fixture.datasets(),
                fixture.artifacts(), Clock.systemUTC());
    }

    /** A driver whose loader is {@code loader}, loading {@code parallelism} chunks at once without a time limit. */
    RunDriver driver(LoadChunkUseCase loader, int parallelism) {
        return driver(loader, parallelism, fixture.indices());
    }

    /** As {@link #driver(LoadChunkUseCase, int)}, planning and verifying on the cluster of {@code indices}. */
    RunDriver driver(LoadChunkUseCase loader, int parallelism, IndexAdmin indices) {
        return new RunDriver(planner(indices), loader, verifier(indices), fixture.objects(), fixture.artifacts(),
                parallelism, RunDriver.unlimited());
    }

    /** A driver that only plans, reads manifests and verifies; the test invokes the loader itself. */
    RunDriver driver() {
        return driver((command, budget) -> {
            throw new UnsupportedOperationException("this driver does not load; the test invokes the loader");
        }, 1);
    }

    /** Zero rejects tolerated. */
    VerifyRunResult verify(RunDriver driver, PlanRunResult planned) {
        return driver.verify(VerifyRunCommand.strict(planned.runId()));
    }

    /** The run report the verifier wrote when it closed execution {@code execution} of {@code run}. */
    ObjectRef report(RunId run, int execution) {
        return new ObjectRef(fixture.artifacts(), String.format("reports/%s/execution-%03d.json", run.value(),
                execution));
    }

    /** Small requests and frequent checkpoints, so that a few ten thousand records make many of both. */
    static LoadSettings smallSteps() {
        return LoadSettings.DEFAULTS.withMaxBulkItems(1_000).withCheckpointRecords(2_000);
    }

    /** The loader Lambda's input for a manifest entry, as the state machine passes it. */
    static byte[] loaderInput(ManifestEntry entry) {
        ObjectNode input = JSON.createObjectNode();
        input.put("runId", entry.run().value());
        input.put("chunk", entry.chunk());
        input.put("bucket", entry.object().bucket());
        input.put("key", entry.object().key());
        input.put("start", entry.range().start());
        input.put("end", entry.range().end());
        input.put("firstLine", entry.firstLine());
        input.put("records", entry.records());
        input.put("dataset", entry.dataset());
        entry.columns().forEach(input.putArray("columns")::add);
        input.put("index", entry.index());
        return input.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        fixture.close();
    }
}
