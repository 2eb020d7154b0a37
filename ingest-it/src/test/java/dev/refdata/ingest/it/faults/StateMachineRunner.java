package dev.refdata.ingest.it.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refdata.ingest.core.load.LoadChunkService;
import dev.refdata.ingest.core.load.LoadSettings;
import dev.refdata.ingest.core.port.out.SearchSink;
import dev.refdata.ingest.core.service.VerifyRunService;
import dev.refdata.ingest.it.support.PipelineFixture;
import dev.refdata.ingest.lambda.chunker.ChunkerHandler;
import dev.refdata.ingest.lambda.loader.LoaderHandler;
import dev.refdata.ingest.lambda.verifier.VerifierHandler;
import dev.refdata.ingest.statemachine.ExecutionResult;
import dev.refdata.ingest.statemachine.binding.InProcessIngestMachine;

import java.time.Clock;
import java.time.LocalDate;
import java.util.UUID;

/**
 * The real definition ({@code statemachine/ingest.asl.json}) run by the local executor with its Tasks bound to
 * the three real handlers on a {@link FaultPipeline}, as {@code StateMachineRunIT} does; the loader's search sink
 * and settings are the test's, to inject faults.
 */
final class StateMachineRunner {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final FaultPipeline pipeline;

    StateMachineRunner(FaultPipeline pipeline) {
        this.pipeline = pipeline;
    }

    /** The nightly trigger's input for a full run of {@code key} on {@code date}, in chunks of about that size. */
    ObjectNode fullRunOf(String key, LocalDate date, long chunkBytes) {
        ObjectNode input = JSON.createObjectNode();
        input.put("bucket", pipeline.fixture().feeds());
        input.put("key", key);
        input.put("dataset", pipeline.dataset());
        input.put("mode", "full");
        input.put("businessDate", date.toString());
        input.put("maxConcurrency", 2);
        input.put("targetChunkBytes", chunkBytes);
        return input;
    }

    /** A re-run of {@code runId}: only its unfinished chunks. */
    static ObjectNode rerunOf(String runId) {
        ObjectNode input = JSON.createObjectNode();
        input.put("rerunOf", runId);
        return input;
    }

    /** One execution, to its end; the loader writes through {@code sink} with {@code load} settings. */
    ExecutionResult execute(ObjectNode input, SearchSink sink, LoadSettings load) {
        PipelineFixture fixture = pipeline.fixture();
        ChunkerHandler chunker = new ChunkerHandler(pipeline.planner());
        try (LoadChunkService loadService = new LoadChunkService(fixture.objects(), fixture.ledger(), sink,
                fixture.datasets(), load, Clock.systemUTC())) {
            LoaderHandler loader = new LoaderHandler(loadService, fixture.artifacts());
            VerifyRunService verify = pipeline.verifier();
            VerifierHandler verifier = new VerifierHandler(verify);
            return InProcessIngestMachine.executor(chunker, loader, verifier, fixture.artifacts(),
                            fixture.objects(), d -> { })
                    .run(input, "execution-" + UUID.randomUUID());
        }
    }
}
