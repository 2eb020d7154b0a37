package dev.refdata.ingest.statemachine.binding;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refdata.ingest.statemachine.TaskFailedException;
import dev.refdata.ingest.statemachine.TaskHandler;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Objects;

/**
 * Runs a Lambda handler in this process as a state machine Task, the way the Lambda runtime would: the payload
 * goes in as JSON, the output comes back as JSON, and an exception becomes an error named by its fully qualified
 * class name with the Lambda runtime's {@code {"errorMessage","errorType"}} cause.
 */
public final class LambdaHandlerTask implements TaskHandler {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RequestStreamHandler handler;

    public LambdaHandlerTask(RequestStreamHandler handler) {
        this.handler = Objects.requireNonNull(handler, "handler");
    }

    @Override
    public JsonNode invoke(JsonNode input) throws TaskFailedException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            handler.handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(input)), out, null);
            return JSON.readTree(out.toByteArray());
        } catch (RuntimeException | IOException e) {
            ObjectNode cause = JSON.createObjectNode();
            cause.put("errorMessage", e.getMessage());
            cause.put("errorType", e.getClass().getName());
            throw new TaskFailedException(e.getClass().getName(), cause.toString());
        }
    }
}
