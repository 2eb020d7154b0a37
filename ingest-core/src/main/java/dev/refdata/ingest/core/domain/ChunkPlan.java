package dev.refdata.ingest.core.domain;

import java.util.List;
import java.util.Objects;

/**
 * How one object is cut into chunks. When the object holds records, the chunks' ranges tile the data region
 * exactly (each starts where the previous one ends, the first at the region's start, the last at its end);
 * an object without records (empty, header only, blank lines only) has no chunks.
 *
 * @param object      the planned object
 * @param objectSize  its size in bytes
 * @param header      the header's column names as written, or empty for a dialect without header
 * @param dataRegion  the bytes after the byte-order mark and header
 * @param chunks      the chunks, numbered from 0 in order
 * @param records     total records (blank lines excluded)
 * @param blankLines  empty lines seen in the data region
 */
public record ChunkPlan(ObjectRef object, long objectSize, List<String> header, ByteRange dataRegion,
                        List<Chunk> chunks, long records, long blankLines) {

    public ChunkPlan {
        Objects.requireNonNull(object, "object");
        Objects.requireNonNull(dataRegion, "dataRegion");
        header = List.copyOf(Objects.requireNonNull(header, "header"));
        chunks = List.copyOf(Objects.requireNonNull(chunks, "chunks"));
        if (dataRegion.end() != objectSize) {
            throw new IllegalArgumentException("the data region must end at the object's end");
        }
        long sum = 0;
        long expectedStart = dataRegion.start();
        for (int i = 0; i < chunks.size(); i++) {
            Chunk c = chunks.get(i);
            if (c.number() != i) {
                throw new IllegalArgumentException("chunk " + i + " is numbered " + c.number());
            }
            if (c.range().start() != expectedStart) {
                throw new IllegalArgumentException("chunk " + i + " starts at " + c.range().start()
                        + ", expected " + expectedStart + ": chunks must tile the data region");
            }
            expectedStart = c.range().end();
            sum += c.records();
        }
        if (!chunks.isEmpty() && expectedStart != dataRegion.end()) {
            throw new IllegalArgumentException("the last chunk ends at " + expectedStart + ", not at the data end "
                    + dataRegion.end());
        }
        if (sum != records) {
            throw new IllegalArgumentException("chunks hold " + sum + " records, plan says " + records);
        }
    }
}
