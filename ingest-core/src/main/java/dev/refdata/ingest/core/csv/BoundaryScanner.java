package dev.refdata.ingest.core.csv;

import dev.refdata.ingest.core.domain.CsvDialect;

/**
 * Finds where CSV records end in a stream of bytes, without decoding them, so that a file can be cut into
 * chunks that start and end exactly on record boundaries.
 *
 * <p>The rules are the field splitter's ({@link CsvRecordParser}, which splits as jackson-dataformat-csv did), so
 * that both always agree on what a record is:
 * <ul>
 *   <li>a record ends at LF, CRLF or a lone CR that is not inside a quoted field;</li>
 *   <li>a field is quoted only when its first byte is the quote character; inside it, delimiters and line
 *       breaks are data, and a doubled quote is one quote;</li>
 *   <li>after the closing quote, blanks are skipped up to the next delimiter or line break (any other byte is
 *       the reader's error for that record, and the scanner treats the rest of the field as unquoted);</li>
 *   <li>an empty line (a terminator right at the start of a record) is a blank record, which holds no data;</li>
 *   <li>every line break, inside quotes or not, counts as a physical line, CRLF once.</li>
 * </ul>
 *
 * <p>Use: feed contiguous buffers to {@link #nextRecordEnd}; each time it returns an index, one record ended and
 * {@link #recordStart()}, {@link #recordEnd()}, {@link #recordLine()} and {@link #recordBlank()} describe it.
 * At the end of input call {@link #finish()}. Delimiter and quote are ASCII, so scanning UTF-8 bytes is exact.
 * One instance scans one stream; it is not thread-safe.
 */
public final class BoundaryScanner {

    private static final int FIELD_START = 0;
    private static final int UNQUOTED = 1;
    private static final int QUOTED = 2;
    /** A quote seen inside a quoted field: a doubled quote or the closing one. */
    private static final int QUOTE_SEEN = 3;
    /** After a closing quote: only blanks may follow before the delimiter or line break. */
    private static final int AFTER_QUOTED = 4;
    /** A CR ended a record at the end of the last buffer; an LF first in the next one belongs to it. */
    private static final int CR_PENDING = 5;

    private static final byte LF = '\n';
    private static final byte CR = '\r';

    /** Eight lanes of one byte each, as the scan reads them (see {@link ByteLanes}). */
    private static final long LF_LANES = ByteLanes.broadcast(LF);
    private static final long CR_LANES = ByteLanes.broadcast(CR);

    private final byte delimiter;
    private final byte quote;
    /** The quote in all eight lanes: inside quotes and out, only it and line breaks need a look. */
    private final long quoteLanes;

    private int state = FIELD_START;
    /** A CR inside a quoted field was the last byte of a buffer: an LF first in the next one is the same line break. */
    private boolean quotedCrAtBufferEnd;

    /** Absolute offset of the next byte to be scanned. */
    private long offset;
    /** Physical line number of the next byte to be scanned (1-based). */
    private long line;

    private long currentStart;
    private long currentLine;
    private long quoteOpenLine;

    /** Whether the record being terminated is an empty line. */
    private boolean recordBlankCandidate;

    private long recordStart = -1;
    private long recordEnd = -1;
    private long recordLine = -1;
    private boolean recordBlank;

    /** A scanner for a stream that begins at offset 0, on line 1. */
    public BoundaryScanner(CsvDialect dialect) {
        this(dialect, 0, 1);
    }

    /**
     * A scanner for bytes that begin at {@code startOffset} of a file, on physical line {@code startLine}; the
     * first byte must be the start of a record.
     */
    public BoundaryScanner(CsvDialect dialect, long startOffset, long startLine) {
        if (startOffset < 0 || startLine < 1) {
            throw new IllegalArgumentException("startOffset >= 0 and startLine >= 1 required");
        }
        this.delimiter = (byte) dialect.delimiter();
        this.quote = (byte) dialect.quote();
        this.quoteLanes = ByteLanes.broadcast(quote);
        this.offset = startOffset;
        this.line = startLine;
        this.currentStart = startOffset;
        this.currentLine = startLine;
    }

