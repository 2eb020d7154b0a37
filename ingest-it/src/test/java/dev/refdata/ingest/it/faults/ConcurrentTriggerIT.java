package dev.refdata.ingest.it.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refdata.ingest.core.domain.ChunkStatus;
import dev.refdata.ingest.core.domain.RunRecord;
import dev.refdata.ingest.core.domain.RunStatus;
import dev.refdata.ingest.core.load.LoadChunkService;
import dev.refdata.ingest.core.port.in.PlanRunResult;
import dev.refdata.ingest.core.port.in.VerifyRunResult;
import dev.refdata.ingest.core.port.out.SearchSink;
import dev.refdata.ingest.core.sample.SampleOptions;
import dev.refdata.ingest.it.lifecycle.RunDriver;
import dev.refdata.ingest.it.lifecycle.RunDriver.ManifestEntry;
import dev.refdata.ingest.it.support.PipelineFixture;
import dev.refdata.ingest.it.support.TestServices;
import dev.refdata.ingest.lambda.loader.LoaderErrors;
import dev.refdata.ingest.lambda.loader.LoaderHandler;
import dev.refdata.ingest.statemachine.ExecutionResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fault 6: two loaders on one chunk at once, and a nightly trigger that fires twice at once. Each time one wins,
 * the other gets a clear answer (busy, already done, or "the run exists already"), and no record is sent twice.
 */
class ConcurrentTriggerIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static FaultPipeline pipeline;
    private static PipelineFixture fixture;

    @BeforeAll
    static void services() {
        pipeline = FaultPipeline.create("race");
        fixture = pipeline.fixture();
    }

    @AfterAll
    static void close() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    /** A sink that counts the items it was asked to write. */
    private static SearchSink counting(AtomicLong items) {
        SearchSink real = fixture.search().sink();
        return (index, body) -> {
            items.addAndGet(body.items());
            return real.bulk(index, body);
        };
    }

    /** What one loader invocation answered: its output's outcome, or the error's class name. */
    private static String invoke(LoaderHandler handler, ManifestEntry entry, CyclicBarrier start) throws Exception {
        start.await();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            handler.handleRequest(new ByteArrayInputStream(FaultPipeline.loaderInput(entry)), out, null);
        } catch (LoaderErrors.ChunkBusy e) {
            assertThat(e.getMessage()).as("the busy answer names the chunk and the holder").contains("#" + entry.chunk());
            return "ChunkBusy";
        }
        JsonNode response = JSON.readTree(out.toByteArray());
        return response.get("outcome").asText();
    }

    @Test
    void twoLoadersInvokedOnEachChunkAtOnceLoadItOnceAndTheLoserIsToldItIsBusyOrDone() throws Exception {
        String key = "loaders/instruments.csv";
        byte[] csv = pipeline.upload(key, SampleOptions.builder().records(20_000).seed(61).build());
        ExactIndex.Expected expected = ExactIndex.of(csv, fixture.datasets().get(pipeline.dataset()));
        AtomicLong sentByA = new AtomicLong();
        AtomicLong sentByB = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (RunDriver driver = pipeline.driver();
             LoadChunkService a = new LoadChunkService(fixture.objects(), fixture.ledger(), counting(sentByA),
                     fixture.datasets(), FaultPipeline.smallSteps(), Clock.systemUTC());
             LoadChunkService b = new LoadChunkService(fixture.objects(), fixture.ledger(), counting(sentByB),
                     fixture.datasets(), FaultPipeline.smallSteps(), Clock.systemUTC())) {
            LoaderHandler loaderA = new LoaderHandler(a, fixture.artifacts());
            LoaderHandler loaderB = new LoaderHandler(b, fixture.artifacts());
            PlanRunResult planned = driver.plan(pipeline.fullRun(key, csv.length / 3 + 1));
            List<ManifestEntry> manifest = driver.manifest(planned);
            assertThat(manifest).hasSizeGreaterThanOrEqualTo(3);

            for (ManifestEntry entry : manifest) {
                CyclicBarrier start = new CyclicBarrier(2);
                List<Callable<String>> racers = List.of(() -> invoke(loaderA, entry, start),
                        () -> invoke(loaderB, entry, start));
                List<String> outcomes = new ArrayList<>();
                for (Future<String> f : pool.invokeAll(racers)) {
                    outcomes.add(f.get());
                }
                assertThat(outcomes).as("chunk %d", entry.chunk()).containsOnlyOnce("COMPLETED")
                        .containsAnyOf("ChunkBusy", "ALREADY_COMPLETED");
            }

            assertThat(sentByA.get() + sentByB.get()).as("every record sent exactly once, by one of the two")
                    .isEqualTo(expected.records());
            assertThat(fixture.runs().chunkStates(planned.runId()))
                    .allMatch(s -> s.status() == ChunkStatus.COMPLETED && s.attempts() == 1, "claimed once each");
            VerifyRunResult verified = pipeline.verify(driver, planned);
            assertThat(verified.succeeded()).as("%s", verified.reason()).isTrue();
            ExactIndex.assertReportAccounts(fixture.objects(), verified.report(), expected);
            assertThat(verified.totals().indexed()).as("indexed once each, none stale")
                    .isEqualTo(expected.records());
            ExactIndex.assertExact(TestServices.endpoints().openSearchUrl(), planned.alias(), expected);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aNightlyTriggerThatFiresTwiceAtOnceStartsOneRunAndTheOtherExecutionLoadsNothing() throws Exception {
        String key = "nightly/instruments.csv";
        byte[] csv = pipeline.upload(key, SampleOptions.builder().records(15_000).seed(62).build());
        ExactIndex.Expected expected = ExactIndex.of(csv, fixture.datasets().get(pipeline.dataset()));
        StateMachineRunner machine = new StateMachineRunner(pipeline);
        LocalDate date = FaultPipeline.DAY.plusDays(1);
        ObjectNode trigger = machine.fullRunOf(key, date, csv.length / 3 + 1);
        AtomicLong sentByFirst = new AtomicLong();
        AtomicLong sentBySecond = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<ExecutionResult> results = new ArrayList<>();
        try {
            CyclicBarrier start = new CyclicBarrier(2);
            List<Callable<ExecutionResult>> executions = List.of(
                    () -> {
                        start.await();
                        return machine.execute(trigger.deepCopy(), counting(sentByFirst), FaultPipeline.smallSteps());
                    },
                    () -> {
                        start.await();
                        return machine.execute(trigger.deepCopy(), counting(sentBySecond), FaultPipeline.smallSteps());
                    });
            for (Future<ExecutionResult> f : pool.invokeAll(executions)) {
                results.add(f.get());
            }
        } finally {
            pool.shutdownNow();
        }

        int winner = sentByFirst.get() > 0 ? 0 : 1;
        ExecutionResult won = results.get(winner);
        ExecutionResult lost = results.get(1 - winner);
        assertThat(won.status()).as("%s: %s", won.error(), won.cause()).isEqualTo(ExecutionResult.SUCCEEDED);
        assertThat(List.of(sentByFirst.get(), sentBySecond.get())).as("one execution loaded everything, the other nothing")
                .containsExactlyInAnyOrder(expected.records(), 0L);
        boolean toldItExists = ExecutionResult.FAILED.equals(lost.status()) && "RunExistsAlready".equals(lost.error());
        boolean toldItSucceeded = ExecutionResult.SUCCEEDED.equals(lost.status());
        assertThat(toldItExists || toldItSucceeded)
                .as("the duplicate is told the run exists (or succeeded already): %s %s %s", lost.status(),
                        lost.error(), lost.cause()).isTrue();

        RunRecord run = fixture.runs().recent(20).stream()
                .filter(r -> r.dataset().equals(pipeline.dataset()) && r.businessDate().equals(date))
                .findFirst().orElseThrow();
        assertThat(fixture.runs().find(run.id()).orElseThrow().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(fixture.runs().find(run.id()).orElseThrow().executions()).as("planned once").isEqualTo(1);
        assertThat(fixture.runs().chunkStates(run.id())).allMatch(s -> s.attempts() == 1, "each chunk claimed once");
        ExactIndex.assertReportAccounts(fixture.objects(), pipeline.report(run.id(), 1), expected);
        ExactIndex.assertExact(TestServices.endpoints().openSearchUrl(), run.alias(), expected);
    }
}
