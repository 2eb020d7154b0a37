package dev.refdata.ingest.adapter.stepfunctions;

import java.time.Instant;
import java.util.Objects;

/** An execution just redriven: its ARN and when the redrive started. */
public record RedrivenExecution(String executionArn, Instant redriveDate) {

    public RedrivenExecution {
        Objects.requireNonNull(executionArn, "executionArn");
    }
}
