package dev.refdata.ingest.core.service;

import dev.refdata.ingest.core.csv.ChunkPlanner;
import dev.refdata.ingest.core.csv.MalformedCsvException;
import dev.refdata.ingest.core.domain.ByteRange;
import dev.refdata.ingest.core.domain.ChunkPlan;
import dev.refdata.ingest.core.domain.DatasetSpec;
import dev.refdata.ingest.core.domain.HeaderLayout;
import dev.refdata.ingest.core.domain.ObjectInfo;
import dev.refdata.ingest.core.load.ReadAheadObjectStream;
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

/**
 * Streams one object once through the {@link ChunkPlanner} and checks its header against the dataset. The object
 * is read as consecutive parts, several fetched at once ahead of the scan ({@link ReadAheadObjectStream}): one
 * S3 GET streams far slower than the scan runs.
 */
public final class PlanChunksService implements PlanChunksUseCase {

    private static final Logger LOG = LoggerFactory.getLogger(PlanChunksService.class);

    private final ObjectStore objects;
    private final DatasetCatalog datasets;
    private final int partsAhead;
    private final int partBytes;

    public PlanChunksService(ObjectStore objects, DatasetCatalog datasets) {
        this(objects, datasets, ReadAheadObjectStream.DEFAULT_PARTS_AHEAD, ReadAheadObjectStream.DEFAULT_PART_BYTES);
    }

    /**
     * @param partsAhead parts of the object fetched at once ahead of the scan
     * @param partBytes  bytes in a part
     */
    public PlanChunksService(ObjectStore objects, DatasetCatalog datasets, int partsAhead, int partBytes) {
        this.objects = Objects.requireNonNull(objects, "objects");
        this.datasets = Objects.requireNonNull(datasets, "datasets");
        if (partsAhead < 1 || partBytes < 1) {
            throw new IllegalArgumentException("partsAhead and partBytes must be at least 1: " + partsAhead + ", "
                    + partBytes);
        }
        this.partsAhead = partsAhead;
        this.partBytes = partBytes;
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
        try (InputStream in = new ReadAheadObjectStream(objects, command.source(), new ByteRange(0, info.size()),
                partsAhead, partBytes, ReadAheadObjectStream.DEFAULT_READS_PER_PART)) {
            plan = new ChunkPlanner(spec.dialect()).plan(command.source(), in, command.targetChunkBytes());
        } catch (MalformedCsvException e) {
            throw new InvalidSourceException(command.source(), e.line(), reasonOf(e), e);
        } catch (IOException e) {
            // also an object cut short since it was described: its last parts end early, however often read
            throw new InvalidSourceException(command.source(), 0, "reading failed: " + e.getMessage(), e);
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
