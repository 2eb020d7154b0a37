package dev.refdata.ingest.lambda.chunker;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refdata.ingest.adapter.config.RuntimeSettings;
import dev.refdata.ingest.adapter.s3.S3ClientSettings;
import dev.refdata.ingest.adapter.s3.S3ObjectStores;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.port.in.PlanChunksCommand;
import dev.refdata.ingest.core.port.in.PlanChunksResult;
import dev.refdata.ingest.core.port.in.PlanChunksUseCase;
import dev.refdata.ingest.core.service.PlanChunksService;
import dev.refdata.ingest.core.spec.DatasetCatalog;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;

/**
 * The chunker Lambda: maps the input JSON to a {@link PlanChunksCommand}, runs the use case, and maps the plan to
 * the output JSON. Clients are built once per container, in the no-argument constructor.
 */
public final class ChunkerHandler implements RequestStreamHandler {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
    static final String DEFAULT_DATASET = "instruments";

    private final PlanChunksUseCase planChunks;
    private final long defaultTargetChunkBytes;

    /** Used by the Lambda runtime: wires S3 from the environment, once per container. */
    public ChunkerHandler() {
        this(RuntimeSettings.from(System.getenv()));
    }

    private ChunkerHandler(RuntimeSettings settings) {
        this(new PlanChunksService(
                        S3ObjectStores.of(S3ObjectStores.createClient(s3Settings(settings))),
                        settings.datasetsDirectory().map(DatasetCatalog::withDirectory).orElseGet(DatasetCatalog::builtIn)),
                settings.targetChunkBytes());
    }

    /** For tests and other hosts: the use case comes in ready-made. */
    public ChunkerHandler(PlanChunksUseCase planChunks, long defaultTargetChunkBytes) {
        this.planChunks = Objects.requireNonNull(planChunks, "planChunks");
        this.defaultTargetChunkBytes = defaultTargetChunkBytes;
    }

    private static S3ClientSettings s3Settings(RuntimeSettings settings) {
        S3ClientSettings s3 = S3ClientSettings.forRegion(settings.region());
        return settings.s3EndpointOverride().map(s3::withEndpointOverride).orElse(s3);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        PlanObjectRequest request = JSON.readValue(input, PlanObjectRequest.class);
        if (request.bucket() == null || request.key() == null) {
            throw new IllegalArgumentException("the input needs \"bucket\" and \"key\"");
        }
        String dataset = request.dataset() == null ? DEFAULT_DATASET : request.dataset();
        long target = request.targetChunkBytes() == null ? defaultTargetChunkBytes : request.targetChunkBytes();
        PlanChunksResult result = planChunks.plan(
                new PlanChunksCommand(new ObjectRef(request.bucket(), request.key()), dataset, target));
        JSON.writeValue(output, PlanObjectResponse.of(dataset, result));
    }
}