    /**
     * Scans {@code buf[from, to)}, the bytes that follow the ones already scanned, until one record ends.
     *
     * @return the index just past the record's terminator (it may equal {@code from} when a CR at the end of
     *         the previous buffer ended the record), or -1 when the buffer ran out first
     */
    public int nextRecordEnd(byte[] buf, int from, int to) {
        final long base = offset - from;
        int i = from;
        if (i < to && quotedCrAtBufferEnd) {
            quotedCrAtBufferEnd = false;
            if (buf[i] == LF) {
                i++;
            }
        }
        if (state == CR_PENDING) {
            if (i == to) {
                return -1;
            }
            int end = buf[i] == LF ? i + 1 : i;
            return endRecord(base, end);
        }
        final byte delimiter = this.delimiter;
        final byte quote = this.quote;
        int st = state;
        while (i < to) {
            switch (st) {
                case FIELD_START, UNQUOTED -> {
                    // Outside quotes only two things matter: a line break, and a quote that opens a field (one
                    // right after a delimiter or at the record's start; elsewhere it is data). Delimiters need no
                    // stop: whether a quote follows one is read from the byte before it. The hot loop skips
                    // plain bytes eight at a time.
                    final int skipFrom = i;
                    int p = skipToAny(buf, i, to, quoteLanes, quote);
                    if (p == to) {
                        if (p > skipFrom) {
                            st = buf[p - 1] == delimiter ? FIELD_START : UNQUOTED;
                        }
                        i = to;
                        break;
                    }
                    int stHere = p == skipFrom ? st : buf[p - 1] == delimiter ? FIELD_START : UNQUOTED;
                    if (buf[p] == quote) {
                        if (stHere == FIELD_START) {
                            quoteOpenLine = line;
                            st = QUOTED;
                        } else {
                            st = UNQUOTED;
                        }
                        i = p + 1;
                    } else {
                        int r = terminate(buf, p, to, base, stHere);
                        return r == Integer.MIN_VALUE ? -1 : r;
                    }
                }
                case QUOTED -> {
                    while (i < to) {
                        i = skipToAny(buf, i, to, quoteLanes, quote);
                        if (i == to) {
                            break;
                        }
                        byte b = buf[i];
                        if (b == quote) {
                            st = QUOTE_SEEN;
                            i++;
                            break;
                        }
                        line++;
                        if (b == CR) {
                            if (i + 1 < to) {
                                if (buf[i + 1] == LF) {
                                    i++;
                                }
                            } else {
                                quotedCrAtBufferEnd = true;
                            }
                        }
                        i++;
                    }
                }
                case QUOTE_SEEN, AFTER_QUOTED -> {
                    byte b = buf[i];
                    if (b == quote && st == QUOTE_SEEN) {
                        st = QUOTED;
                        i++;
                    } else if (b == delimiter) {
                        st = FIELD_START;
                        i++;
                    } else if (b == LF || b == CR) {
                        int r = terminate(buf, i, to, base, st);
                        return r == Integer.MIN_VALUE ? -1 : r;
                    } else if ((b & 0xFF) <= ' ') {
                        st = AFTER_QUOTED;
                        i++;
                    } else {
                        // Text after a closing quote: the reader rejects this record; keep framing it as unquoted.
                        st = UNQUOTED;
                        i++;
                    }
                }
                default -> throw new IllegalStateException("scanner state " + st);
            }
        }
        state = st;
        offset = base + to;
        return -1;
    }

    /**
     * The index of the first byte in {@code buf[i, to)} that is {@code special}, LF or CR, or {@code to}.
     *
     * <p>Eight bytes per step ({@link ByteLanes}); the last fewer-than-eight bytes are looked at one by one.
     */
    private static int skipToAny(byte[] buf, int i, int to, long specialLanes, byte special) {
        final int lastWord = to - Long.BYTES;
        while (i <= lastWord) {
            long word = ByteLanes.wordAt(buf, i);
            long hits = ByteLanes.equalLanes(word, specialLanes) | ByteLanes.equalLanes(word, LF_LANES)
                    | ByteLanes.equalLanes(word, CR_LANES);
            if (hits != 0) {
                return i + ByteLanes.firstLane(hits);
            }
            i += Long.BYTES;
        }
        while (i < to) {
            byte b = buf[i];
            if (b == special || b == LF || b == CR) {
                return i;
            }
            i++;
        }
        return to;
    }

    /**
     * Handles a line break at {@code buf[i]} outside quotes: the current record ends there.
     *
     * @return the index past the terminator, or {@link Integer#MIN_VALUE} when a CR was the buffer's last byte
     */
    private int terminate(byte[] buf, int i, int to, long base, int st) {
        long terminatorAt = base + i;
        recordBlankCandidate = st == FIELD_START && terminatorAt == currentStart;
        if (buf[i] == LF) {
            return endRecord(base, i + 1);
        }
        if (i + 1 < to) {
            return endRecord(base, buf[i + 1] == LF ? i + 2 : i + 1);
        }
        state = CR_PENDING;
        offset = base + to;
        return Integer.MIN_VALUE;
    }

    private int endRecord(long base, int end) {
        line++;
        recordStart = currentStart;
        recordEnd = base + end;
        recordLine = currentLine;
        recordBlank = recordBlankCandidate;
        recordBlankCandidate = false;
        currentStart = recordEnd;
        currentLine = line;
        offset = recordEnd;
        state = FIELD_START;
        return end;
    }

    /**
     * Ends the input. A record still open (no final line break) ends here.
     *
     * @return whether a record ended, described by the accessors
     * @throws MalformedCsvException when the input ends inside a quoted field
     */
    public boolean finish() {
        if (state == CR_PENDING) {
            endRecord(offset, 0);
            return true;
        }
        if (state == QUOTED) {
            throw new MalformedCsvException(quoteOpenLine,
                    "a quoted field opened on this line is never closed before the end of the input");
        }
        if (offset == currentStart) {
            return false;
        }
        long end = offset;
        recordStart = currentStart;
        recordEnd = end;
        recordLine = currentLine;
        recordBlank = false;
        currentStart = end;
        currentLine = line;
        state = FIELD_START;
        return true;
    }

    /** Absolute offset of the first byte of the last record found. */
    public long recordStart() {
        return recordStart;
    }

    /** Absolute offset just past the last record's terminator (or the end of input). */
    public long recordEnd() {
        return recordEnd;
    }

    /** Physical line on which the last record starts. */
    public long recordLine() {
        return recordLine;
    }

    /** Whether the last record was an empty line, which holds no data. */
    public boolean recordBlank() {
        return recordBlank;
    }

    /** Absolute offset of the next byte to scan. */
    public long offset() {
        return offset;
    }

    /** Physical line of the next byte to scan. */
    public long line() {
        return line;
    }

    /** Absolute offset where the record being scanned (not yet ended) starts. */
    public long pendingRecordStart() {
        return currentStart;
    }

    /** Physical line where the record being scanned (not yet ended) starts. */
    public long pendingRecordLine() {
        return currentLine;
    }

    /** Whether the scanner is between records (nothing of a next record seen yet). */
    public boolean atRecordStart() {
        return state == FIELD_START && offset == currentStart && !quotedCrAtBufferEnd;
    }
}
