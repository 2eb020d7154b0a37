package dev.refdata.ingest.lambda.loader;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refdata.ingest.adapter.config.ProcessClients;
import dev.refdata.ingest.adapter.config.RuntimeSettings;
import dev.refdata.ingest.adapter.logging.InvocationLog;
import dev.refdata.ingest.adapter.logging.LambdaLogging;
import dev.refdata.ingest.core.domain.ByteRange;
import dev.refdata.ingest.core.domain.ChunkKey;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.domain.RunId;
import dev.refdata.ingest.core.load.LoadChunkService;
import dev.refdata.ingest.core.load.LoadSettings;
import dev.refdata.ingest.core.port.in.ChunkBusyException;
import dev.refdata.ingest.core.port.in.ChunkLoadFailedException;
import dev.refdata.ingest.core.port.in.LoadChunkCommand;
import dev.refdata.ingest.core.port.in.LoadChunkResult;
import dev.refdata.ingest.core.port.in.LoadChunkUseCase;
import dev.refdata.ingest.core.port.in.LoadChunkUseCase.TimeBudget;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.Objects;
import java.util.UUID;

/**
 * The loader Lambda: maps the input JSON to a {@link LoadChunkCommand}, runs the use case within the invocation's
 * remaining time, and maps the result (or the failure, as one of {@link LoaderErrors}) back. Clients are built
 * once per container in the no-argument constructor and reused by every invocation.
 */
public final class LoaderHandler implements RequestStreamHandler {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
    private static final String PROCESS = ManagementFactory.getRuntimeMXBean().getName();

    private static final Logger LOG = LoggerFactory.getLogger(LoaderHandler.class);

    private final LoadChunkUseCase loadChunk;
    private final String rejectsBucket;
    private final ChunkMetrics metrics;

    /**
     * Used by the Lambda runtime: JSON logs and EMF metrics on stdout; S3, DynamoDB and OpenSearch wired from the
     * environment, once per container.
     */
    public LoaderHandler() {
        this(lambdaClients());
    }

    private LoaderHandler(ProcessClients clients) {
        this(wire(clients), clients.settings().requireArtifactsBucket(),
                ChunkMetrics.toStdout(ChunkMetrics.Settings.from(System.getenv()), System.out));
    }

    private static ProcessClients lambdaClients() {
        LambdaLogging.configure();
        return ProcessClients.fromEnvironment();
    }

    /** For tests and other hosts: the use case comes in ready-made; no metrics are written. */
    public LoaderHandler(LoadChunkUseCase loadChunk, String rejectsBucket) {
        this(loadChunk, rejectsBucket, ChunkMetrics.NONE);
    }

    LoaderHandler(LoadChunkUseCase loadChunk, String rejectsBucket, ChunkMetrics metrics) {
        this.loadChunk = Objects.requireNonNull(loadChunk, "loadChunk");
        this.rejectsBucket = Objects.requireNonNull(rejectsBucket, "rejectsBucket");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    private static LoadChunkUseCase wire(ProcessClients clients) {
        RuntimeSettings settings = clients.settings();
        LoadSettings load = LoadSettings.DEFAULTS.withMaxInFlight(settings.bulkInFlight())
                .withMaxBulkBytes(settings.bulkBytes())
                .withBudgetMargin(settings.budgetMargin())
                .withRecordLimits(settings.recordLimits());
        return new LoadChunkService(clients.objectStore(), clients.chunkLedger(), clients.openSearch().sink(),
                clients.datasets(), load, Clock.systemUTC());
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        String requestId = context == null ? null : context.getAwsRequestId();
        try (InvocationLog log = InvocationLog.begin(requestId)) {
            LoadChunkRequest request = JSON.readValue(input, LoadChunkRequest.class);
            log.run(request.runId());
            if (request.chunk() != null) {
                log.chunk(request.chunk());
            }
            LoadChunkCommand command = command(request, context);
            TimeBudget budget = context == null ? TimeBudget.UNLIMITED : context::getRemainingTimeInMillis;
            LoadChunkResult result;
            try {
                result = loadChunk.load(command, budget);
            } catch (ChunkBusyException e) {
                LOG.warn("chunk busy: {}", e.getMessage());
                throw new LoaderErrors.ChunkBusy(e.getMessage(), e);
            } catch (ChunkLoadFailedException e) {
                LOG.error("chunk failed ({}): {}", e.retryable() ? "retryable" : "permanent", e.getMessage());
                throw e.retryable() ? new LoaderErrors.RetryableLoadFailure(e.getMessage(), e)
                        : new LoaderErrors.PermanentLoadFailure(e.getMessage(), e);
            }
            LOG.info("chunk {}: {} {} records this call, {}", command.key(), result.outcome(), result.readThisCall(),
                    result.counters());
            metrics.emit(command, result, context == null ? null : context.getFunctionName(), requestId);
            JSON.writeValue(output, LoadChunkResponse.of(result));
        }
    }

    private LoadChunkCommand command(LoadChunkRequest r, Context context) {
        if (r.runId() == null || r.chunk() == null || r.bucket() == null || r.key() == null || r.start() == null
                || r.end() == null || r.firstLine() == null || r.records() == null || r.columns() == null
                || r.index() == null) {
            throw new LoaderErrors.PermanentLoadFailure("the input needs runId, chunk, bucket, key, start, end, "
                    + "firstLine, records, columns and index; got " + r, null);
        }
        String owner = context != null ? "lambda:" + context.getAwsRequestId() : PROCESS + ":" + UUID.randomUUID();
        return new LoadChunkCommand(new ChunkKey(new RunId(r.runId()), r.chunk()), new ObjectRef(r.bucket(), r.key()),
                new ByteRange(r.start(), r.end()), r.firstLine(), r.records(),
                r.dataset() == null ? "instruments" : r.dataset(), r.columns(), r.index(), rejectsBucket, owner);
    }
}
