package dev.refdata.ingest.core.domain;

/** Where a run is in its life. */
public enum RunStatus {
    /** Created; its source is being listed and cut into chunks. */
    PLANNING,
    /** Planned; its chunks are being loaded (or re-run). */
    RUNNING,
    /** Verified: every input line accounted for, the index agrees. */
    SUCCEEDED,
    /** Stopped with a reason; re-runnable. */
    FAILED
}
