package dev.refdata.ingest.core.domain;

/** A half-open byte range {@code [start, end)} of an object. */
public record ByteRange(long start, long end) {

    public ByteRange {
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("invalid byte range [" + start + ", " + end + ")");
        }
    }

    public long length() {
        return end - start;
    }

    public boolean isEmpty() {
        return start == end;
    }

    @Override
    public String toString() {
        return "[" + start + ", " + end + ")";
    }
}
