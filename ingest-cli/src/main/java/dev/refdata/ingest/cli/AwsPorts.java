package dev.refdata.ingest.cli;

import dev.refdata.ingest.adapter.stepfunctions.PipelineExecutions;
import dev.refdata.ingest.core.port.out.RunStore;

/** What {@code ingest aws} works against: the deployed state machine's executions and the stack's run table. */
interface AwsPorts {

    /** The executions of the state machine {@code stateMachineArn} (needed by {@code start} only; else may be null). */
    PipelineExecutions executions(String stateMachineArn);

    RunStore runStore();
}
