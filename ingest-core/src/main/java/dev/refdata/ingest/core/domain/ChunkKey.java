package dev.refdata.ingest.core.domain;

import java.util.Objects;

/** One chunk of one run; a run has at most a million chunks (keys sort by a six-digit number). */
public record ChunkKey(RunId run, int chunk) {

    public static final int MAX_CHUNK = 999_999;

    public ChunkKey {
        Objects.requireNonNull(run, "run");
        if (chunk < 0 || chunk > MAX_CHUNK) {
            throw new IllegalArgumentException("chunk number must be between 0 and " + MAX_CHUNK + ": " + chunk);
        }
    }

    @Override
    public String toString() {
        return run + "#" + chunk;
    }
}
