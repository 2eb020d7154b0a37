package dev.refdata.ingest.core.domain;

import java.util.List;
import java.util.Objects;

/**
 * One entry of a run's manifest: which bytes of which object a chunk is, and how to read them.
 *
 * @param key       the run and the chunk's number in it
 * @param object    the object (the source, or a staged part of a gzipped source)
 * @param range     the chunk's bytes
 * @param firstLine the physical line of the range's first byte in the original source file
 * @param records   the exact number of records in the range
 * @param columns   the source's header: column names in file order
 * @param source    the original source object (differs from {@code object} for a staged part)
 */
public record ChunkDefinition(ChunkKey key, ObjectRef object, ByteRange range, long firstLine, long records,
                              List<String> columns, ObjectRef source) {

    public ChunkDefinition {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(object, "object");
        Objects.requireNonNull(range, "range");
        Objects.requireNonNull(source, "source");
        columns = List.copyOf(Objects.requireNonNull(columns, "columns"));
        if (firstLine < 1 || records < 0) {
            throw new IllegalArgumentException("firstLine >= 1 and records >= 0 required");
        }
    }
}
