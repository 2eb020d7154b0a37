package dev.refdata.ingest.it.scenario;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refdata.ingest.statemachine.ExecutionResult;

/**
 * Something that runs the real state machine definition on one execution input and waits for the end: the local
 * executor in this JVM, or Step Functions (LocalStack) with the deployed Lambda jars. Scenarios are written once
 * against this and run on each.
 */
@FunctionalInterface
public interface PipelineBackend {

    /** Runs one execution to its end; {@link ExecutionResult#status()} says how it ended. */
    ExecutionResult execute(ObjectNode input);
}
