package dev.refdata.ingest.it.faults;

import dev.refdata.ingest.adapter.opensearch.OpenSearchClientSettings;
import dev.refdata.ingest.adapter.opensearch.OpenSearchHttpClient;
import dev.refdata.ingest.adapter.opensearch.OpenSearchSinks;
import dev.refdata.ingest.core.domain.ChunkStatus;
import dev.refdata.ingest.core.load.LoadChunkService;
import dev.refdata.ingest.core.load.LoadSettings;
import dev.refdata.ingest.core.port.in.PlanRunCommand;
import dev.refdata.ingest.core.port.in.PlanRunResult;
import dev.refdata.ingest.core.port.in.VerifyRunResult;
import dev.refdata.ingest.core.sample.SampleOptions;
import dev.refdata.ingest.it.lifecycle.RunDriver;
import dev.refdata.ingest.it.lifecycle.RunDriver.Loading;
import dev.refdata.ingest.it.support.PipelineFixture;
import dev.refdata.ingest.it.support.TestServices;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fault 5: a cluster that sheds load. Sustained rejections, for a whole request ({@code 429
 * circuit_breaking_exception} from the parent breaker) and per item ({@code 429 es_rejected_execution_exception}),
 * answered by an HTTP front of OpenSearch to the real client, are backed off and retried to success; when they
 * outlast the retry cap, the chunk fails with a reason that says so, and its re-run ends exact.
 * (OpenSearchBackpressureIT and LoadChunkIT provoke real 429s from a node with a one-slot write queue; here the
 * storm lasts as long as the test says, and includes the circuit breaker.)
 */
class RejectionStormIT {

    private static FaultPipeline pipeline;
    private static PipelineFixture fixture;
    private static SheddingOpenSearchFront front;
    private static OpenSearchHttpClient throughFront;

    @BeforeAll
    static void services() {
        pipeline = FaultPipeline.create("storm");
        fixture = pipeline.fixture();
        front = SheddingOpenSearchFront.to(TestServices.endpoints().openSearchUrl());
        throughFront = OpenSearchSinks.create(OpenSearchClientSettings.builder(front.uri()).build());
    }

    @AfterAll
    static void close() {
        try {
            if (throughFront != null) {
                throughFront.close();
            }
            if (front != null) {
                front.close();
            }
        } finally {
            if (pipeline != null) {
                pipeline.close();
            }
        }
    }

    private static LoadChunkService loader(LoadSettings settings) {
        return new LoadChunkService(fixture.objects(), fixture.ledger(), throughFront.sink(), fixture.datasets(),
                settings, Clock.systemUTC());
    }

    @Test
    void sustainedCircuitBreakerAndQueueRejectionsAreBackedOffAndRetriedToSuccess() throws Exception {
        String key = "weather/instruments.csv";
        byte[] csv = pipeline.upload(key, SampleOptions.builder().records(10_000).seed(51).build());
        ExactIndex.Expected expected = ExactIndex.of(csv, fixture.datasets().get(pipeline.dataset()));
        LoadSettings patient = FaultPipeline.smallSteps().withRetries(30, Duration.ofMillis(20),
                Duration.ofMillis(200), Duration.ofMinutes(2));
        try (RunDriver driver = pipeline.driver(loader(patient), 2)) {
            PlanRunResult planned = driver.plan(pipeline.fullRun(key, csv.length / 2 + 1));
            front.storm(24);

            Loading loading = driver.load(planned);

            assertThat(loading.failed()).isEmpty();
            assertThat(front.breakerRejections()).as("circuit breaker refusals").isEqualTo(12);
            assertThat(front.queueRejections()).as("requests with every item rejected").isEqualTo(12);
            VerifyRunResult verified = pipeline.verify(driver, planned);
            assertThat(verified.succeeded()).as("%s", verified.reason()).isTrue();
            assertThat(verified.totals().retries()).as("rejected items were sent again").isPositive();
            ExactIndex.assertReportAccounts(fixture.objects(), verified.report(), expected);
            assertThat(verified.totals().indexed()).as("nothing reached the index twice").isEqualTo(expected.records());
            ExactIndex.assertExact(TestServices.endpoints().openSearchUrl(), planned.alias(), expected);
        }
    }

    @Test
    void aStormThatOutlastsTheRetryCapFailsTheChunkWithAClearReasonAndTheRerunIsExact() throws Exception {
        String key = "gale/instruments.csv";
        byte[] csv = pipeline.upload(key, SampleOptions.builder().records(10_000).seed(52).build());
        ExactIndex.Expected expected = ExactIndex.of(csv, fixture.datasets().get(pipeline.dataset()));
        LoadSettings capped = FaultPipeline.smallSteps().withRetries(4, Duration.ofMillis(10),
                Duration.ofMillis(50), Duration.ofMinutes(1));
        try (RunDriver driver = pipeline.driver(loader(capped), 2)) {
            PlanRunResult planned = driver.plan(pipeline.fullRun(key, csv.length / 2 + 1,
                    FaultPipeline.DAY.plusDays(2)));
            front.storm(Integer.MAX_VALUE);

            Loading first = driver.load(planned);

            assertThat(first.failed()).as("every chunk gave up").hasSize(planned.chunkCount());
            for (var chunk : first.chunks().values()) {
                assertThat(chunk.failure().retryable()).isTrue();
                assertThat(chunk.failure().getMessage()).as("the reason names the cap and the rejection")
                        .contains("still failing after 4 attempts")
                        .containsAnyOf("es_rejected_execution_exception", "circuit_breaking_exception");
            }
            assertThat(fixture.runs().chunkStates(planned.runId()))
                    .allMatch(s -> s.status() == ChunkStatus.FAILED && s.lastError().contains("after 4 attempts"),
                            "FAILED with the reason in the run store");
            VerifyRunResult failed = pipeline.verify(driver, planned);
            assertThat(failed.succeeded()).isFalse();
            assertThat(failed.reason()).contains("after 4 attempts");

            front.storm(0);
            PlanRunResult rerun = driver.plan(PlanRunCommand.rerun(planned.runId()));
            Loading second = driver.load(rerun);

            assertThat(second.failed()).isEmpty();
            VerifyRunResult verified = pipeline.verify(driver, rerun);
            assertThat(verified.succeeded()).as("%s", verified.reason()).isTrue();
            ExactIndex.assertReportAccounts(fixture.objects(), verified.report(), expected);
            ExactIndex.assertExact(TestServices.endpoints().openSearchUrl(), planned.alias(), expected);
        }
    }
}
