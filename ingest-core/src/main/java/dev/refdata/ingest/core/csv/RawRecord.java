package dev.refdata.ingest.core.csv;

import java.nio.charset.StandardCharsets;

/**
 * A record's raw bytes and line, without its parsed fields: what a loader keeps of each record until the
 * record's outcome is known, so that a reject can quote the record exactly as written.
 *
 * @param line      physical line where the record starts
 * @param block     the read buffer holding the bytes (shared with neighbouring records, never modified)
 * @param start     first byte in {@code block}
 * @param length    number of bytes, line break excluded
 * @param truncated whether only the beginning of an oversized record is kept
 */
public record RawRecord(long line, byte[] block, int start, int length, boolean truncated) {

    /** The bytes decoded as UTF-8 (invalid bytes become U+FFFD). */
    public String text() {
        return new String(block, start, length, StandardCharsets.UTF_8);
    }
}
