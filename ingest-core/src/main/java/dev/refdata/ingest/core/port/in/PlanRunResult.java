package dev.refdata.ingest.core.port.in;

import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.domain.RunId;
import dev.refdata.ingest.core.domain.RunStatus;

import java.util.Objects;

/**
 * What planning produced: small enough for a state machine's payload; the chunk list itself is in the manifest.
 *
 * @param runId           the run
 * @param status          its status after planning (RUNNING; or whatever a duplicate trigger found)
 * @param created         whether this call created or (re)planned the run, false for a duplicate trigger
 * @param manifest        the manifest of the chunks to load now
 * @param chunkCount      chunks in the manifest
 * @param expectedRecords records in those chunks
 * @param targetIndex     where the loader writes
 * @param alias           the alias readers use
 * @param execution       the run's execution number (1, then +1 per re-run)
 */
public record PlanRunResult(RunId runId, RunStatus status, boolean created, ObjectRef manifest, int chunkCount,
                            long expectedRecords, String targetIndex, String alias, int execution) {

    public PlanRunResult {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(status, "status");
    }
}
