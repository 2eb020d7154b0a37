package dev.refdata.ingest.core.domain;

import java.util.Objects;

/** What an object store knows about one object: where it is, how many bytes it has, and its entity tag. */
public record ObjectInfo(ObjectRef ref, long size, String etag) {

    public ObjectInfo {
        Objects.requireNonNull(ref, "ref");
        if (size < 0) {
            throw new IllegalArgumentException("size must be >= 0: " + size);
        }
        etag = etag == null ? "" : etag;
    }
}
