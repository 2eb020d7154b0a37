package dev.refdata.ingest.core.csv;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * One record read from a chunk: its fields, where it stands in the file, and its raw bytes, so that a record
 * that cannot be loaded can be reported exactly as it was written.
 *
 * <p>A malformed record (invalid UTF-8, text after a closing quote, over the size limit) has no fields but a
 * {@link #problem()}; reading goes on with the next record.
 */
public final class CsvRecord {

    private final long line;
    private final long nextLine;
    private final long offset;
    private final long endOffset;
    private final String[] fields;
    private final String problem;
    private final byte[] rawBlock;
    private final int rawStart;
    private final int rawLength;
    private final boolean truncated;

    CsvRecord(long line, long nextLine, long offset, long endOffset, String[] fields, String problem,
              byte[] rawBlock, int rawStart, int rawLength, boolean truncated) {
        this.line = line;
        this.nextLine = nextLine;
        this.offset = offset;
        this.endOffset = endOffset;
        this.fields = fields;
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
        return fields == null ? 0 : fields.length;
    }

    public String field(int index) {
        return fields[index];
    }

    /** The fields, unmodifiable; empty for a malformed record. */
    public List<String> fields() {
        return fields == null ? List.of() : Collections.unmodifiableList(Arrays.asList(fields));
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
                + (problem != null ? "problem=" + problem : "fields=" + Arrays.toString(fields)) + "]";
    }
}
