package dev.refdata.ingest.core.port.in;

import dev.refdata.ingest.core.domain.ChunkPlan;
import dev.refdata.ingest.core.domain.HeaderLayout;

import java.util.Objects;

/**
 * @param plan   the chunks, their ranges and record counts
 * @param layout where each column sits in this object's records
 */
public record PlanChunksResult(ChunkPlan plan, HeaderLayout layout) {

    public PlanChunksResult {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(layout, "layout");
    }
}
