package dev.refdata.ingest.core.csv;

import dev.refdata.ingest.core.domain.ByteRange;
import dev.refdata.ingest.core.domain.Chunk;
import dev.refdata.ingest.core.domain.CsvDialect;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.load.ReadAheadObjectStream;
import dev.refdata.ingest.core.port.out.ObjectStore;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Turns a gzipped CSV object, which cannot be cut by byte range, into plain staged parts that can: the object is
 * decompressed as a stream, once, and its records are copied into parts of about a target size that start and
 * end on record boundaries (a multipart upload each), without a header. The compressed bytes are fetched as
 * parts ahead of the decompression ({@link ReadAheadObjectStream}). Each part is one chunk; line numbers stay
 * those of the original file. Nothing is held whole in memory.
 */
public final class GzipStager {

    private static final int BUFFER_BYTES = 1 << 20;

    private final CsvDialect dialect;
    private final ObjectStore objects;

    public GzipStager(CsvDialect dialect, ObjectStore objects) {
        this.dialect = Objects.requireNonNull(dialect, "dialect");
        this.objects = Objects.requireNonNull(objects, "objects");
    }

    /**
     * The parts written, each a chunk covering the whole part.
     *
     * @param header  the original file's header fields (empty for a dialect without header or an empty file)
     * @param parts   the chunks, numbered from 0, one per staged part
     * @param records total records
     */
    public record Staged(List<String> header, List<Chunk> parts, long records) {
        public Staged {
            header = List.copyOf(header);
            parts = List.copyOf(parts);
        }
    }

    /**
     * Stages {@code source} as parts named {@code <partPrefix>part-000001.csv}, … in {@code bucket}.
     *
     * @throws MalformedCsvException when the CSV cannot be split into records (the line is named)
     * @throws IOException           when the object is not gzip, is truncated, or cannot be read
     */
    public Staged stage(ObjectRef source, String bucket, String partPrefix, long targetPartBytes) throws IOException {
        try (InputStream raw = ReadAheadObjectStream.whole(objects, source); // compressed bytes fetched ahead
             InputStream gz = new GZIPInputStream(new BufferedInputStream(raw, 64 * 1024), 64 * 1024)) {
            RecordStream records = new RecordStream(gz, dialect, BUFFER_BYTES);
            BoundaryScanner scanner = records.scanner();
            List<String> header = List.of();
            if (dialect.header()) {
                var read = records.readHeader(ChunkPlanner.MAX_HEADER_BYTES);
                if (read.isEmpty()) {
                    return new Staged(List.of(), List.of(), 0);
                }
                header = read.get();
            }
            List<Chunk> parts = new ArrayList<>();
            long total = 0;
            Part part = null;
            try {
                while (true) {
                    if (part == null) {
                        ObjectRef target = new ObjectRef(bucket, String.format("%spart-%06d.csv", partPrefix,
                                parts.size() + 1));
                        part = new Part(target, objects.startUpload(target, "text/csv"), scanner.line());
                    }
                    Part current = part;
                    if (!records.nextRecord(current::write)) {
                        break;
                    }
                    if (!scanner.recordBlank()) {
                        current.records++;
                    }
                    if (current.bytes >= targetPartBytes && current.records > 0) {
                        parts.add(current.publish(parts.size()));
                        total += current.records;
                        part = null;
                    }
                }
                if (part != null) {
                    if (part.records > 0) {
                        parts.add(part.publish(parts.size()));
                        total += part.records;
                    } else {
                        part.upload.abort(); // only blank lines were left
                    }
                    part = null;
                }
            } finally {
                if (part != null) {
                    part.upload.abort();
                }
            }
            return new Staged(header, parts, total);
        } catch (ZipException e) {
            throw new IOException(source + ": not a valid gzip file (" + e.getMessage() + ")", e);
        } catch (EOFException e) {
            throw new IOException(source + ": a truncated gzip file (" + e.getMessage() + ")", e);
        }
    }

    /** One staged part being written. */
    private static final class Part {
        final ObjectRef target;
        final ObjectStore.ObjectUpload upload;
        final long firstLine;
        long bytes;
        long records;

        Part(ObjectRef target, ObjectStore.ObjectUpload upload, long firstLine) {
            this.target = target;
            this.upload = upload;
            this.firstLine = firstLine;
        }

        void write(byte[] b, int off, int len) throws IOException {
            upload.write(b, off, len);
            bytes += len;
        }

        Chunk publish(int number) throws IOException {
            upload.close();
            return new Chunk(number, target, new ByteRange(0, bytes), firstLine, records);
        }
    }
}
