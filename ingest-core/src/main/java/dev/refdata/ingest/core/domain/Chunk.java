package dev.refdata.ingest.core.domain;

import java.util.Objects;

/**
 * One unit of loading: a byte range of an object that starts and ends exactly on record boundaries.
 *
 * @param number    position of the chunk in its object's plan, from 0
 * @param object    the object the bytes are in
 * @param range     the bytes, from the first byte of a record to just past the last record's terminator
 * @param firstLine physical line number (1-based, counted from the start of the object) of the range's first byte
 * @param records   the exact number of records (blank lines excluded) in the range
 */
public record Chunk(int number, ObjectRef object, ByteRange range, long firstLine, long records) {

    public Chunk {
        Objects.requireNonNull(object, "object");
        Objects.requireNonNull(range, "range");
        if (number < 0) {
            throw new IllegalArgumentException("chunk number must be >= 0: " + number);
        }
        if (firstLine < 1) {
            throw new IllegalArgumentException("firstLine must be >= 1: " + firstLine);
        }
        if (records < 0) {
            throw new IllegalArgumentException("records must be >= 0: " + records);
        }
        if (records > range.length()) {
            throw new IllegalArgumentException("a chunk of " + range.length() + " bytes cannot hold " + records + " records");
        }
    }
}
