package dev.refdata.ingest.it.faults;

import dev.refdata.ingest.adapter.opensearch.OpenSearchClientSettings;
import dev.refdata.ingest.adapter.opensearch.OpenSearchHttpClient;
import dev.refdata.ingest.adapter.opensearch.OpenSearchSinks;
import dev.refdata.ingest.adapter.opensearch.node.LocalOpenSearchNode;
import dev.refdata.ingest.adapter.opensearch.node.LocalOpenSearchSettings;
import dev.refdata.ingest.core.domain.ChunkStatus;
import dev.refdata.ingest.core.domain.RunStatus;
import dev.refdata.ingest.core.load.LoadChunkService;
import dev.refdata.ingest.core.port.in.PlanRunCommand;
import dev.refdata.ingest.core.port.in.PlanRunResult;
import dev.refdata.ingest.core.port.in.VerifyRunResult;
import dev.refdata.ingest.core.port.out.SearchSink;
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
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Fault 2: OpenSearch is killed (SIGKILL to its process tree) in the middle of a run and restarted on the same
 * data. The node is this test's own {@link LocalOpenSearchNode}, not the shared one. The chunks in flight fail with
 * a retryable reason, verification fails the run by name without making it live, and the re-run ends with the
 * index exact.
 */
class OpenSearchKilledIT {

    private static final int RECORDS = 30_000;

    private static FaultPipeline pipeline;
    private static PipelineFixture fixture;
    private static LocalOpenSearchNode node;
    private static OpenSearchHttpClient search;

    @BeforeAll
    static void services() {
        pipeline = FaultPipeline.create("killed");
        fixture = pipeline.fixture();
        node = LocalOpenSearchNode.start(LocalOpenSearchSettings
                .builder(TestServices.servicesDirectory().resolve("opensearch-killed"))
                .build());
        search = OpenSearchSinks.create(OpenSearchClientSettings.builder(node.httpUrl())
                .responseTimeout(Duration.ofSeconds(20)).build());
    }

    @AfterAll
    static void close() {
        try {
            if (search != null) {
                search.close();
            }
            if (node != null) {
                node.close();
            }
        } finally {
            if (pipeline != null) {
                pipeline.close();
            }
        }
    }

    @Test
    void aNodeKilledMidRunFailsItsChunksRetryablyAndAfterItsRestartTheRerunIsExact() {
        String key = "killed/instruments.csv";
        byte[] csv = pipeline.upload(key, SampleOptions.builder().records(RECORDS).seed(91).build());
        ExactIndex.Expected expected = ExactIndex.of(csv, fixture.datasets().get(pipeline.dataset()));
        AtomicInteger requests = new AtomicInteger();
        SearchSink real = search.sink();
        SearchSink killingTheNodeOnTheEighthRequest = (index, body) -> {
            if (requests.incrementAndGet() == 8) {
                node.kill();
            }
            return real.bulk(index, body);
        };
        LoadChunkService loader = new LoadChunkService(fixture.objects(), fixture.ledger(),
                killingTheNodeOnTheEighthRequest, fixture.datasets(), FaultPipeline.smallSteps()
                .withRetries(3, Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofSeconds(30)),
                Clock.systemUTC());
        try (RunDriver driver = pipeline.driver(loader, 2, search.admin())) {
            PlanRunResult planned = driver.plan(pipeline.fullRun(key, csv.length / 3 + 1));
            assertThat(planned.chunkCount()).isGreaterThanOrEqualTo(3);

            Loading first = driver.load(planned);

            assertThat(node.isRunning()).as("the node was killed").isFalse();
            assertThatThrownBy(node::pid).as("a killed node has no process").isInstanceOf(IllegalStateException.class);
            assertThat(first.failed()).as("the chunks that met the dead node failed").isNotEmpty();
            for (int chunk : first.failed()) {
                assertThat(first.chunks().get(chunk).failure().retryable()).as("chunk %d", chunk).isTrue();
            }
            node.restart();
            assertThat(ProcessHandle.of(node.pid())).as("the restarted node's process")
                    .hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());
            VerifyRunResult failed = pipeline.verify(driver, planned);
            assertThat(failed.succeeded()).isFalse();
            assertThat(failed.reason()).contains("chunks not completed");
            assertThat(search.admin().aliasTargets(planned.alias())).as("a failed run is not made live").isEmpty();
            assertThat(fixture.runs().chunkStates(planned.runId()))
                    .anyMatch(s -> s.status() == ChunkStatus.FAILED, "a chunk recorded as failed");

            PlanRunResult rerun = driver.plan(PlanRunCommand.rerun(planned.runId()));
            Loading second = driver.load(rerun);

            assertThat(second.failed()).isEmpty();
            assertThat(second.completed()).containsExactlyInAnyOrderElementsOf(first.failed());
            VerifyRunResult verified = pipeline.verify(driver, rerun);
            assertThat(verified.succeeded()).as("%s", verified.reason()).isTrue();
            assertThat(fixture.runs().find(planned.runId()).orElseThrow().status()).isEqualTo(RunStatus.SUCCEEDED);
            ExactIndex.assertReportAccounts(fixture.objects(), verified.report(), expected);
            ExactIndex.assertExact(node.httpUrl(), planned.alias(), expected);
        }
    }
}
