package dev.refdata.ingest.core.domain;

import java.util.Objects;

/**
 * The address of one object in an object store: a bucket and a key. For the local-file store the bucket
 * names a directory and the key a relative path below it.
 */
public record ObjectRef(String bucket, String key) {

    public ObjectRef {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
        if (bucket.isBlank()) {
            throw new IllegalArgumentException("bucket must not be blank");
        }
        if (key.isEmpty() || key.startsWith("/")) {
            throw new IllegalArgumentException("key must be non-empty and relative (no leading '/'): '" + key + "'");
        }
    }

    /** The key's last path segment, e.g. {@code instruments-2026-11-27.csv}. */
    public String fileName() {
        int slash = key.lastIndexOf('/');
        return slash < 0 ? key : key.substring(slash + 1);
    }

    @Override
    public String toString() {
        return bucket + "/" + key;
    }
}
