package dev.refdata.ingest.core.domain;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Objects;

/**
 * A run: one instance of loading a dataset's input for a business date in a mode. Its executions (the first,
 * re-runs) are attempts at the same run.
 *
 * @param id              readable and deterministic: the same input gives the same id
 * @param dataset         the dataset spec's name
 * @param businessDate    the date the data is for
 * @param mode            delta or full
 * @param source          what it reads
 * @param status          where it is
 * @param alias           the alias readers use
 * @param targetIndex     where the loader writes (the alias for delta, a fresh index for full), or null before planning
 * @param manifest        the manifest object, or null before planning
 * @param chunkCount      chunks planned
 * @param expectedRecords records planned
 * @param executions      how many times the run was started (1, then +1 per re-run)
 * @param reason          why it failed, or null
 * @param createdAt       when it was created
 * @param updatedAt       when it last changed
 */
public record RunRecord(RunId id, String dataset, LocalDate businessDate, RunMode mode, RunSource source,
                        RunStatus status, String alias, String targetIndex, ObjectRef manifest, int chunkCount,
                        long expectedRecords, int executions, String reason, Instant createdAt, Instant updatedAt) {

    public RunRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(businessDate, "businessDate");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(alias, "alias");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        if (chunkCount < 0 || expectedRecords < 0 || executions < 1) {
            throw new IllegalArgumentException("chunkCount >= 0, expectedRecords >= 0 and executions >= 1 required");
        }
    }

    public RunRecord withStatus(RunStatus newStatus, String newReason, Instant at) {
        return new RunRecord(id, dataset, businessDate, mode, source, newStatus, alias, targetIndex, manifest,
                chunkCount, expectedRecords, executions, newReason, createdAt, at);
    }

    public RunRecord planned(String index, ObjectRef manifestObject, int chunks, long records, Instant at) {
        return new RunRecord(id, dataset, businessDate, mode, source, RunStatus.RUNNING, alias, index, manifestObject,
                chunks, records, executions, null, createdAt, at);
    }

    public RunRecord nextExecution(ObjectRef manifestObject, Instant at) {
        return new RunRecord(id, dataset, businessDate, mode, source, RunStatus.RUNNING, alias, targetIndex,
                manifestObject, chunkCount, expectedRecords, executions + 1, null, createdAt, at);
    }
}
