package dev.refdata.ingest.it.faults;

import dev.refdata.ingest.core.domain.ChunkKey;
import dev.refdata.ingest.core.domain.ChunkState;
import dev.refdata.ingest.core.domain.ChunkStatus;
import dev.refdata.ingest.core.load.LoadChunkService;
import dev.refdata.ingest.core.port.in.ChunkBusyException;
import dev.refdata.ingest.core.port.in.LoadChunkUseCase.TimeBudget;
import dev.refdata.ingest.core.port.in.PlanRunCommand;
import dev.refdata.ingest.core.port.in.PlanRunResult;
import dev.refdata.ingest.core.port.in.VerifyRunResult;
import dev.refdata.ingest.core.sample.SampleOptions;
import dev.refdata.ingest.it.lifecycle.RunDriver;
import dev.refdata.ingest.it.lifecycle.RunDriver.ChunkLoad;
import dev.refdata.ingest.it.lifecycle.RunDriver.Loading;
import dev.refdata.ingest.it.lifecycle.RunDriver.ManifestEntry;
import dev.refdata.ingest.it.support.PipelineFixture;
import dev.refdata.ingest.it.support.ServiceEndpoints;
import dev.refdata.ingest.it.support.TestServices;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Fault 3: the loader's process is killed (SIGKILL) in the middle of a chunk, after some checkpoints. Its lease
 * keeps every other loader off the chunk until it expires; then the re-run resumes from the last checkpoint, reads
 * only the rest, and the run ends exact.
 */
class LoaderKilledIT {

    private static final int RECORDS = 20_000;
    private static final Duration LEASE = Duration.ofSeconds(5);
    private static final Duration CHECKPOINT_WAIT = Duration.ofSeconds(90);

    private static FaultPipeline pipeline;
    private static PipelineFixture fixture;

    @BeforeAll
    static void services() {
        pipeline = FaultPipeline.create("killedloader");
        fixture = pipeline.fixture();
    }

    @AfterAll
    static void close() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    private static Process startLoaderProcess(ManifestEntry entry, Path work) throws IOException {
        ServiceEndpoints services = TestServices.endpoints();
        Properties p = new Properties();
        p.setProperty("region", services.region());
        p.setProperty("accessKeyId", services.credentials().accessKeyId());
        p.setProperty("secretAccessKey", services.credentials().secretAccessKey());
        p.setProperty("s3", services.s3Endpoint().toString());
        p.setProperty("dynamodb", services.dynamoDbEndpoint().toString());
        p.setProperty("opensearch", services.openSearchUrl().toString());
        p.setProperty("table", pipeline.table());
        p.setProperty("artifacts", fixture.artifacts());
        p.setProperty("specs", fixture.specsDirectory().toString());
        p.setProperty("leaseSeconds", Long.toString(LEASE.toSeconds()));
        p.setProperty("bulkDelayMillis", "150");
        Path settings = work.resolve("loader.properties");
        try (Writer out = Files.newBufferedWriter(settings)) {
            p.store(out, "services of the test run");
        }
        Path input = Files.write(work.resolve("input.json"), FaultPipeline.loaderInput(entry));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), LoaderProcess.class.getName(),
                settings.toString(), input.toString())
                .redirectErrorStream(true)
                .redirectOutput(TestServices.servicesDirectory().resolve("loader-process.log").toFile())
                .start();
    }

    /** Waits until the ledger shows a checkpoint of the chunk past its start. */
    private static ChunkState awaitCheckpoint(ChunkKey key, Process loader) throws InterruptedException {
        Instant deadline = Instant.now().plus(CHECKPOINT_WAIT);
        while (Instant.now().isBefore(deadline)) {
            assertThat(loader.isAlive()).as("the loader process is still loading (see loader-process.log)").isTrue();
            Optional<ChunkState> state = fixture.ledger().find(key);
            if (state.isPresent() && state.get().checkpoint().counters().read() > 0) {
                return state.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no checkpoint of " + key + " within " + CHECKPOINT_WAIT);
    }

    @Test
    void aLoaderKilledAfterSomeCheckpointsHoldsTheChunkUntilItsLeaseEndsAndTheRerunResumesFromTheCheckpoint()
            throws Exception {
        String key = "killed/instruments.csv";
        byte[] csv = pipeline.upload(key, SampleOptions.builder().records(RECORDS).seed(31).build());
        ExactIndex.Expected expected = ExactIndex.of(csv, fixture.datasets().get(pipeline.dataset()));
        Path work = Files.createTempDirectory("loader-process");
        LoadChunkService rescuer = new LoadChunkService(fixture.objects(), fixture.ledger(), fixture.search().sink(),
                fixture.datasets(), FaultPipeline.smallSteps().withLease(LEASE, Duration.ofSeconds(1)),
                Clock.systemUTC());
        try (RunDriver driver = pipeline.driver(rescuer, 1)) {
            PlanRunResult planned = driver.plan(pipeline.fullRun(key, 64L << 20));
            List<ManifestEntry> manifest = driver.manifest(planned);
            assertThat(manifest).hasSize(1);
            ManifestEntry entry = manifest.get(0);

            Process loader = startLoaderProcess(entry, work);
            try {
                awaitCheckpoint(entry.key(), loader);
            } finally {
                loader.destroyForcibly();
                loader.waitFor();
            }

            ChunkState left = fixture.ledger().find(entry.key()).orElseThrow();
            assertThat(left.status()).isEqualTo(ChunkStatus.RUNNING);
            long checkpointed = left.checkpoint().counters().read();
            assertThat(checkpointed).as("killed mid-chunk").isPositive().isLessThan(RECORDS);
            assertThatThrownBy(() -> rescuer.load(entry.command(fixture.artifacts(), "too-early"), TimeBudget.UNLIMITED))
                    .as("the dead loader's lease still holds the chunk").isInstanceOf(ChunkBusyException.class);
            VerifyRunResult incomplete = pipeline.verify(driver, planned);
            assertThat(incomplete.succeeded()).isFalse();

            Thread.sleep(Math.max(0, Duration.between(Instant.now(), left.leaseUntil()).toMillis()) + 300);
            PlanRunResult rerun = driver.plan(PlanRunCommand.rerun(planned.runId()));
            Loading second = driver.load(rerun);

            assertThat(second.failed()).isEmpty();
            ChunkLoad resumed = second.chunks().get(0);
            assertThat(resumed.calls().get(0).resumedFrom()).isEqualTo(left.checkpoint());
            assertThat(resumed.readByAllCalls()).as("only what came after the checkpoint is read again")
                    .isEqualTo(RECORDS - checkpointed);
            VerifyRunResult verified = pipeline.verify(driver, rerun);
            assertThat(verified.succeeded()).as("%s", verified.reason()).isTrue();
            ExactIndex.assertReportAccounts(fixture.objects(), verified.report(), expected);
            ExactIndex.assertExact(TestServices.endpoints().openSearchUrl(), planned.alias(), expected);
        }
    }
}
