package dev.refdata.ingest.core.port.in;

import dev.refdata.ingest.core.domain.ChunkCounters;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.domain.RunId;
import dev.refdata.ingest.core.domain.RunStatus;

import java.util.Objects;

/**
 * @param run     the run
 * @param status  SUCCEEDED or FAILED
 * @param reason  why it failed, or null
 * @param totals  the run's counters summed over its chunks
 * @param report  the run report object
 */
public record VerifyRunResult(RunId run, RunStatus status, String reason, ChunkCounters totals, ObjectRef report) {

    public VerifyRunResult {
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(totals, "totals");
    }

    public boolean succeeded() {
        return status == RunStatus.SUCCEEDED;
    }
}
