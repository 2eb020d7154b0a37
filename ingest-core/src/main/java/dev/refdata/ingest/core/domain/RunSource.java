package dev.refdata.ingest.core.domain;

import java.util.Objects;

/**
 * What a run reads: one object ({@code key}) or every object under a {@code prefix} of a bucket.
 *
 * @param bucket the bucket
 * @param key    one object's key, or {@code null}
 * @param prefix a key prefix, or {@code null}; exactly one of key and prefix is given
 */
public record RunSource(String bucket, String key, String prefix) {

    public RunSource {
        Objects.requireNonNull(bucket, "bucket");
        if (bucket.isBlank()) {
            throw new IllegalArgumentException("the source bucket must not be blank");
        }
        if ((key == null) == (prefix == null)) {
            throw new IllegalArgumentException("a source names either a key or a prefix, not both or neither");
        }
        if (key != null && key.isBlank()) {
            throw new IllegalArgumentException("the source key must not be blank");
        }
    }

    public static RunSource object(String bucket, String key) {
        return new RunSource(bucket, key, null);
    }

    public static RunSource prefix(String bucket, String prefix) {
        return new RunSource(bucket, null, prefix);
    }

    @Override
    public String toString() {
        return bucket + "/" + (key != null ? key : prefix + "*");
    }
}
