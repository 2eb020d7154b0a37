package dev.refdata.ingest.adapter.local;

import dev.refdata.ingest.core.port.out.ObjectStore;

import java.nio.file.Path;

/** Builds the local-file object store, for running the pipeline without AWS. */
public final class LocalObjectStores {

    private LocalObjectStores() {
    }

    /** An object store whose buckets are the directories below {@code root}. */
    public static ObjectStore rootedAt(Path root) {
        return new LocalFileObjectStore(root);
    }
}
