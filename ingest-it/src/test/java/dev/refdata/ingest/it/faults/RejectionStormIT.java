package dev.refdata.ingest.it.faults;

import dev.refdata.ingest.core.domain.ChunkStatus;
import dev.refdata.ingest.core.load.LoadChunkService;
import dev.refdata.ingest.core.load.LoadSettings;
import dev.refdata.ingest.core.port.in.PlanRunCommand;
import dev.refdata.ingest.core.port.in.PlanRunResult;
import dev.refdata.ingest.core.port.in.VerifyRunResult;
import dev.refdata.ingest.core.port.out.SearchSink;
import dev.refdata.ingest.core.port.out.SearchSink.BulkItemResult;
import dev.refdata.ingest.core.port.out.SearchSink.BulkResult;
import dev.refdata.ingest.core.port.out.SearchSink.SearchSinkException;
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
import java.util.Collections;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fault 5: a cluster that sheds load. Sustained rejections, both per item ({@code 429
 * es_rejected_execution_exception}) and for a whole request ({@code 429 circuit_breaking_exception} from the parent
 * breaker), are backed off and retried to success; when they outlast the retry cap, the chunk fails with a reason
 * that says so, and its re-run ends exact. (OpenSearchBackpressureIT and LoadChunkIT provoke real 429s from a node
 * with a one-slot write queue; here the storm is longer than any real queue would keep it up, and deterministic.)
 */
class RejectionStormIT {

    private static final String QUEUE_FULL = "rejected execution of coordinating operation [coordinating_and_primary_bytes="
            + "0, replica_bytes=0, all_bytes=0, coordinating_operation_bytes=1, max_coordinating_and_primary_bytes=1]";
    private static final String BREAKER = "[parent] Data too large, data for [<http_request>] would be [1063004212/1gb],"
            + " which is larger than the limit of [1020054732/972.7mb]";

    private static FaultPipeline pipeline;
    private static PipelineFixture fixture;

    @BeforeAll
    static void services() {
        pipeline = FaultPipeline.create("storm");
        fixture = pipeline.fixture();
    }

    @AfterAll
    static void close() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    /**
     * A cluster under a storm: the next {@code stormRequests} requests alternate between every item rejected with
     * 429 and the whole request refused by the circuit breaker, and none reaches the index; then the real sink.
     */
    private static SearchSink storm(AtomicInteger stormRequests, AtomicInteger rejectedRequests) {
        SearchSink real = fixture.search().sink();
        return (index, body) -> {
            if (stormRequests.getAndDecrement() <= 0) {
                return real.bulk(index, body);
            }
            if (rejectedRequests.incrementAndGet() % 2 == 0) {
                throw new SearchSinkException(429, true, "bulk of " + body.items() + " items to index '" + index
                        + "' failed: HTTP 429 circuit_breaking_exception: " + BREAKER, null);
            }
            return new BulkResult(Collections.nCopies(body.items(),
                    new BulkItemResult(429, "es_rejected_execution_exception", QUEUE_FULL)), 1);
        };
    }

    @Test
    void sustainedItemRejectionsAndCircuitBreakerRefusalsAreBackedOffAndRetriedToSuccess() throws Exception {
        String key = "weather/instruments.csv";
        byte[] csv = pipeline.upload(key, SampleOptions.builder().records(10_000).seed(51).build());
        ExactIndex.Expected expected = ExactIndex.of(csv, fixture.datasets().get(pipeline.dataset()));
        AtomicInteger storm = new AtomicInteger(24);
        AtomicInteger rejectedRequests = new AtomicInteger();
        LoadSettings patient = FaultPipeline.smallSteps().withRetries(30, Duration.ofMillis(20),
                Duration.ofMillis(200), Duration.ofMinutes(2));
        LoadChunkService loader = new LoadChunkService(fixture.objects(), fixture.ledger(),
                storm(storm, rejectedRequests), fixture.datasets(), patient, Clock.systemUTC());
        try (RunDriver driver = pipeline.driver(loader, 2)) {
            PlanRunResult planned = driver.plan(pipeline.fullRun(key, csv.length / 2 + 1));

            Loading loading = driver.load(planned);

            assertThat(loading.failed()).isEmpty();
            assertThat(rejectedRequests.get()).as("the storm lasted 24 requests").isEqualTo(24);
            VerifyRunResult verified = pipeline.verify(driver, planned);
            assertThat(verified.succeeded()).as("%s", verified.reason()).isTrue();
            assertThat(verified.totals().retries()).as("rejected items were sent again").isPositive();
            ExactIndex.assertAccounted(verified.totals(), expected);
            assertThat(verified.totals().indexed()).isEqualTo(expected.records());
            ExactIndex.assertExact(TestServices.endpoints().openSearchUrl(), planned.alias(), expected);
        }
    }

    @Test
    void aStormThatOutlastsTheRetryCapFailsTheChunkWithAClearReasonAndTheRerunIsExact() throws Exception {
        String key = "gale/instruments.csv";
        byte[] csv = pipeline.upload(key, SampleOptions.builder().records(10_000).seed(52).build());
        ExactIndex.Expected expected = ExactIndex.of(csv, fixture.datasets().get(pipeline.dataset()));
        AtomicInteger storm = new AtomicInteger(Integer.MAX_VALUE);
        AtomicInteger rejectedRequests = new AtomicInteger();
        LoadSettings capped = FaultPipeline.smallSteps().withRetries(4, Duration.ofMillis(10),
                Duration.ofMillis(50), Duration.ofMinutes(1));
        LoadChunkService loader = new LoadChunkService(fixture.objects(), fixture.ledger(),
                storm(storm, rejectedRequests), fixture.datasets(), capped, Clock.systemUTC());
        try (RunDriver driver = pipeline.driver(loader, 2)) {
            PlanRunResult planned = driver.plan(pipeline.fullRun(key, csv.length / 2 + 1,
                    FaultPipeline.DAY.plusDays(2)));

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

            storm.set(0);
            PlanRunResult rerun = driver.plan(PlanRunCommand.rerun(planned.runId()));
            Loading second = driver.load(rerun);

            assertThat(second.failed()).isEmpty();
            VerifyRunResult verified = pipeline.verify(driver, rerun);
            assertThat(verified.succeeded()).as("%s", verified.reason()).isTrue();
            ExactIndex.assertAccounted(verified.totals(), expected);
            ExactIndex.assertExact(TestServices.endpoints().openSearchUrl(), planned.alias(), expected);
        }
    }
}
