package dev.refdata.ingest.core.service;

import dev.refdata.ingest.core.csv.ChunkPlanner;
import dev.refdata.ingest.core.csv.MalformedCsvException;
import dev.refdata.ingest.core.domain.ChunkPlan;
import dev.refdata.ingest.core.domain.DatasetSpec;
import dev.refdata.ingest.core.domain.HeaderLayout;
import dev.refdata.ingest.core.domain.ObjectInfo;
import dev.refdata.ingest.core.port.in.InvalidSourceException;
import dev.refdata.ingest.core.port.in.PlanChunksCommand;
import dev.refdata.ingest.core.port.in.PlanChunksResult;
import dev.refdata.ingest.core.port.in.PlanChunksUseCase;
import dev.refdata.ingest.core.port.out.ObjectNotFoundException;
import dev.refdata.ingest.core.port.out.ObjectStore;
import dev.refdata.ingest.core.spec.DatasetCatalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Objects;

/** Streams one object once through the {@link ChunkPlanner} and checks its header against the dataset. */
public final class PlanChunksService implements PlanChunksUseCase {

    private static final Logger LOG = LoggerFactory.getLogger(PlanChunksService.class);

    private final ObjectStore objects;
    private final DatasetCatalog datasets;

    public PlanChunksService(ObjectStore objects, DatasetCatalog datasets) {
        this.objects = Objects.requireNonNull(objects, "objects");
        this.datasets = Objects.requireNonNull(datasets, "datasets");
    }

    @Override
    public PlanChunksResult plan(PlanChunksCommand command) {
        DatasetSpec spec = datasets.get(command.dataset());
        String key = command.source().key().toLowerCase(Locale.ROOT);
        if (key.endsWith(".gz") || key.endsWith(".gzip")) {
            throw new InvalidSourceException(command.source(), 0,
                    "a gzipped object cannot be cut by byte range; it must be staged as plain chunks first", null);
        }
        ObjectInfo info;
        try {
            info = objects.describe(command.source());
        } catch (ObjectNotFoundException e) {
            throw new InvalidSourceException(command.source(), 0, "no such object", e);
        }
        long started = System.nanoTime();
        ChunkPlan plan;
        try (InputStream in = objects.open(command.source())) {
            plan = new ChunkPlanner(spec.dialect()).plan(command.source(), in, command.targetChunkBytes());
        } catch (MalformedCsvException e) {
            throw new InvalidSourceException(command.source(), e.line(), reasonOf(e), e);
        } catch (IOException e) {
            throw new InvalidSourceException(command.source(), 0, "reading failed: " + e.getMessage(), e);
        }
        if (plan.objectSize() != info.size()) {
            throw new InvalidSourceException(command.source(), 0, "the object changed while it was planned ("
                    + info.size() + " bytes before, " + plan.objectSize() + " read)", null);
        }
        HeaderLayout layout;
        if (!spec.dialect().header()) {
            layout = HeaderLayout.declaredOrder(spec);
        } else if (plan.header().isEmpty()) {
            layout = HeaderLayout.declaredOrder(spec); // an empty object: nothing to lay out, nothing to load
        } else {
            try {
                layout = HeaderLayout.resolve(spec, plan.header());
            } catch (IllegalArgumentException e) {
                throw new InvalidSourceException(command.source(), 1, e.getMessage(), e);
            }
        }
        LOG.info("planned {}: {} bytes, {} records in {} chunks ({} blank lines) in {} ms", command.source(),
                plan.objectSize(), plan.records(), plan.chunks().size(), plan.blankLines(),
                (System.nanoTime() - started) / 1_000_000);
        return new PlanChunksResult(plan, layout);
    }

    private static String reasonOf(MalformedCsvException e) {
        String message = e.getMessage();
        String prefix = "line " + e.line() + ": ";
        return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    }
}
