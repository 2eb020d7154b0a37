package dev.refdata.ingest.core.service;

import java.time.ZoneId;
import java.util.Objects;

/**
 * How runs are planned.
 *
 * @param artifactsBucket         where manifests and staged parts go
 * @param zone                    the time zone that turns a scheduled time into a business date
 * @param defaultTargetChunkBytes chunk size when the command names none
 */
public record PlanRunSettings(String artifactsBucket, ZoneId zone, long defaultTargetChunkBytes) {

    public PlanRunSettings {
        Objects.requireNonNull(artifactsBucket, "artifactsBucket");
        Objects.requireNonNull(zone, "zone");
        if (artifactsBucket.isBlank() || defaultTargetChunkBytes < 1) {
            throw new IllegalArgumentException("an artifacts bucket and a positive chunk size are needed");
        }
    }
}
