package dev.refdata.ingest.benchmarks.endtoend;

import dev.refdata.ingest.core.csv.ChunkRecordReader;
import dev.refdata.ingest.core.csv.CsvRecord;
import dev.refdata.ingest.core.domain.Chunk;
import dev.refdata.ingest.core.domain.DatasetSpec;
import dev.refdata.ingest.core.domain.HeaderLayout;
import dev.refdata.ingest.core.load.BulkBuffer;
import dev.refdata.ingest.core.load.DocumentConverter;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The bulk NDJSON of a chunk, built ahead of time by the pipeline's own {@link DocumentConverter} (same ids,
 * external versions, fields and {@code _ingest} block as the loader sends), held in one array with each item's
 * end, so that the ceiling can post it in requests of any size without converting anything.
 */
final class PrebuiltBulk {

    private final byte[] bytes;
    private final int[] itemEnds;

    private PrebuiltBulk(byte[] bytes, int[] itemEnds) {
        this.bytes = bytes;
        this.itemEnds = itemEnds;
    }

    static PrebuiltBulk convert(byte[] csv, Chunk chunk, DatasetSpec spec, HeaderLayout layout, String runId,
                                String source) throws IOException {
        DocumentConverter converter = new DocumentConverter(spec, layout, runId, source);
        ByteArrayOutputStream all = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 16,
                (chunk.range().end() - chunk.range().start()) * 5 / 2));
        int[] ends = new int[(int) Math.max(16, chunk.records())];
        int items = 0;
        BulkBuffer buffer = new BulkBuffer(1 << 20);
        int flushed = 0;
        try (ChunkRecordReader reader = new ChunkRecordReader(new ByteArrayInputStream(csv,
                (int) chunk.range().start(), (int) (chunk.range().end() - chunk.range().start())),
                spec.dialect(), chunk.range().start(), chunk.firstLine())) {
            CsvRecord record;
            while ((record = reader.next()) != null) {
                if (converter.append(record, buffer) != null) {
                    continue; // rejected: the loader would not send it either
                }
                if (items == ends.length) {
                    ends = Arrays.copyOf(ends, items * 2);
                }
                ends[items++] = flushed + buffer.length();
                if (buffer.length() > (1 << 20)) {
                    flushed += buffer.length();
                    buffer.writeTo(all);
                    buffer.clear();
                }
            }
        }
        buffer.writeTo(all);
        return new PrebuiltBulk(all.toByteArray(), Arrays.copyOf(ends, items));
    }

    byte[] bytes() {
        return bytes;
    }

    int items() {
        return itemEnds.length;
    }

    /** Requests of {@code itemsPerRequest} items, or of at most {@code maxBytes} (whole items) when items is 0. */
    List<Slice> requests(int itemsPerRequest, int maxBytes) {
        List<Slice> out = new ArrayList<>();
        int start = 0;
        int first = 0;
        for (int i = 0; i < itemEnds.length; i++) {
            boolean full = itemsPerRequest > 0 ? i + 1 - first >= itemsPerRequest : itemEnds[i] - start >= maxBytes;
            if (full || i == itemEnds.length - 1) {
                out.add(new Slice(start, itemEnds[i] - start, i + 1 - first));
                start = itemEnds[i];
                first = i + 1;
            }
        }
        return out;
    }

    record Slice(int offset, int length, int items) {
    }
}
