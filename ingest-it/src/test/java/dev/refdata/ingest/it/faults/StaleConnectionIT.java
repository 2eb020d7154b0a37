package dev.refdata.ingest.it.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refdata.ingest.adapter.opensearch.OpenSearchClientSettings;
import dev.refdata.ingest.adapter.opensearch.OpenSearchHttpClient;
import dev.refdata.ingest.adapter.opensearch.OpenSearchSinks;
import dev.refdata.ingest.core.load.LoadChunkService;
import dev.refdata.ingest.core.load.LoadSettings;
import dev.refdata.ingest.core.port.in.PlanRunResult;
import dev.refdata.ingest.core.port.in.VerifyRunResult;
import dev.refdata.ingest.core.sample.SampleOptions;
import dev.refdata.ingest.it.lifecycle.RunDriver;
import dev.refdata.ingest.it.lifecycle.RunDriver.ManifestEntry;
import dev.refdata.ingest.it.support.PipelineFixture;
import dev.refdata.ingest.it.support.TestServices;
import dev.refdata.ingest.lambda.loader.LoaderErrors;
import dev.refdata.ingest.lambda.loader.LoaderHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Fault 1: keep-alive connections that the network dropped while the loader sat idle (a load balancer's or NAT's
 * idle timeout, a Lambda container frozen between invocations). The proxy between the loader and OpenSearch drops
 * connections idle for longer than {@link #NETWORK_IDLE_TIMEOUT} without telling either side; the loader handler is
 * invoked, left idle past that, and invoked again in the same process.
 *
 * <p>Without the fix (the client keeps idle connections longer than the network does) the second invocation sends
 * its request into a dead connection and hangs until its socket timeout. With the fix (the client's idle limit,
 * checked when a connection is leased, is below the network's) it opens fresh connections and never waits; a
 * connection reset in the middle of a bulk request is retried, and the run ends exact.
 */
class StaleConnectionIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration NETWORK_IDLE_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration IDLE_BETWEEN_INVOCATIONS = Duration.ofMillis(4_000);
    /**
     * Short, so that the failure without the fix shows quickly, but long enough for a real bulk on a busy machine;
     * with the fix no request may wait for it (asserted by counting, not by the clock).
     */
    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(10);

    private static FaultPipeline pipeline;
    private static PipelineFixture fixture;

    @BeforeAll
    static void services() {
        pipeline = FaultPipeline.create("stale");
        fixture = pipeline.fixture();
    }

    @AfterAll
    static void close() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    private static LoaderHandler handler(OpenSearchHttpClient client, LoadSettings settings) {
        return new LoaderHandler(new LoadChunkService(fixture.objects(), fixture.ledger(), client.sink(),
                fixture.datasets(), settings, Clock.systemUTC()), fixture.artifacts());
    }

    private static JsonNode invoke(LoaderHandler handler, ManifestEntry entry) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(FaultPipeline.loaderInput(entry)), out, null);
        return JSON.readTree(out.toByteArray());
    }

    private static OpenSearchHttpClient client(FaultInjectingProxy proxy, Duration maxIdle) {
        return OpenSearchSinks.create(OpenSearchClientSettings.builder(proxy.uri())
                .maxIdleTime(maxIdle)
                .responseTimeout(SOCKET_TIMEOUT)
                .build());
    }

    private static FaultInjectingProxy proxyToOpenSearch() {
        FaultInjectingProxy proxy = FaultInjectingProxy.to(TestServices.endpoints().openSearchUrl());
        proxy.discardConnectionsIdleLongerThan(NETWORK_IDLE_TIMEOUT);
        return proxy;
    }

    @Test
    void withoutTheFixTheSecondInvocationSendsIntoADroppedConnectionAndWaitsForItsSocketTimeout() throws Exception {
        String key = "nofix/instruments.csv";
        byte[] csv = pipeline.upload(key, SampleOptions.builder().records(10_000).seed(71).build());
        try (FaultInjectingProxy proxy = proxyToOpenSearch();
             OpenSearchHttpClient keepsIdleConnectionsTooLong = client(proxy, Duration.ofSeconds(30));
             RunDriver driver = pipeline.driver()) {
            PlanRunResult planned = driver.plan(pipeline.fullRun(key, csv.length / 2 + 1,
                    FaultPipeline.DAY.minusDays(1)));
            List<ManifestEntry> manifest = driver.manifest(planned);
            assertThat(manifest).hasSizeGreaterThanOrEqualTo(2);
            // one attempt per request: a timeout shows as the invocation's failure instead of hiding in a retry
            LoaderHandler loader = handler(keepsIdleConnectionsTooLong,
                    FaultPipeline.smallSteps().withRetries(1, Duration.ofMillis(10), Duration.ofMillis(10),
                            Duration.ofSeconds(30)));

            invoke(loader, manifest.get(0));
            assertThat(keepsIdleConnectionsTooLong.poolStats().available()).as("connections kept for reuse")
                    .isPositive();
            Thread.sleep(IDLE_BETWEEN_INVOCATIONS.toMillis()); // the network drops the idle connections

            assertThatThrownBy(() -> invoke(loader, manifest.get(1)))
                    .isInstanceOf(LoaderErrors.RetryableLoadFailure.class)
                    .hasMessageContaining("SocketTimeoutException");
            assertThat(proxy.blackHoledRequests()).as("the request went into a connection the network had dropped")
                    .isPositive();
        }
    }

    @Test
    void withTheIdleLimitBelowTheNetworksTheSecondInvocationNeverWaitsAndAResetBulkIsRetriedSoTheRunIsExact()
            throws Exception {
        String key = "fix/instruments.csv";
        byte[] csv = pipeline.upload(key, SampleOptions.builder().records(12_000).seed(72).build());
        ExactIndex.Expected expected = ExactIndex.of(csv, fixture.datasets().get(pipeline.dataset()));
        try (FaultInjectingProxy proxy = proxyToOpenSearch();
             OpenSearchHttpClient fixed = client(proxy, Duration.ofSeconds(1));
             RunDriver driver = pipeline.driver()) {
            proxy.addLatency(Duration.ofMillis(5));
            PlanRunResult planned = driver.plan(pipeline.fullRun(key, csv.length / 3 + 1));
            List<ManifestEntry> manifest = driver.manifest(planned);
            assertThat(manifest).hasSizeGreaterThanOrEqualTo(3);
            // two sends of a request at most: the first, and one retry on a connection that died
            LoaderHandler loader = handler(fixed, FaultPipeline.smallSteps().withRetries(2, Duration.ofMillis(10),
                    Duration.ofMillis(50), Duration.ofSeconds(30)));

            JsonNode first = invoke(loader, manifest.get(0));
            assertThat(first.get("done").asBoolean()).isTrue();
            long openedBeforeIdle = fixed.poolStats().opened();
            Thread.sleep(IDLE_BETWEEN_INVOCATIONS.toMillis());

            JsonNode second = invoke(loader, manifest.get(1));

            assertThat(second.get("done").asBoolean()).isTrue();
            assertThat(proxy.blackHoledRequests()).as("no request went into a dropped connection").isZero();
            assertThat(second.at("/counters/retries").asLong()).as("nothing waited for a timeout and was retried")
                    .isZero();
            assertThat(fixed.poolStats().opened()).as("the idle connections were replaced at lease time")
                    .isGreaterThan(openedBeforeIdle);

            proxy.resetNextRequests(1);
            for (ManifestEntry entry : manifest.subList(2, manifest.size())) {
                assertThat(invoke(loader, entry).get("done").asBoolean()).isTrue();
            }
            assertThat(proxy.resets()).as("a bulk request was reset mid-way").isEqualTo(1);

            VerifyRunResult verified = pipeline.verify(driver, planned);
            assertThat(verified.succeeded()).as("%s", verified.reason()).isTrue();
            assertThat(verified.totals().retries()).as("the reset bulk was sent again").isPositive();
            ExactIndex.assertReportAccounts(fixture.objects(), verified.report(), expected);
            assertThat(verified.totals().indexed()).as("nothing reached the index before the reset")
                    .isEqualTo(expected.documents().size());
            ExactIndex.assertExact(TestServices.endpoints().openSearchUrl(), planned.alias(), expected);
        }
    }
}
