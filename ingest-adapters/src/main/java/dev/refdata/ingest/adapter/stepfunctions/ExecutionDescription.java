package dev.refdata.ingest.adapter.stepfunctions;

import java.time.Instant;
import java.util.Objects;

/**
 * What Step Functions says about one execution.
 *
 * @param executionArn  the execution
 * @param name          its name
 * @param status        RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED or PENDING_REDRIVE
 * @param startDate     when it started
 * @param stopDate      when it stopped, or {@code null} while running
 * @param input         its input JSON
 * @param output        its output JSON, or {@code null} unless it succeeded
 * @param error         its error name, or {@code null}
 * @param cause         the error's cause, or {@code null}
 * @param redriveCount  how many times it was redriven
 * @param redriveStatus whether it can be redriven (REDRIVABLE, NOT_REDRIVABLE, REDRIVABLE_BY_MAP_RUN), or {@code null}
 * @param redriveStatusReason why not, or {@code null}
 */
public record ExecutionDescription(String executionArn, String name, String status, Instant startDate,
                                   Instant stopDate, String input, String output, String error, String cause,
                                   int redriveCount, String redriveStatus, String redriveStatusReason) {

    public ExecutionDescription {
        Objects.requireNonNull(executionArn, "executionArn");
        Objects.requireNonNull(status, "status");
    }
}
