package dev.refdata.ingest.core.port.in;

import dev.refdata.ingest.core.domain.ByteRange;
import dev.refdata.ingest.core.domain.ChunkKey;
import dev.refdata.ingest.core.domain.ObjectRef;

import java.util.List;
import java.util.Objects;

/**
 * Load one chunk.
 *
 * @param key             the run and the chunk's number in it
 * @param object          the object holding the chunk's bytes
 * @param range           the chunk's bytes: from a record's first byte to just past a record's line break
 * @param firstLine       the physical line the range starts on
 * @param expectedRecords how many records the planner counted in the range
 * @param dataset         the dataset spec's name
 * @param columns         the object's header: column names in file order
 * @param index           the index (or alias) to write to
 * @param rejectsBucket   the bucket that receives rejected records as NDJSON
 * @param owner           who is loading (unique per invocation or process), for the lease
 */
public record LoadChunkCommand(ChunkKey key, ObjectRef object, ByteRange range, long firstLine, long expectedRecords,
                               String dataset, List<String> columns, String index, String rejectsBucket,
                               String owner) {

    public LoadChunkCommand {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(object, "object");
        Objects.requireNonNull(range, "range");
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(index, "index");
        Objects.requireNonNull(rejectsBucket, "rejectsBucket");
        Objects.requireNonNull(owner, "owner");
        columns = List.copyOf(Objects.requireNonNull(columns, "columns"));
        if (firstLine < 1 || expectedRecords < 0) {
            throw new IllegalArgumentException("firstLine >= 1 and expectedRecords >= 0 required");
        }
        if (index.isBlank() || owner.isBlank() || rejectsBucket.isBlank()) {
            throw new IllegalArgumentException("index, owner and rejectsBucket must not be blank");
        }
    }
}
