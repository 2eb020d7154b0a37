package dev.refdata.ingest.it.faults;

import dev.refdata.ingest.adapter.dynamodb.DynamoDbRunStore;
import dev.refdata.ingest.core.domain.ChunkKey;
import dev.refdata.ingest.core.domain.ChunkState;
import dev.refdata.ingest.core.domain.ChunkStatus;
import dev.refdata.ingest.core.load.LoadChunkService;
import dev.refdata.ingest.core.port.in.PlanRunCommand;
import dev.refdata.ingest.core.port.in.PlanRunResult;
import dev.refdata.ingest.core.port.in.VerifyRunResult;
import dev.refdata.ingest.core.port.out.SearchSink;
import dev.refdata.ingest.core.sample.SampleOptions;
import dev.refdata.ingest.it.lifecycle.RunDriver;
import dev.refdata.ingest.it.lifecycle.RunDriver.ChunkLoad;
import dev.refdata.ingest.it.lifecycle.RunDriver.Loading;
import dev.refdata.ingest.it.support.PipelineFixture;
import dev.refdata.ingest.it.support.ServiceEndpoints;
import dev.refdata.ingest.it.support.TestServices;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fault 7: the run store (DynamoDB) becomes unreachable in the middle of a load: every connection to it is reset
 * by the proxy in front of dynalite. The chunk fails without acknowledging anything OpenSearch has not
 * acknowledged (every record its last checkpoint covers is in the index), and once the store is back the re-run
 * resumes from that checkpoint and ends exact.
 */
class RunStoreOutageIT {

    private static final Duration LEASE = Duration.ofSeconds(3);
    private static final int RECORDS = 20_000;

    private static FaultPipeline pipeline;
    private static PipelineFixture fixture;

    @BeforeAll
    static void services() {
        pipeline = FaultPipeline.create("outage");
        fixture = pipeline.fixture();
    }

    @AfterAll
    static void close() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    private static DynamoDbClient dynamoThrough(FaultInjectingProxy proxy) {
        ServiceEndpoints services = TestServices.endpoints();
        return DynamoDbClient.builder()
                .endpointOverride(proxy.uri())
                .region(Region.of(services.region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        services.credentials().accessKeyId(), services.credentials().secretAccessKey())))
                .httpClientBuilder(Apache5HttpClient.builder().connectionTimeout(Duration.ofSeconds(2)))
                .build();
    }

    @Test
    void aRunStoreThatGoesAwayMidLoadFailsTheChunkAtAnAcknowledgedCheckpointAndTheRerunIsExact() throws Exception {
        String key = "outage/instruments.csv";
        byte[] csv = pipeline.upload(key, SampleOptions.builder().records(RECORDS).seed(81).build());
        ExactIndex.Expected expected = ExactIndex.of(csv, fixture.datasets().get(pipeline.dataset()));
        try (FaultInjectingProxy proxy = FaultInjectingProxy.to(TestServices.endpoints().dynamoDbEndpoint());
             DynamoDbClient dynamo = dynamoThrough(proxy)) {
            AtomicInteger requests = new AtomicInteger();
            SearchSink real = fixture.search().sink();
            SearchSink storeFailsAfterTheSixthBulk = (index, body) -> {
                SearchSink.BulkResult result = real.bulk(index, body);
                if (requests.incrementAndGet() == 6) {
                    proxy.goDown(); // OpenSearch acknowledged this bulk; the checkpoint that would record it cannot
                }
                return result;
            };
            LoadChunkService loader = new LoadChunkService(fixture.objects(),
                    DynamoDbRunStore.chunkLedger(dynamo, pipeline.table()), storeFailsAfterTheSixthBulk,
                    fixture.datasets(), FaultPipeline.smallSteps().withLease(LEASE, Duration.ofSeconds(1)),
                    Clock.systemUTC());
            try (RunDriver driver = pipeline.driver(loader, 1)) {
                PlanRunResult planned = driver.plan(pipeline.fullRun(key, 64L << 20));
                assertThat(planned.chunkCount()).isEqualTo(1);
                ChunkKey chunk = new ChunkKey(planned.runId(), 0);

                Loading first = driver.load(planned);

                assertThat(first.failed()).containsExactly(0);
                ChunkLoad failed = first.chunks().get(0);
                assertThat(failed.failure().retryable()).as("an unreachable store is worth retrying").isTrue();
                assertThat(proxy.resets()).as("the store was really unreachable").isPositive();
                ChunkState left = fixture.ledger().find(chunk).orElseThrow();
                assertThat(left.status()).as("the failure could not be recorded either").isEqualTo(ChunkStatus.RUNNING);
                long checkpointed = left.checkpoint().counters().read();
                assertThat(checkpointed).as("some checkpoints were written before the outage").isPositive()
                        .isLessThan(RECORDS);
                int covered = ExactIndex.assertPresent(TestServices.endpoints().openSearchUrl(),
                        planned.targetIndex(), expected,
                        d -> d.line() < left.checkpoint().nextLine());
                assertThat((long) covered).as("every record the checkpoint covers is in the index")
                        .isEqualTo(left.checkpoint().counters().indexed()).isEqualTo(checkpointed);
                VerifyRunResult incomplete = pipeline.verify(driver, planned);
                assertThat(incomplete.succeeded()).isFalse();
                assertThat(incomplete.reason()).contains("#0");

                proxy.comeBack();
                Duration untilLeaseEnds = Duration.between(Instant.now(), left.leaseUntil());
                Thread.sleep(Math.max(0, untilLeaseEnds.toMillis()) + 300);
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
}
