package dev.refdata.ingest.adapter.stepfunctions;

import java.time.Instant;
import java.util.Objects;

/** An execution just started: its ARN and start time. */
public record StartedExecution(String executionArn, Instant startDate) {

    public StartedExecution {
        Objects.requireNonNull(executionArn, "executionArn");
    }
}
