package dev.refdata.ingest.core.port.in;

import dev.refdata.ingest.core.domain.RunId;

import java.util.Objects;

/**
 * Verify a run.
 *
 * @param run               the run
 * @param maxRejects        rejects tolerated as a count ...
 * @param maxRejectFraction ... or as a fraction of the records read (the run fails only beyond both)
 * @param sampleSize        records fetched back and compared field by field
 * @param retention         indices of the alias kept after a full run's swap, the new one included
 */
public record VerifyRunCommand(RunId run, long maxRejects, double maxRejectFraction, int sampleSize, int retention) {

    public VerifyRunCommand {
        Objects.requireNonNull(run, "run");
        if (maxRejects < 0 || maxRejectFraction < 0 || maxRejectFraction > 1 || sampleSize < 0 || retention < 1) {
            throw new IllegalArgumentException("invalid verification settings");
        }
    }

    /** Zero rejects tolerated, 100 records sampled, 3 indices kept. */
    public static VerifyRunCommand strict(RunId run) {
        return new VerifyRunCommand(run, 0, 0, 100, 3);
    }
}
