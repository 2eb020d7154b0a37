package dev.refdata.ingest.core.csv;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * One record read from a chunk: its fields, where it stands in the file, and its raw bytes, so that a record
 * that cannot be loaded can be reported exactly as it was written.
 *
 * <p>The fields are held as where they are in the record's bytes, not as strings: {@link #field(int)} decodes
 * one when asked, and a reader that can work on UTF-8 bytes (the document converter) reads them in place with
 * {@link #block()}, {@link #fieldStart(int)}, {@link #fieldEnd(int)} and {@link #fieldHasDoubledQuotes(int)},
 * so a record that is converted straight to JSON never makes a string of its values.
 *
 * <p>A malformed record (invalid UTF-8, text after a closing quote, over the size limit) has no fields but a
 * {@link #problem()}; reading goes on with the next record.
 */
public final class CsvRecord {

    private final long line;
    private final long nextLine;
    private final long offset;
    private final long endOffset;
    /** Where each field is in {@code rawBlock}: see {@link FieldSpans}; null for a malformed record. */
    private final int[] spans;
    private final byte quote;
    private final String problem;
    private final byte[] rawBlock;
    private final int rawStart;
    private final int rawLength;
    private final boolean truncated;

    CsvRecord(long line, long nextLine, long offset, long endOffset, int[] spans, byte quote, String problem,
              byte[] rawBlock, int rawStart, int rawLength, boolean truncated) {
        this.line = line;
        this.nextLine = nextLine;
        this.offset = offset;
        this.endOffset = endOffset;
        this.spans = spans;
        this.quote = quote;
        this.problem = problem;
        this.rawBlock = rawBlock;
        this.rawStart = rawStart;
        this.rawLength = rawLength;
        this.truncated = truncated;
    }

    /** Physical line (1-based, from the start of the file) on which the record starts. */
    public long line() {
        return line;
    }

    /** Physical line on which the next record starts: where reading resumes after this record. */
    public long nextLine() {
        return nextLine;
    }

    /** Absolute byte offset of the record's first byte. */
    public long offset() {
        return offset;
    }

    /** Absolute byte offset just past the record's line break: where the next record starts. */
    public long endOffset() {
        return endOffset;
    }

    public boolean isMalformed() {
        return problem != null;
    }

    /** Why the record could not be split into fields, or {@code null}. */
    public String problem() {
        return problem;
    }

    public int fieldCount() {
        return spans == null ? 0 : FieldSpans.count(spans);
    }

    /** The field's value, decoded from its bytes at each call. */
    public String field(int index) {
        checkField(index);
        return FieldSpans.decode(rawBlock, spans, index, quote);
    }

    /** The fields, unmodifiable; empty for a malformed record. */
    public List<String> fields() {
        return spans == null ? List.of() : List.of(FieldSpans.decodeAll(rawBlock, spans, quote));
    }

    /**
     * The bytes the fields are in, from {@link #fieldStart(int)} to {@link #fieldEnd(int)}: the reader's own
     * buffer, shared and not copied, so to be read and never written.
     */
    public byte[] block() {
        return rawBlock;
    }

    /** Where the field's bytes start in {@link #block()} (after the opening quote of a quoted field). */
    public int fieldStart(int index) {
        checkField(index);
        return FieldSpans.start(spans, index);
    }

    /** Where the field's bytes end in {@link #block()} (before the closing quote of a quoted field). */
    public int fieldEnd(int index) {
        checkField(index);
        return FieldSpans.end(spans, index);
    }

    /** Whether the field is empty (an empty quoted field {@code ""} too). */
    public boolean fieldIsEmpty(int index) {
        checkField(index);
        return FieldSpans.start(spans, index) == FieldSpans.end(spans, index);
    }

    /**
     * Whether the field's bytes hold doubled quotes ({@code ""} inside a quoted field), each of which stands for
     * one quote of the value: only then are the bytes not the value as they stand.
     */
    public boolean fieldHasDoubledQuotes(int index) {
        checkField(index);
        return FieldSpans.hasDoubledQuotes(spans, index);
    }

    /** The length of the field's value in UTF-8 bytes: its bytes, less one for each doubled quote. */
    public int fieldValueBytes(int index) {
        checkField(index);
        return FieldSpans.valueBytes(rawBlock, spans, index, quote);
    }

    /** The length of the field's value in chars, as {@code field(index).length()} gives it, counted on its bytes. */
    public int fieldValueChars(int index) {
        checkField(index);
        return FieldSpans.valueChars(rawBlock, spans, index, quote);
    }

    /** A field index out of range fails on the spans themselves, two ints a field. */
    private void checkField(int index) {
        if (spans == null) {
            throw new IllegalStateException("a malformed record has no fields: " + problem);
        }
    }

    /**
     * The record's bytes as written, without its line break; for a record over the size limit, its first bytes
     * only (see {@link #rawTruncated()}).
     */
    public byte[] rawBytes() {
        return Arrays.copyOfRange(rawBlock, rawStart, rawStart + rawLength);
    }

    /** {@link #rawBytes()} decoded as UTF-8 (invalid bytes become U+FFFD). */
    public String raw() {
        return new String(rawBlock, rawStart, rawLength, StandardCharsets.UTF_8);
    }

    /** The record's line and raw bytes, without its fields. */
    public RawRecord rawRecord() {
        return new RawRecord(line, rawBlock, rawStart, rawLength, truncated);
    }

    /** Whether {@link #rawBytes()} holds only the beginning of an oversized record. */
    public boolean rawTruncated() {
        return truncated;
    }

    @Override
    public String toString() {
        return "CsvRecord[line=" + line + ", offset=" + offset + ", "
                + (problem != null ? "problem=" + problem : "fields=" + fields()) + "]";
    }
}
