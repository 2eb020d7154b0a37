package dev.refdata.ingest.core.port.in;

import dev.refdata.ingest.core.domain.RunId;

import java.util.Objects;

/**
 * Reload a run's rejected records.
 *
 * @param run       the run
 * @param corrected the operator's corrected records, or {@code null} to load the run's own rejects as the loader
 *                  wrote them (under {@code rejects/<run>/} in the artifacts bucket)
 */
public record ReloadRejectsCommand(RunId run, RejectsFile corrected) {

    public ReloadRejectsCommand {
        Objects.requireNonNull(run, "run");
    }

    /** The run's rejects as the loader wrote them. */
    public static ReloadRejectsCommand asRejected(RunId run) {
        return new ReloadRejectsCommand(run, null);
    }

    /** The operator's corrected records instead. */
    public static ReloadRejectsCommand corrected(RunId run, RejectsFile file) {
        return new ReloadRejectsCommand(run, Objects.requireNonNull(file, "file"));
    }
}
