package dev.refdata.ingest.adapter.stepfunctions;

import java.util.Optional;

/**
 * The executions of the deployed pipeline's state machine: start one, describe one, redrive a failed one. What the
 * {@code ingest aws} commands need, so they stay thin.
 */
public interface PipelineExecutions {

    /** Starts an execution with {@code input}; {@code name} is the execution's name, or {@code null} for a generated one. */
    StartedExecution start(ExecutionInput input, String name);

    /** The execution's status, dates, input, output and error. */
    ExecutionDescription describe(String executionArn);

    /**
     * The run the execution planned or re-ran: from its output, its {@code rerunOf} input, or its history (the plan
     * step's result); empty when it had not got that far.
     */
    Optional<String> runId(String executionArn);

    /** Redrives an execution that did not finish (aborted, timed out, failed) from the step that did not succeed. */
    RedrivenExecution redrive(String executionArn);
}
