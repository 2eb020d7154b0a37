package dev.refdata.ingest.adapter.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.GetExecutionHistoryRequest;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;
import software.amazon.awssdk.services.sfn.model.StartExecutionRequest;
import software.amazon.awssdk.services.sfn.model.StartExecutionResponse;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * {@link PipelineExecutions} on AWS Step Functions: StartExecution, DescribeExecution, GetExecutionHistory and
 * RedriveExecution on one state machine.
 */
public final class StepFunctionsExecutions implements PipelineExecutions {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SfnClient sfn;
    private final String stateMachineArn;

    StepFunctionsExecutions(SfnClient sfn, String stateMachineArn) {
        this.sfn = Objects.requireNonNull(sfn, "sfn");
        this.stateMachineArn = Objects.requireNonNull(stateMachineArn, "stateMachineArn");
        if (!stateMachineArn.startsWith("arn:")) {
            throw new IllegalArgumentException("not a state machine ARN: '" + stateMachineArn
                    + "' (the stack output StateMachineArn, arn:aws:states:<region>:<account>:stateMachine:<name>)");
        }
    }

    /**
     * Executions of {@code stateMachineArn} in {@code region}, with the SDK's default credentials; {@code endpoint}
     * overrides the service endpoint (a local emulator), or {@code null}.
     */
    public static PipelineExecutions create(String stateMachineArn, String region, URI endpoint) {
        var builder = SfnClient.builder()
                .region(Region.of(region))
                .httpClientBuilder(software.amazon.awssdk.http.apache5.Apache5HttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(30)));
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        return new StepFunctionsExecutions(builder.build(), stateMachineArn);
    }

    @Override
    public StartedExecution start(ExecutionInput input, String name) {
        StartExecutionResponse response = sfn.startExecution(StartExecutionRequest.builder()
                .stateMachineArn(stateMachineArn)
                .name(name)
                .input(input.toJson())
                .build());
        return new StartedExecution(response.executionArn(), response.startDate());
    }

    @Override
    public ExecutionDescription describe(String executionArn) {
        DescribeExecutionResponse r;
        try {
            r = sfn.describeExecution(b -> b.executionArn(executionArn));
        } catch (ExecutionDoesNotExistException e) {
            throw new IllegalArgumentException("no execution " + executionArn, e);
        }
        return new ExecutionDescription(r.executionArn(), r.name(), r.statusAsString(), r.startDate(), r.stopDate(),
                r.input(), r.output(), r.error(), r.cause(), r.redriveCount() == null ? 0 : r.redriveCount(),
                r.redriveStatusAsString(), r.redriveStatusReason());
    }

    @Override
    public Optional<String> runId(String executionArn) {
        ExecutionDescription d = describe(executionArn);
        Optional<String> found = field(d.output(), "runId").or(() -> field(d.input(), "rerunOf"));
        if (found.isPresent()) {
            return found;
        }
        for (HistoryEvent event : sfn.getExecutionHistoryPaginator(GetExecutionHistoryRequest.builder()
                .executionArn(executionArn).includeExecutionData(true).build()).events()) {
            if (event.type() == HistoryEventType.TASK_SUCCEEDED && event.taskSucceededEventDetails() != null) {
                Optional<String> id = field(event.taskSucceededEventDetails().output(), "runId");
                if (id.isPresent()) {
                    return id;
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public RedrivenExecution redrive(String executionArn) {
        try {
            var r = sfn.redriveExecution(b -> b.executionArn(executionArn).clientToken(UUID.randomUUID().toString()));
            return new RedrivenExecution(executionArn, r.redriveDate());
        } catch (ExecutionDoesNotExistException e) {
            throw new IllegalArgumentException("no execution " + executionArn, e);
        }
    }

    /** The first textual field of that name anywhere in the JSON document. */
    private static Optional<String> field(String json, String name) {
        if (json == null || json.isBlank()) {
            return Optional.empty();
        }
        try {
            JsonNode found = JSON.readTree(json).findValue(name);
            return found != null && found.isTextual() && !found.asText().isBlank()
                    ? Optional.of(found.asText()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
