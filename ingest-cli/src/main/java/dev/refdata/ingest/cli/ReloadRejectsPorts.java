package dev.refdata.ingest.cli;

import dev.refdata.ingest.core.port.out.ObjectStore;
import dev.refdata.ingest.core.port.out.RunStore;
import dev.refdata.ingest.core.port.out.SearchSink;
import dev.refdata.ingest.core.spec.DatasetCatalog;

import java.util.Objects;

/**
 * What {@code ingest reload-rejects} works against: the artifacts store and bucket (rejects and reports), the run
 * store (the run, its chunks' headers and target index), the index and the dataset specs.
 */
record ReloadRejectsPorts(ObjectStore objects, String artifactsBucket, RunStore runs, SearchSink sink,
                          DatasetCatalog datasets) {

    ReloadRejectsPorts {
        Objects.requireNonNull(objects, "objects");
        Objects.requireNonNull(artifactsBucket, "artifactsBucket");
        Objects.requireNonNull(runs, "runs");
        Objects.requireNonNull(sink, "sink");
        Objects.requireNonNull(datasets, "datasets");
    }
}
