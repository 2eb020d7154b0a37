package dev.refdata.ingest.core.csv;

import dev.refdata.ingest.core.domain.CsvDialect;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits already framed CSV records into fields, working on the UTF-8 bytes: the delimiter, the quote and the
 * line breaks are ASCII, so they are found without decoding, and each field is handed over as where it is in the
 * bytes ({@link FieldSpans}); only {@link #parseRows} (the header, the tests) makes strings of them.
 *
 * <p>The rules are those jackson-dataformat-csv applied when it split the records (with no escape character, no
 * comments, no trimming) plus the checks that ran over the decoded text before it; a differential test holds the
 * two to the same rows and the same messages:
 * <ul>
 *   <li>text is strict UTF-8: invalid bytes are an error, never a silent replacement character (the check
 *       skips ASCII eight bytes at a time);</li>
 *   <li>a record ends at LF, CRLF or a lone CR outside quotes; an empty line is a row of one empty field; a
 *       delimiter at the end of a record is followed by one more, empty, field;</li>
 *   <li>a field is quoted only when its first character is the quote; inside it, delimiters and line breaks are
 *       data and a doubled quote is one quote; after the closing quote, blanks (any character up to the space)
 *       are skipped up to the delimiter or line break, and anything else is an error;</li>
 *   <li>never a value, and rejected wherever they stand: a NUL (binary content or a broken export); a byte-order
 *       mark, which would be invisible inside an id (files concatenated with their marks); a quote inside an
 *       unquoted field ({@code ab"c}, or {@code  "x"} with a blank before the opening quote), which means the
 *       field was meant to be quoted, or a quote was not doubled.</li>
 * </ul>
 *
 * <p>An error that comes first in the text is not always the one reported: invalid UTF-8 anywhere in the bytes
 * parsed comes before any other, then a NUL, byte-order mark or misplaced quote anywhere, then what is wrong with
 * the structure. Rows handed to the sink before an error are to be discarded. One instance per thread: it reuses
 * its buffers.
 */
final class CsvRecordParser {

    /** Receives parsed rows as strings. */
    interface RowSink {
        void row(String[] fields);
    }

    /**
     * Receives parsed rows as where their fields are in the bytes parsed, without decoding them: two ints a field
     * (see {@link FieldSpans}), in an array of their own that the sink may keep.
     */
    interface SpanSink {
        void row(int[] spans);
    }

    private static final byte LF = '\n';
    private static final byte CR = '\r';
    private static final byte SPACE = ' ';
    private static final byte NUL = 0;
    private static final byte BOM_1 = (byte) 0xEF;
    private static final byte BOM_2 = (byte) 0xBB;
    private static final byte BOM_3 = (byte) 0xBF;

    private static final long LF_LANES = ByteLanes.broadcast(LF);
    private static final long CR_LANES = ByteLanes.broadcast(CR);
    private static final long BOM_1_LANES = ByteLanes.broadcast(BOM_1);

    private final CsvDialect dialect;
    private final byte delimiter;
    private final byte quote;
    private final long delimiterLanes;
    private final long quoteLanes;
    /** The current row's fields, two ints each (see {@link FieldSpans}). */
    private int[] spans = new int[32];
    private int fieldCount;

    private CsvRecordParser(CsvDialect dialect) {
        this.dialect = dialect;
        this.delimiter = (byte) dialect.delimiter();
        this.quote = (byte) dialect.quote();
        this.delimiterLanes = ByteLanes.broadcast(delimiter);
        this.quoteLanes = ByteLanes.broadcast(quote);
    }

    static CsvRecordParser forDialect(CsvDialect dialect) {
        return new CsvRecordParser(dialect);
    }

    CsvDialect dialect() {
        return dialect;
    }

    /** The fields of a header record. */
    List<String> parseHeader(byte[] header) {
        List<String[]> rows = new ArrayList<>(1);
        try {
            parseRows(header, 0, header.length, rows::add);
        } catch (CsvRecordException e) {
            throw new MalformedCsvException(1, "the header cannot be read: " + e.getMessage());
        }
        if (rows.isEmpty()) {
            return List.of();
        }
        return List.of(rows.get(0));
    }

    /**
     * Parses {@code buf[off, off+len)}, which holds whole records, and hands each row to {@code sink}.
     *
     * @return the number of rows
     * @throws CsvRecordException when the text is not valid UTF-8 or not valid CSV; rows handed to the sink
     *                            before it are to be discarded
     */
    int parseRows(byte[] buf, int off, int len, RowSink sink) {
        return parseSpans(buf, off, len, spans -> sink.row(FieldSpans.decodeAll(buf, spans, quote)));
    }

    /**
     * Parses {@code buf[off, off+len)} as {@link #parseRows} does, but hands each row over as where its fields
     * are in {@code buf}, decoding nothing: the bytes of a field are what its value is, but for a quoted field with
     * doubled quotes, which {@link FieldSpans} marks.
     */
    int parseSpans(byte[] buf, int off, int len, SpanSink sink) {
        int end = off + len;
        int invalid = StrictUtf8.firstInvalid(buf, off, end);
        if (invalid >= 0) {
            throw new CsvRecordException("invalid UTF-8 at byte " + (invalid - off) + " of the record");
        }
        try {
            return split(buf, off, end, sink);
        } catch (CsvRecordException e) {
            String misplaced = firstMisplacedCharacter(buf, off, end);
            throw misplaced == null ? e : new CsvRecordException(misplaced);
        }
    }

    /**
     * The rows of {@code buf[from, to)}, valid UTF-8. Throws at the first error in the structure, and at a NUL,
     * byte-order mark or misplaced quote with a message that the caller replaces by the first of them in the text.
     */
    private int split(byte[] buf, int from, int to, SpanSink sink) {
        if (from == to) {
            return 0;
        }
        final byte delimiter = this.delimiter;
        final byte quote = this.quote;
        int rows = 0;
        int i = from;
        fieldCount = 0;
        while (true) {
            // i is at the start of a field, possibly at the end of the input (after a delimiter)
            int lineBreak;
            if (i == to) {
                addField(to, to, false);
                lineBreak = to;
            } else if (buf[i] == quote) {
                int close = quotedFieldEnd(buf, i + 1, to);
                i = close + 1;
                // after the closing quote: blanks, then the delimiter, a line break or the end
                while (true) {
                    if (i == to) {
                        lineBreak = to;
                        break;
                    }
                    byte b = buf[i];
                    if (b == delimiter) {
                        lineBreak = -1;
                        break;
                    }
                    if (b == LF || b == CR) {
                        lineBreak = i;
                        break;
                    }
                    if (b == NUL) {
                        throw new CsvRecordException("a NUL character");
                    }
                    if (b < 0 || b > SPACE) {
                        throw new CsvRecordException("Unexpected character (" + charDescription(charAt(buf, i))
                                + "): Expected column separator character (" + charDescription(delimiter & 0xFF)
                                + ") or end-of-line");
                    }
                    i++;
                }
            } else {
                int start = i;
                while (true) {
                    i = nextStop(buf, i, to, delimiterLanes, LF_LANES, CR_LANES);
                    if (i == to) {
                        lineBreak = to;
                        break;
                    }
                    byte b = buf[i];
                    if (b == delimiter) {
                        lineBreak = -1;
                        break;
                    }
                    if (b == LF || b == CR) {
                        lineBreak = i;
                        break;
                    }
                    if (b == quote) {
                        throw new CsvRecordException("a quote inside an unquoted field");
                    }
                    if (b == NUL) {
                        throw new CsvRecordException("a NUL character");
                    }
                    if (b == BOM_1 && isBom(buf, i, to)) {
                        throw new CsvRecordException("a byte-order mark");
                    }
                    i++;
                }
                addField(start, i, false);
            }
            if (lineBreak < 0) {
                i++; // past the delimiter: another field follows, empty at the end of the input
                continue;
            }
            sink.row(Arrays.copyOf(spans, fieldCount * 2));
            fieldCount = 0;
            rows++;
            if (lineBreak == to) {
                return rows;
            }
            i = lineBreak + 1;
            if (buf[lineBreak] == CR && i < to && buf[i] == LF) {
                i++;
            }
            if (i == to) {
                return rows;
            }
        }
    }

    /**
     * Finds the quote that closes the quoted field whose text starts at {@code from}, adds the field, and returns
     * the closing quote's index.
     */
    private int quotedFieldEnd(byte[] buf, int from, int to) {
        final byte quote = this.quote;
        int doubled = 0;
        int i = from;
        while (true) {
            i = nextStop(buf, i, to, quoteLanes, quoteLanes, quoteLanes);
            if (i == to) {
                throw new CsvRecordException("Missing closing quote for value");
            }
            byte b = buf[i];
            if (b == quote) {
                if (i + 1 < to && buf[i + 1] == quote) {
                    doubled++;
                    i += 2;
                    continue;
                }
                break;
            }
            if (b == NUL) {
                throw new CsvRecordException("a NUL character");
            }
            if (b == BOM_1 && isBom(buf, i, to)) {
                throw new CsvRecordException("a byte-order mark");
            }
            i++;
        }
        addField(from, i, doubled > 0);
        return i;
    }

    /**
     * The index of the first byte in {@code buf[i, to)} that a field must stop at, or {@code to}: the quote, a NUL,
     * the first byte of a byte-order mark, and the three bytes repeated in {@code a}, {@code b} and {@code c}
     * (outside quotes the delimiter, LF and CR; inside them, the quote again). Eight bytes at a time
     * ({@link ByteLanes}), reading up to the end of the array, not of the range, so that no byte is left for a
     * slow loop unless the array ends; a match past {@code to} counts as {@code to}.
     */
    private int nextStop(byte[] buf, int i, int to, long a, long b, long c) {
        final int lastWord = buf.length - Long.BYTES;
        while (i < to) {
            if (i > lastWord) {
                byte x = buf[i];
                if (x == quote || x == NUL || x == BOM_1 || x == (byte) a || x == (byte) b || x == (byte) c) {
                    return i;
                }
                i++;
                continue;
            }
            long word = ByteLanes.wordAt(buf, i);
            long hits = ByteLanes.equalLanes(word, quoteLanes) | ByteLanes.zeroLanes(word)
                    | ByteLanes.equalLanes(word, BOM_1_LANES) | ByteLanes.equalLanes(word, a)
                    | ByteLanes.equalLanes(word, b) | ByteLanes.equalLanes(word, c);
            if (hits != 0) {
                return Math.min(i + ByteLanes.firstLane(hits), to);
            }
            i += Long.BYTES;
        }
        return to;
    }

    private void addField(int start, int end, boolean doubledQuotes) {
        if (fieldCount * 2 == spans.length) {
            spans = Arrays.copyOf(spans, spans.length * 2);
        }
        spans[fieldCount * 2] = start;
        spans[fieldCount * 2 + 1] = doubledQuotes ? ~end : end;
        fieldCount++;
    }

    private static boolean isBom(byte[] buf, int i, int to) {
        return i + 2 < to && buf[i] == BOM_1 && buf[i + 1] == BOM_2 && buf[i + 2] == BOM_3;
    }

    /** The UTF-16 char at {@code buf[i]}, valid UTF-8: of a character outside the BMP, its high surrogate. */
    private static int charAt(byte[] buf, int i) {
        byte b = buf[i];
        if (b >= 0) {
            return b;
        }
        return new String(buf, i, StrictUtf8.sequenceLength(b), StandardCharsets.UTF_8).charAt(0);
    }

    /** A character as the CSV parser described it in its messages. */
    private static String charDescription(int ch) {
        char c = (char) ch;
        if (Character.isISOControl(c)) {
            return "(CTRL-CHAR, code " + ch + ")";
        }
        if (ch > 255) {
            return "'" + c + "' (code " + ch + " / 0x" + Integer.toHexString(ch) + ")";
        }
        return "'" + c + "' (code " + ch + ")";
    }

    /**
     * The first NUL, byte-order mark or quote inside an unquoted field in {@code buf[from, to)} (valid UTF-8), as
     * a message that places it by character (UTF-16 units, as the text was once decoded), or null. Quoting is
     * followed simply: a field is quoted when the quote is its first character, and a quote that is not doubled
     * closes it; what comes after a closing quote is the structure's business.
     */
    private String firstMisplacedCharacter(byte[] buf, int from, int to) {
        boolean quoted = false;
        int chars = 0;
        for (int i = from; i < to; i++) {
            byte b = buf[i];
            if (b < 0) {
                chars += StrictUtf8.utf16Units(b);
                if (isBom(buf, i, to)) {
                    return "a byte-order mark (U+FEFF) at character " + chars
                            + " of the record: were files concatenated with their marks?";
                }
                continue;
            }
            chars++;
            if (b == NUL) {
                return "a NUL character (byte 0x00) at character " + chars + " of the record";
            }
            if (b != quote) {
                continue;
            }
            if (quoted) {
                if (i + 1 < to && buf[i + 1] == quote) {
                    i++; // a doubled quote: one quote of data
                    chars++;
                } else {
                    quoted = false;
                }
            } else if (i == from || buf[i - 1] == delimiter || buf[i - 1] == LF || buf[i - 1] == CR) {
                quoted = true;
            } else {
                return "a quote inside an unquoted field at character " + chars
                        + " of the record: quote the whole field, and double the quotes inside it";
            }
        }
        return null;
    }

    /** A record that cannot be split into fields; the message says why, without positions. */
    static final class CsvRecordException extends RuntimeException {
        CsvRecordException(String message) {
            super(message, null, false, false);
        }
    }
}
