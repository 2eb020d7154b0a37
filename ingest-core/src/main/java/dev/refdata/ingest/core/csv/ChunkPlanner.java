package dev.refdata.ingest.core.csv;

import dev.refdata.ingest.core.domain.ByteRange;
import dev.refdata.ingest.core.domain.Chunk;
import dev.refdata.ingest.core.domain.ChunkPlan;
import dev.refdata.ingest.core.domain.CsvDialect;
import dev.refdata.ingest.core.domain.ObjectRef;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Cuts a streamed CSV object into chunks of about a target size that start and end exactly on record
 * boundaries, counting the records in each. The object is read once, front to back, through a fixed buffer:
 * memory does not grow with the object, a record or a chunk.
 *
 * <p>A chunk is closed at the first record end at or past the target size, so every chunk but the last holds
 * at least the target number of bytes and at least one record. Blank lines belong to the chunk they fall in;
 * blank lines after the last record belong to the last chunk.
 */
public final class ChunkPlanner {

    /** The header is a record like any other, but one that big is certainly not a header. */
    public static final int MAX_HEADER_BYTES = 64 * 1024;
    private static final int BUFFER_BYTES = 1 << 20;

    private final CsvDialect dialect;
    private final int bufferBytes;

    public ChunkPlanner(CsvDialect dialect) {
        this(dialect, BUFFER_BYTES);
    }

    /** With a chosen buffer size: small sizes let tests cross buffer boundaries everywhere. */
    ChunkPlanner(CsvDialect dialect, int bufferBytes) {
        this.dialect = Objects.requireNonNull(dialect, "dialect");
        if (bufferBytes < 1) {
            throw new IllegalArgumentException("bufferBytes must be positive");
        }
        this.bufferBytes = bufferBytes;
    }

    /**
     * Plans one object.
     *
     * @param object           the object being planned (named in the plan and its chunks)
     * @param in               the object's bytes from its first byte; read to the end, not closed
     * @param targetChunkBytes the size a chunk should reach before it is closed, at least 1
     * @throws MalformedCsvException when the bytes cannot be split into records (an unclosed quote, an
     *                               oversized header); the message names the line
     */
    public ChunkPlan plan(ObjectRef object, InputStream in, long targetChunkBytes) throws IOException {
        if (targetChunkBytes < 1) {
            throw new IllegalArgumentException("target chunk size must be at least 1 byte");
        }
        RecordStream records = new RecordStream(in, dialect, bufferBytes);
        BoundaryScanner scanner = records.scanner();
        List<String> header = List.of();
        if (dialect.header()) {
            var read = records.readHeader(MAX_HEADER_BYTES);
            if (read.isEmpty()) {
                // an empty object (or only a byte-order mark): no header, no records
                long size = scanner.offset();
                return new ChunkPlan(object, size, List.of(), new ByteRange(size, size), List.of(), 0, 0);
            }
            header = read.get();
        }

        long dataStart = scanner.offset();
        List<Chunk> chunks = new ArrayList<>();
        long chunkStart = dataStart;
        long chunkLine = scanner.line();
        long chunkRecords = 0;
        long total = 0;
        long blanks = 0;
        while (records.nextRecord(RecordStream.ByteSink.NONE)) {
            if (scanner.recordBlank()) {
                blanks++;
                continue;
            }
            chunkRecords++;
            if (scanner.recordEnd() - chunkStart >= targetChunkBytes) {
                chunks.add(new Chunk(chunks.size(), object, new ByteRange(chunkStart, scanner.recordEnd()),
                        chunkLine, chunkRecords));
                total += chunkRecords;
                chunkStart = scanner.recordEnd();
                chunkLine = scanner.line();
                chunkRecords = 0;
            }
        }
        long objectSize = scanner.offset();
        if (chunkRecords > 0) {
            chunks.add(new Chunk(chunks.size(), object, new ByteRange(chunkStart, objectSize), chunkLine, chunkRecords));
            total += chunkRecords;
        } else if (!chunks.isEmpty() && chunkStart < objectSize) {
            // only blank lines after the last record: they join the last chunk
            Chunk last = chunks.remove(chunks.size() - 1);
            chunks.add(new Chunk(last.number(), object, new ByteRange(last.range().start(), objectSize),
                    last.firstLine(), last.records()));
        }
        return new ChunkPlan(object, objectSize, header, new ByteRange(dataStart, objectSize), chunks, total, blanks);
    }

}
