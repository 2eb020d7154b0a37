package dev.refdata.ingest.core.port.in;

import dev.refdata.ingest.core.domain.RunId;
import dev.refdata.ingest.core.domain.RunMode;
import dev.refdata.ingest.core.domain.RunSource;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Objects;

/**
 * Plan a run, or re-run the unfinished chunks of one.
 *
 * @param source           what to read (ignored with {@code rerunOf})
 * @param dataset          the dataset spec's name
 * @param businessDate     the date the data is for, or null to take it from {@code scheduledTime}
 * @param scheduledTime    the trigger's scheduled time (stable across the scheduler's retries), or null
 * @param mode             delta or full
 * @param rerunOf          a run whose unfinished chunks are to be loaded again, or null
 * @param targetChunkBytes chunk size, or null for the configured default
 */
public record PlanRunCommand(RunSource source, String dataset, LocalDate businessDate, Instant scheduledTime,
                             RunMode mode, RunId rerunOf, Long targetChunkBytes) {

    public PlanRunCommand {
        if (rerunOf == null) {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(dataset, "dataset");
            Objects.requireNonNull(mode, "mode");
        }
        if (targetChunkBytes != null && targetChunkBytes < 1) {
            throw new IllegalArgumentException("target chunk size must be positive");
        }
    }

    public static PlanRunCommand rerun(RunId run) {
        return new PlanRunCommand(null, null, null, null, null, Objects.requireNonNull(run, "run"), null);
    }
}
