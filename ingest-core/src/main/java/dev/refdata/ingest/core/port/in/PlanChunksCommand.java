package dev.refdata.ingest.core.port.in;

import dev.refdata.ingest.core.domain.ObjectRef;

import java.util.Objects;

/**
 * Plan one object.
 *
 * @param source           the CSV object
 * @param dataset          the dataset spec's name, e.g. {@code instruments}
 * @param targetChunkBytes the size a chunk should reach before it is closed
 */
public record PlanChunksCommand(ObjectRef source, String dataset, long targetChunkBytes) {

    /** 64 MiB: about 400,000 instrument records, a few minutes of loading. */
    public static final long DEFAULT_TARGET_CHUNK_BYTES = 64L << 20;

    public PlanChunksCommand {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(dataset, "dataset");
        if (dataset.isBlank()) {
            throw new IllegalArgumentException("dataset must not be blank");
        }
        if (targetChunkBytes < 1) {
            throw new IllegalArgumentException("target chunk size must be at least 1 byte, got " + targetChunkBytes);
        }
    }
}
