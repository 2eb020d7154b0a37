package dev.refdata.ingest.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refdata.ingest.adapter.opensearch.OpenSearchHttpClient;
import dev.refdata.ingest.core.domain.RunId;
import dev.refdata.ingest.core.domain.RunStatus;
import dev.refdata.ingest.core.load.LoadChunkService;
import dev.refdata.ingest.core.load.LoadSettings;
import dev.refdata.ingest.core.port.out.ChunkLedger;
import dev.refdata.ingest.core.port.out.ObjectStore;
import dev.refdata.ingest.core.port.out.RunStore;
import dev.refdata.ingest.core.port.out.SearchSink;
import dev.refdata.ingest.core.sample.SampleOptions;
import dev.refdata.ingest.core.service.PlanRunService;
import dev.refdata.ingest.core.service.PlanRunSettings;
import dev.refdata.ingest.core.service.VerifyRunService;
import dev.refdata.ingest.core.spec.DatasetCatalog;
import dev.refdata.ingest.it.scenario.NightlyRunScenario;
import dev.refdata.ingest.it.support.PipelineFixture;
import dev.refdata.ingest.lambda.chunker.ChunkerHandler;
import dev.refdata.ingest.lambda.loader.LoaderHandler;
import dev.refdata.ingest.lambda.verifier.VerifierHandler;
import dev.refdata.ingest.statemachine.ExecutionResult;
import dev.refdata.ingest.statemachine.binding.InProcessIngestMachine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real definition ({@code statemachine/ingest.asl.json}) run by the local executor, its Tasks bound to the
 * three real Lambda handlers, against the real local services: what AWS would run, in one process.
 */
class StateMachineRunIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TAG = "smr" + UUID.randomUUID().toString().substring(0, 6);
    private static final String FEEDS = TAG + "-feeds";
    private static final String ARTIFACTS = TAG + "-artifacts";
    private static final String TABLE = TAG + "-runs";

    private static PipelineFixture pipeline;
    private static OpenSearchHttpClient search;
    private static ObjectStore objects;
    private static RunStore runs;
    private static ChunkLedger ledger;
    private static DatasetCatalog datasets;

    @BeforeAll
    static void services() throws IOException {
        // a dataset of our own, so that its alias is not shared with other tests on the same node
        pipeline = PipelineFixture.create(TAG, FEEDS, ARTIFACTS, TABLE, List.of(TAG));
        search = pipeline.search();
        objects = pipeline.objects();
        runs = pipeline.runs();
        ledger = pipeline.ledger();
        datasets = pipeline.datasets();
    }

    @AfterAll
    static void close() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    /** The three handlers on the local services, with the loader's search sink replaceable to inject faults. */
    private static ExecutionResult execute(ObjectNode input, SearchSink sink) {
        ChunkerHandler chunker = new ChunkerHandler(new PlanRunService(objects, runs, search.admin(), datasets,
                new PlanRunSettings(ARTIFACTS, ZoneOffset.UTC, 4L << 20), Clock.systemUTC()));
        try (LoadChunkService load = new LoadChunkService(objects, ledger, sink, datasets, LoadSettings.DEFAULTS,
                Clock.systemUTC())) {
            LoaderHandler loader = new LoaderHandler(load, ARTIFACTS);
            VerifierHandler verifier = new VerifierHandler(new VerifyRunService(objects, runs, search.admin(), datasets,
                    ARTIFACTS, Clock.systemUTC()));
            return InProcessIngestMachine.executor(chunker, loader, verifier, ARTIFACTS, objects, d -> { })
                    .run(input, "execution-" + UUID.randomUUID());
        }
    }

    private static NightlyRunScenario scenario() {
        return new NightlyRunScenario(objects, runs, search.admin(), FEEDS, TAG);
    }

    @Test
    void twoHundredThousandRecordsRunThroughTheRealDefinitionAndGoLive() {
        scenario().aFullLoadRunsThroughTheDefinitionAndGoesLive(input -> execute(input, search.sink()), "ok/",
                LocalDate.parse("2026-11-27"), 200_000);
    }

    @Test
    void aChunkThatFailsPermanentlyFailsTheExecutionByNameAndItsRerunSucceeds() {
        NightlyRunScenario scenario = scenario();
        scenario.upload("bad/instruments.csv", SampleOptions.builder().records(30_000).seed(22).build());
        AtomicInteger requests = new AtomicInteger();
        SearchSink refusingTheThirdRequest = (index, body) -> {
            if (requests.incrementAndGet() == 3) {
                throw new SearchSink.SearchSinkException(400, false,
                        "400 illegal_argument_exception: injected permanent failure", null);
            }
            return search.sink().bulk(index, body);
        };

        ExecutionResult failed = execute(scenario.input("bad/", LocalDate.parse("2026-11-28"), 3),
                refusingTheThirdRequest);

        assertThat(failed.status()).isEqualTo("FAILED");
        assertThat(failed.error()).isEqualTo("RunVerificationFailed");
        assertThat(failed.cause()).contains("chunks not completed").containsPattern("#\\d+ FAILED")
                .contains("injected permanent failure");
        RunId run = scenario.runOf(LocalDate.parse("2026-11-28")).id();
        assertThat(runs.find(run).orElseThrow().status()).isEqualTo(RunStatus.FAILED);
        assertThat(search.admin().aliasTargets(TAG)).as("the failed run did not go live")
                .noneMatch(index -> index.contains("20261128"));

        ObjectNode rerun = JSON.createObjectNode();
        rerun.put("rerunOf", run.value());
        ExecutionResult rerunResult = execute(rerun, search.sink());

        assertThat(rerunResult.status()).as("%s: %s", rerunResult.error(), rerunResult.cause()).isEqualTo("SUCCEEDED");
        assertThat(runs.find(run).orElseThrow().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(runs.find(run).orElseThrow().executions()).isEqualTo(2);
        String live = search.admin().aliasTargets(TAG).iterator().next();
        assertThat(live).contains("20261128");
        search.admin().refresh(live);
        assertThat(search.admin().count(live)).isEqualTo(30_000);
    }
}
