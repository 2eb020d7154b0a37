package dev.refdata.ingest.core.csv;

import dev.refdata.ingest.core.domain.CsvDialect;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * Reads the records of one chunk (or of a whole data region) from a stream of its bytes, with each record's
 * absolute line number and byte offsets.
 *
 * <p>Records are framed by the {@link BoundaryScanner}, the same rules the chunk planner used, so a chunk reads
 * exactly the records it was planned with. Records are framed a read block at a time but split into fields by the
 * {@link CsvRecordParser} a small group at a time, when asked for: the reader holds at most {@value #PARSE_GROUP}
 * parsed records ahead of its caller (its memory is the read buffer and the block's offsets, whatever the chunk's
 * size), and one parser call serves the whole group. When a group fails to parse, its records are parsed one by
 * one so that only the bad ones are reported as malformed and reading goes on. Memory is bounded: a record longer than
 * {@code maxRecordBytes} is not held,
 * only its first bytes, and is returned as malformed; the scan streams past the rest of it. A record with a field
 * longer than {@code maxFieldBytes} is returned as malformed too, naming the field.
 *
 * <p>Blank lines are skipped. The stream is closed by {@link #close()}. Not thread-safe.
 */
public final class ChunkRecordReader implements Closeable {

    /** Default limit on one record's size: a reference-data record is a few hundred bytes; 1 MiB is far beyond. */
    public static final int DEFAULT_MAX_RECORD_BYTES = 1 << 20;
    /** Default limit on one field's size (UTF-8 bytes): no single value of a document should come near it. */
    public static final int DEFAULT_MAX_FIELD_BYTES = 256 * 1024;
    /** How much of an oversized record is kept for the report. */
    static final int OVERSIZE_PREVIEW_BYTES = 4 * 1024;
    private static final int DEFAULT_READ_BYTES = 256 * 1024;
    /**
     * Framed records split into fields by one parser call: enough to make the call's cost vanish (one call per
     * record cost the reader a third of its speed), few enough that the records parsed ahead weigh nothing.
     */
    static final int PARSE_GROUP = 64;

    private final InputStream in;
    private final BoundaryScanner scanner;
    private final CsvRecordParser parser;
    private final byte quote;
    private final int maxRecordBytes;
    private final int maxFieldBytes;
    /** How many bytes one read asks for; also the size of a block of records framed together. */
    private final int readBytes;

    /** Bytes read but not yet framed into records returned: buf[0, filled); buf[0] is at absolute bufOffset. */
    private byte[] buf;
    private int filled;
    private long bufOffset;
    private int scanPos;
    private boolean eof;
    /** The end of input has been framed: nothing more to read. */
    private boolean finished;

    /** Records of the current group, parsed and ready to be returned (or one oversized record, not parsed). */
    private final CsvRecord[] ready = new CsvRecord[PARSE_GROUP];
    private int readyCount;
    private int readyNext;
    /** Receives the one row of a record parsed alone. */
    private final RowCapture capture = new RowCapture();
    /** Receives the rows of a group parsed together. */
    private final GroupSink groupSink = new GroupSink();

    // framing of the current block, parallel arrays; records before recNext have been parsed
    private int[] recStart = new int[256];
    private int[] recEnd = new int[256];
    private long[] recLine = new long[256];
    private long[] recNextLine = new long[256];
    private boolean[] recBlank = new boolean[256];
    private int recCount;
    private int recNext;

    private long endOffset;

    /**
     * @param in             the bytes, starting at the first byte of a record
     * @param dialect        the CSV dialect
     * @param startOffset    absolute offset of the first byte in the file
     * @param startLine      physical line number of the first byte
     * @param maxRecordBytes records longer than this are returned as malformed, never held whole
     */
    public ChunkRecordReader(InputStream in, CsvDialect dialect, long startOffset, long startLine, int maxRecordBytes) {
        this(in, dialect, startOffset, startLine, new RecordLimits(maxRecordBytes, maxRecordBytes));
    }

    /**
     * @param limits records longer than its record limit are returned as malformed, never held whole; so are
     *               records with a field over its field limit
     */
    public ChunkRecordReader(InputStream in, CsvDialect dialect, long startOffset, long startLine,
                             RecordLimits limits) {
        this(in, dialect, startOffset, startLine, limits, DEFAULT_READ_BYTES);
    }

    /** With a chosen read size: small sizes let tests cross buffer boundaries everywhere. */
    ChunkRecordReader(InputStream in, CsvDialect dialect, long startOffset, long startLine, int maxRecordBytes,
                      int readBytes) {
        this(in, dialect, startOffset, startLine, new RecordLimits(maxRecordBytes, maxRecordBytes), readBytes);
    }

    ChunkRecordReader(InputStream in, CsvDialect dialect, long startOffset, long startLine, RecordLimits limits,
                      int readBytes) {
        if (readBytes < 1) {
            throw new IllegalArgumentException("readBytes must be positive");
        }
        this.readBytes = readBytes;
        this.in = Objects.requireNonNull(in, "in");
        this.scanner = new BoundaryScanner(dialect, startOffset, startLine);
        this.parser = CsvRecordParser.forDialect(dialect);
        this.quote = (byte) dialect.quote();
        this.maxRecordBytes = limits.maxRecordBytes();
        this.maxFieldBytes = limits.maxFieldBytes();
        this.buf = new byte[readBytes];
        this.bufOffset = startOffset;
        this.endOffset = startOffset;
    }

    public ChunkRecordReader(InputStream in, CsvDialect dialect, long startOffset, long startLine) {
        this(in, dialect, startOffset, startLine, RecordLimits.DEFAULTS);
    }

    /**
     * The next record, or {@code null} after the last one.
     *
     * @throws MalformedCsvException when the input ends inside a quoted field
     */
    public CsvRecord next() throws IOException {
        CsvRecord record = null;
        while (record == null) {
            if (readyNext < readyCount) {
                record = ready[readyNext];
                ready[readyNext++] = null;
            } else if (recNext < recCount) {
                parseGroup();
            } else if (!fillBlock()) {
                return null;
            }
        }
        endOffset = record.endOffset();
        return record;
    }

    /** Absolute offset just past the last record returned: where reading would resume. */
    public long offset() {
        return endOffset;
    }

    /** Frames the next block of records (or finds one oversized record). Returns false at the end of input. */
    private boolean fillBlock() throws IOException {
        recCount = 0;
        recNext = 0;
        readyCount = 0;
        readyNext = 0;
        while (recCount == 0) {
            if (scanPos == filled) {
                if (eof) {
                    return finishInput();
                }
                readMore();
                continue;
            }
            int end;
            int recordStart = startOfPartial();
            while ((end = scanner.nextRecordEnd(buf, scanPos, filled)) >= 0) {
                addFramed(recordStart, end);
                scanPos = end;
                recordStart = end;
            }
            scanPos = filled;
            if (recCount == 0) {
                if (filled - startOfPartial() > maxRecordBytes) {
                    skipOversizedRecord();
                    return true;
                }
                if (eof) {
                    return finishInput();
                }
                readMore();
            }
        }
        return true;
    }

    private int startOfPartial() {
        return (int) (scanner.pendingRecordStart() - bufOffset);
    }

    private void addFramed(int start, int end) {
        if (recCount == recStart.length) {
            int n = recCount * 2;
            recStart = Arrays.copyOf(recStart, n);
            recEnd = Arrays.copyOf(recEnd, n);
            recLine = Arrays.copyOf(recLine, n);
            recNextLine = Arrays.copyOf(recNextLine, n);
            recBlank = Arrays.copyOf(recBlank, n);
        }
        recStart[recCount] = start;
        recEnd[recCount] = end;
        recLine[recCount] = scanner.recordLine();
        recNextLine[recCount] = scanner.line();
        recBlank[recCount] = scanner.recordBlank();
        recCount++;
    }

    /**
     * Moves the unframed tail of the buffer to the front of a fresh buffer (the old one stays with the records
     * that point into it) and reads more bytes after it.
     */
    private void readMore() throws IOException {
        int keepFrom = startOfPartial();
        int keep = filled - keepFrom;
        int capacity = Math.max(readBytes, Math.min(keep + readBytes, maxRecordBytes + readBytes));
        byte[] next = new byte[Math.max(capacity, keep + 1)];
        System.arraycopy(buf, keepFrom, next, 0, keep);
        buf = next;
        bufOffset += keepFrom;
        filled = keep;
        scanPos = keep;
        int n = in.readNBytes(buf, filled, buf.length - filled);
        if (n == 0) {
            eof = true;
        }
        filled += n;
    }

    /** End of input: a last record without a line break, or nothing. */
    private boolean finishInput() {
        if (finished) {
            return false;
        }
        finished = true;
        if (!scanner.finish()) {
            return false;
        }
        int start = (int) (scanner.recordStart() - bufOffset);
        int end = (int) (scanner.recordEnd() - bufOffset);
        if (end - start > maxRecordBytes) {
            byte[] preview = Arrays.copyOfRange(buf, start, start + OVERSIZE_PREVIEW_BYTES);
            readyOne(new CsvRecord(scanner.recordLine(), scanner.line(), scanner.recordStart(), scanner.recordEnd(),
                    null, quote, oversize(end - start), preview, 0, preview.length, true));
            return true;
        }
        addFramed(start, end);
        return true;
    }

    /** Parses the next group of framed records into {@code ready}, skipping blank ones. */
    private void parseGroup() {
        int from = recNext;
        int to = Math.min(recCount, from + PARSE_GROUP);
        recNext = to;
        readyCount = 0;
        readyNext = 0;
        if (!parseWholeGroup(from, to)) {
            readyCount = 0;
            for (int r = from; r < to; r++) {
                if (!recBlank[r]) {
                    ready[readyCount++] = parseOne(r);
                }
            }
        }
    }

    /** The fast path: one parser call over records [from, to). False when any of them needs to be looked at alone. */
    private boolean parseWholeGroup(int from, int to) {
        for (int r = from; r < to; r++) {
            if (recEnd[r] - recStart[r] > maxRecordBytes) {
                return false;
            }
        }
        groupSink.start(from, to);
        try {
            int rows = parser.parseSpans(buf, recStart[from], recEnd[to - 1] - recStart[from], groupSink);
            return rows == to - from;
        } catch (CsvRecordParser.CsvRecordException e) {
            return false;
        }
    }

    /** Turns the rows of a group's single parser call into records, row by row in framing order. */
    private final class GroupSink implements CsvRecordParser.SpanSink {
        private int next;
        private int end;

        void start(int from, int to) {
            next = from;
            end = to;
        }

        @Override
        public void row(int[] spans) {
            int r = next++;
            if (r < end && !recBlank[r]) {
                ready[readyCount++] = record(r, spans, null);
            }
        }
    }

    private CsvRecord parseOne(int r) {
        if (recEnd[r] - recStart[r] > maxRecordBytes) {
            byte[] preview = Arrays.copyOfRange(buf, recStart[r], recStart[r] + OVERSIZE_PREVIEW_BYTES);
            return new CsvRecord(recLine[r], recNextLine[r], bufOffset + recStart[r], bufOffset + recEnd[r], null,
                    quote, oversize(recEnd[r] - recStart[r]), preview, 0, preview.length, true);
        }
        capture.clear();
        try {
            parser.parseSpans(buf, recStart[r], recEnd[r] - recStart[r], capture);
        } catch (CsvRecordParser.CsvRecordException e) {
            return record(r, null, e.getMessage());
        }
        if (capture.rows != 1) {
            return record(r, null, "the record splits into " + capture.rows + " rows");
        }
        int[] spans = capture.spans;
        capture.clear();
        return record(r, spans, null);
    }

    /** The rows the parser hands over for one framed record: one, unless the record is broken. */
    private static final class RowCapture implements CsvRecordParser.SpanSink {
        private int[] spans;
        private int rows;

        void clear() {
            spans = null;
            rows = 0;
        }

        @Override
        public void row(int[] row) {
            rows++;
            spans = row;
        }
    }

    private CsvRecord record(int r, int[] spans, String problem) {
        if (spans != null && problem == null) {
            problem = oversizedField(spans);
            if (problem != null) {
                spans = null;
            }
        }
        int start = recStart[r];
        int end = recEnd[r];
        int contentEnd = end;
        if (contentEnd > start && buf[contentEnd - 1] == '\n') {
            contentEnd--;
        }
        if (contentEnd > start && buf[contentEnd - 1] == '\r') {
            contentEnd--;
        }
        return new CsvRecord(recLine[r], recNextLine[r], bufOffset + start, bufOffset + end, spans, quote, problem,
                buf, start, contentEnd - start, false);
    }

    /** Why a field is over the limit, or null. A field's value is at most as long as its bytes in the record. */
    private String oversizedField(int[] spans) {
        for (int i = 0, n = FieldSpans.count(spans); i < n; i++) {
            if (FieldSpans.end(spans, i) - FieldSpans.start(spans, i) > maxFieldBytes) {
                int bytes = FieldSpans.valueBytes(buf, spans, i, quote);
                if (bytes > maxFieldBytes) {
                    return "field " + (i + 1) + " is " + bytes + " bytes long, over the limit of " + maxFieldBytes
                            + " bytes";
                }
            }
        }
        return null;
    }

    /**
     * The record being framed is longer than the limit: keep its first bytes, scan (and drop) the rest, and
     * return it as one malformed record. The bytes after it start the next buffer.
     */
    private void skipOversizedRecord() throws IOException {
        int start = startOfPartial();
        long recordOffset = scanner.pendingRecordStart();
        long recordLine = scanner.pendingRecordLine();
        byte[] preview = Arrays.copyOfRange(buf, start, start + Math.min(OVERSIZE_PREVIEW_BYTES, filled - start));
        // never reuse buf: records already returned may still point into it
        byte[] scratch = new byte[readBytes];
        long recordEnd;
        int restFrom;
        int restTo;
        while (true) {
            int n = in.readNBytes(scratch, 0, readBytes);
            if (n == 0) {
                scanner.finish();
                recordEnd = scanner.recordEnd();
                restFrom = 0;
                restTo = 0;
                eof = true;
                break;
            }
            int end = scanner.nextRecordEnd(scratch, 0, n);
            if (end >= 0) {
                recordEnd = scanner.recordEnd();
                restFrom = end;
                restTo = n;
                break;
            }
        }
        long size = recordEnd - recordOffset;
        byte[] next = new byte[readBytes];
        System.arraycopy(scratch, restFrom, next, 0, restTo - restFrom);
        buf = next;
        bufOffset = recordEnd;
        filled = restTo - restFrom;
        scanPos = 0;
        readyOne(new CsvRecord(recordLine, scanner.line(), recordOffset, recordEnd, null, quote, oversize(size),
                preview, 0, preview.length, true));
    }

    /** A record that needs no parsing (an oversized one) as the only one ready. */
    private void readyOne(CsvRecord record) {
        ready[0] = record;
        readyCount = 1;
        readyNext = 0;
    }

    private String oversize(long size) {
        return "the record is " + size + " bytes long, over the limit of " + maxRecordBytes + " bytes";
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
