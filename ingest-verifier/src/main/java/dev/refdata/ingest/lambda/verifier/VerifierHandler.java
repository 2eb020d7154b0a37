package dev.refdata.ingest.lambda.verifier;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refdata.ingest.adapter.config.ProcessClients;
import dev.refdata.ingest.adapter.logging.InvocationLog;
import dev.refdata.ingest.adapter.logging.LambdaLogging;
import dev.refdata.ingest.core.domain.ChunkCounters;
import dev.refdata.ingest.core.domain.RunId;
import dev.refdata.ingest.core.port.in.VerifyRunCommand;
import dev.refdata.ingest.core.port.in.VerifyRunResult;
import dev.refdata.ingest.core.port.in.VerifyRunUseCase;
import dev.refdata.ingest.core.service.VerifyRunService;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.util.Objects;

/**
 * The verifier Lambda: verifies a run and finishes it. A failed verification is an answer, not an error: the
 * output's {@code status} is FAILED with the reason, so the state machine's Choice can end the execution with it.
 */
public final class VerifierHandler implements RequestStreamHandler {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    /** The input: the run, and optionally the tolerance, sample size and retention. */
    record VerifyRequest(String runId, Long maxRejects, Double maxRejectFraction, Integer sampleSize, Integer retention) {
    }

    /** The output. */
    record VerifyResponse(String runId, String status, String reason, ChunkCounters totals, String reportBucket,
                          String reportKey) {
        static VerifyResponse of(VerifyRunResult r) {
            return new VerifyResponse(r.run().value(), r.status().name(), r.reason(), r.totals(),
                    r.report() == null ? null : r.report().bucket(), r.report() == null ? null : r.report().key());
        }
    }

    private final VerifyRunUseCase verifyRun;

    /** Used by the Lambda runtime: wires S3, DynamoDB and OpenSearch from the environment, once per container. */
    public VerifierHandler() {
        this(wire(lambdaClients()));
    }

    private static ProcessClients lambdaClients() {
        LambdaLogging.configure();
        return ProcessClients.fromEnvironment();
    }

    /** For tests and other hosts: the use case comes in ready-made. */
    public VerifierHandler(VerifyRunUseCase verifyRun) {
        this.verifyRun = Objects.requireNonNull(verifyRun, "verifyRun");
    }

    private static VerifyRunUseCase wire(ProcessClients clients) {
        return new VerifyRunService(clients.objectStore(), clients.runStore(), clients.openSearch().admin(),
                clients.datasets(), clients.settings().requireArtifactsBucket(), clients.settings().recordLimits(),
                Clock.systemUTC());
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        try (InvocationLog log = InvocationLog.begin(context == null ? null : context.getAwsRequestId())) {
            VerifyRequest r = JSON.readValue(input, VerifyRequest.class);
            if (r.runId() == null) {
                throw new IllegalArgumentException("the input needs \"runId\"");
            }
            log.run(r.runId());
            VerifyRunCommand defaults = VerifyRunCommand.strict(new RunId(r.runId()));
            VerifyRunCommand command = new VerifyRunCommand(defaults.run(),
                    r.maxRejects() == null ? defaults.maxRejects() : r.maxRejects(),
                    r.maxRejectFraction() == null ? defaults.maxRejectFraction() : r.maxRejectFraction(),
                    r.sampleSize() == null ? defaults.sampleSize() : r.sampleSize(),
                    r.retention() == null ? defaults.retention() : r.retention());
            JSON.writeValue(output, VerifyResponse.of(verifyRun.verify(command)));
        }
    }
}
