package dev.refdata.ingest.core.domain;

/** Where a chunk is in its life. */
public enum ChunkStatus {
    /** Planned, not loaded yet. */
    PENDING,
    /** Leased by a loader; may hold a checkpoint. */
    RUNNING,
    /** Every record has an outcome; counters are final. */
    COMPLETED,
    /** Loading stopped on an error; a re-run resumes from the checkpoint. */
    FAILED
}
