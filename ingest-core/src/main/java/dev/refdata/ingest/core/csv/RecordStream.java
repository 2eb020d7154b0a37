package dev.refdata.ingest.core.csv;

import dev.refdata.ingest.core.domain.CsvDialect;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * A CSV byte stream walked record by record through a fixed buffer: the byte-order mark skipped, the header read,
 * then each record's end found by the {@link BoundaryScanner}. The bytes consumed can be handed on as they pass
 * (to copy records elsewhere) without ever holding a record whole. Used by every reader of whole objects: the
 * chunk planner and the gzip stager.
 */
final class RecordStream {

    /** Receives the bytes of the records as they are consumed. */
    interface ByteSink {
        ByteSink NONE = (b, off, len) -> { };

        void write(byte[] b, int off, int len) throws IOException;
    }

    private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final InputStream in;
    private final CsvDialect dialect;
    private final byte[] buf;
    private final BoundaryScanner scanner;
    private int filled;
    private int pos;
    private boolean finished;

    RecordStream(InputStream in, CsvDialect dialect, int bufferBytes) throws IOException {
        this.in = in;
        this.dialect = dialect;
        this.buf = new byte[Math.max(UTF8_BOM.length, bufferBytes)];
        this.filled = in.readNBytes(buf, 0, buf.length);
        this.pos = startsWithBom() ? UTF8_BOM.length : 0;
        this.scanner = new BoundaryScanner(dialect, pos, 1);
    }

    private boolean startsWithBom() {
        return filled >= 3 && buf[0] == UTF8_BOM[0] && buf[1] == UTF8_BOM[1] && buf[2] == UTF8_BOM[2];
    }

    /** The scanner, whose accessors describe the last record found. */
    BoundaryScanner scanner() {
        return scanner;
    }

    /**
     * Reads the header record.
     *
     * @return its fields, or empty when the stream holds nothing (an empty object, or only a byte-order mark)
     * @throws MalformedCsvException when the header is implausibly long (a missing line break, an open quote)
     */
    Optional<List<String>> readHeader(int maxHeaderBytes) throws IOException {
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        boolean found = nextRecord((b, off, len) -> {
            header.write(b, off, len);
            if (header.size() > maxHeaderBytes) {
                throw new MalformedCsvException(1, "the header is longer than " + maxHeaderBytes
                        + " bytes: is a line break missing or a quote unbalanced?");
            }
        });
        if (!found) {
            return Optional.empty();
        }
        return Optional.of(CsvRecordParser.forDialect(dialect).parseHeader(header.toByteArray()));
    }

    /**
     * Moves to the end of the next record, handing its bytes to {@code sink}.
     *
     * @return false at the end of the input (nothing more)
     * @throws MalformedCsvException when the input ends inside a quoted field
     */
    boolean nextRecord(ByteSink sink) throws IOException {
        if (finished) {
            return false;
        }
        while (true) {
            int end = scanner.nextRecordEnd(buf, pos, filled);
            if (end >= 0) {
                sink.write(buf, pos, end - pos);
                pos = end;
                return true;
            }
            sink.write(buf, pos, filled - pos);
            filled = in.readNBytes(buf, 0, buf.length);
            pos = 0;
            if (filled == 0) {
                finished = true;
                return scanner.finish();
            }
        }
    }
}
