package dev.refdata.ingest.lambda.chunker;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refdata.ingest.adapter.config.ProcessClients;
import dev.refdata.ingest.adapter.logging.InvocationLog;
import dev.refdata.ingest.adapter.logging.LambdaLogging;
import dev.refdata.ingest.adapter.config.RuntimeSettings;
import dev.refdata.ingest.core.domain.RunId;
import dev.refdata.ingest.core.domain.RunMode;
import dev.refdata.ingest.core.domain.RunSource;
import dev.refdata.ingest.core.port.in.InvalidSourceException;
import dev.refdata.ingest.core.port.in.PlanRunCommand;
import dev.refdata.ingest.core.port.in.PlanRunUseCase;
import dev.refdata.ingest.core.service.PlanRunService;
import dev.refdata.ingest.core.service.PlanRunSettings;
import dev.refdata.ingest.core.spec.InvalidDatasetSpecException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/**
 * The chunker Lambda: maps the input JSON to a {@link PlanRunCommand}, plans the run, and maps the result back.
 * Clients are built once per container in the no-argument constructor. An input that cannot be planned comes out
 * as {@link InvalidRunInput} (do not retry: fix the input first).
 */
public final class ChunkerHandler implements RequestStreamHandler {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
    static final String DEFAULT_DATASET = "instruments";
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ChunkerHandler.class);

    private final PlanRunUseCase planRun;

    /** Used by the Lambda runtime: wires S3, DynamoDB and OpenSearch from the environment, once per container. */
    public ChunkerHandler() {
        this(wire(lambdaClients()));
    }

    private static ProcessClients lambdaClients() {
        LambdaLogging.configure();
        return ProcessClients.fromEnvironment();
    }

    /** For tests and other hosts: the use case comes in ready-made. */
    public ChunkerHandler(PlanRunUseCase planRun) {
        this.planRun = Objects.requireNonNull(planRun, "planRun");
    }

    private static PlanRunUseCase wire(ProcessClients clients) {
        RuntimeSettings settings = clients.settings();
        return new PlanRunService(clients.objectStore(), clients.runStore(), clients.openSearch().admin(),
                clients.datasets(),
                new PlanRunSettings(settings.requireArtifactsBucket(), settings.timeZone(), settings.targetChunkBytes()),
                Clock.systemUTC());
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        try (InvocationLog log = InvocationLog.begin(context == null ? null : context.getAwsRequestId())) {
            PlanRunRequest request = JSON.readValue(input, PlanRunRequest.class);
            log.run(request.rerunOf());
            PlanRunCommand command = command(request);
            try {
                PlanRunResponse response = PlanRunResponse.of(planRun.plan(command));
                log.run(response.runId());
                LOG.info("planned run {}: {}", response.runId(), response.status());
                JSON.writeValue(output, response);
            } catch (InvalidSourceException | InvalidDatasetSpecException e) {
                throw new InvalidRunInput(e.getMessage(), e);
            }
        }
    }

    static PlanRunCommand command(PlanRunRequest r) {
        try {
            if (r.rerunOf() != null) {
                return PlanRunCommand.rerun(new RunId(r.rerunOf()));
            }
            if (r.bucket() == null || (r.key() == null) == (r.prefix() == null)) {
                throw new IllegalArgumentException("the input needs \"bucket\" and either \"key\" or \"prefix\"");
            }
            RunSource source = r.key() != null ? RunSource.object(r.bucket(), r.key())
                    : RunSource.prefix(r.bucket(), r.prefix());
            return new PlanRunCommand(source, r.dataset() == null ? DEFAULT_DATASET : r.dataset(),
                    r.businessDate() == null ? null : LocalDate.parse(r.businessDate()),
                    r.scheduledTime() == null ? null : Instant.parse(r.scheduledTime()),
                    r.mode() == null ? RunMode.DELTA : RunMode.fromName(r.mode()), null, r.targetChunkBytes());
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new InvalidRunInput("invalid chunker input: " + e.getMessage(), e);
        }
    }

    /** The input cannot be planned as it is (a bad file, a bad date, an unknown dataset): do not retry. */
    public static final class InvalidRunInput extends RuntimeException {
        public InvalidRunInput(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
