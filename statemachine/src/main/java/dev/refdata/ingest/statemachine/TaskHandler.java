package dev.refdata.ingest.statemachine;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Java code bound to a Task state: to its {@code Resource}, or, for {@code arn:aws:states:::lambda:invoke}, to the
 * {@code FunctionName} of its Parameters. For lambda:invoke the handler gets the {@code Payload} and its result
 * becomes {@code {"Payload": result, "StatusCode": 200}}; for any other resource it gets the effective parameters
 * and its result is the task result.
 */
@FunctionalInterface
public interface TaskHandler {

    JsonNode invoke(JsonNode input) throws TaskFailedException;
}
