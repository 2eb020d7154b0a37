package dev.refdata.ingest.core.domain;

import java.util.Objects;

/** One chunk of one run. */
public record ChunkKey(RunId run, int chunk) {

    public ChunkKey {
        Objects.requireNonNull(run, "run");
        if (chunk < 0) {
            throw new IllegalArgumentException("chunk number must be >= 0: " + chunk);
        }
    }

    @Override
    public String toString() {
        return run + "#" + chunk;
    }
}
