package dev.refdata.ingest.adapter.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionNotRedrivableException;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StepFunctionsExecutionsTest {

    private static final String MACHINE = "arn:aws:states:eu-central-1:123456789012:stateMachine:ingest";
    private static final String EXECUTION = "arn:aws:states:eu-central-1:123456789012:execution:ingest:nightly-1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FakeStepFunctionsEndpoint endpoint = new FakeStepFunctionsEndpoint();
    private final SfnClient client = SfnClient.builder()
            .region(Region.EU_CENTRAL_1)
            .endpointOverride(endpoint.uri())
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
            .build();
    private final PipelineExecutions executions = new StepFunctionsExecutions(client, MACHINE);

    StepFunctionsExecutionsTest() throws IOException {
    }

    @AfterEach
    void close() {
        client.close();
        endpoint.close();
    }

    private JsonNode body(int request) throws IOException {
        return JSON.readTree(endpoint.received().get(request).body());
    }

    @Test
    void startSendsStartExecutionWithTheMachineAndTheRunInputAndReturnsTheExecution() throws IOException {
        endpoint.answer("StartExecution", 200, "{\"executionArn\":\"" + EXECUTION + "\",\"startDate\":1795750200.5}");

        StartedExecution started = executions.start(ExecutionInput.newRun("feeds", null, "instruments/",
                "instruments", "FULL", LocalDate.parse("2026-11-27"), 16), "manual-20261127");

        assertThat(started.executionArn()).isEqualTo(EXECUTION);
        assertThat(started.startDate()).isEqualTo(Instant.ofEpochMilli(1_795_750_200_500L));
        FakeStepFunctionsEndpoint.Received request = endpoint.received().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.target()).isEqualTo("AWSStepFunctions.StartExecution");
        assertThat(request.contentType()).startsWith("application/x-amz-json-1.0");
        assertThat(request.authorization()).as("signed for states in the region")
                .contains("Credential=AKIDTEST/").contains("/eu-central-1/states/aws4_request");
        JsonNode body = body(0);
        assertThat(body.get("stateMachineArn").asText()).isEqualTo(MACHINE);
        assertThat(body.get("name").asText()).isEqualTo("manual-20261127");
        JsonNode input = JSON.readTree(body.get("input").asText());
        assertThat(input).isEqualTo(JSON.readTree("""
                {"bucket":"feeds","prefix":"instruments/","dataset":"instruments","mode":"full",
                 "businessDate":"2026-11-27","maxConcurrency":16}"""));
    }

    @Test
    void aRerunStartsWithOnlyRerunOfAndNoGeneratedNameIsSent() throws IOException {
        endpoint.answer("StartExecution", 200, "{\"executionArn\":\"" + EXECUTION + "\",\"startDate\":1795750200}");

        executions.start(ExecutionInput.rerun("instruments-20261127-full-1f2e3d4c", null), null);

        JsonNode body = body(0);
        assertThat(body.has("name")).isFalse();
        assertThat(JSON.readTree(body.get("input").asText()))
                .isEqualTo(JSON.readTree("{\"rerunOf\":\"instruments-20261127-full-1f2e3d4c\"}"));
    }

    @Test
    void describeMapsStatusDatesErrorAndRedriveState() throws IOException {
        endpoint.answer("DescribeExecution", 200, """
                {"executionArn":"%s","stateMachineArn":"%s","name":"nightly-1","status":"FAILED",
                 "startDate":1795750200,"stopDate":1795753800,"input":"{\\"rerunOf\\":null}",
                 "error":"RunFailed","cause":"run instruments-20261127-delta-ab12 failed: 3 chunks FAILED",
                 "redriveCount":1,"redriveStatus":"REDRIVABLE"}""".formatted(EXECUTION, MACHINE));

        ExecutionDescription d = executions.describe(EXECUTION);

        assertThat(endpoint.received().get(0).target()).isEqualTo("AWSStepFunctions.DescribeExecution");
        assertThat(body(0).get("executionArn").asText()).isEqualTo(EXECUTION);
        assertThat(d.status()).isEqualTo("FAILED");
        assertThat(d.startDate()).isEqualTo(Instant.ofEpochSecond(1_795_750_200L));
        assertThat(d.stopDate()).isEqualTo(Instant.ofEpochSecond(1_795_753_800L));
        assertThat(d.error()).isEqualTo("RunFailed");
        assertThat(d.cause()).contains("3 chunks FAILED");
        assertThat(d.redriveCount()).isEqualTo(1);
        assertThat(d.redriveStatus()).isEqualTo("REDRIVABLE");
    }

    @Test
    void anUnknownExecutionIsAnErrorNamingIt() {
        endpoint.answer("DescribeExecution", 400,
                "{\"__type\":\"com.amazonaws.swf.service.v2.model#ExecutionDoesNotExist\",\"message\":\"Execution Does Not Exist\"}");

        assertThatThrownBy(() -> executions.describe(EXECUTION))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("no execution " + EXECUTION);
    }

    @Test
    void theRunIdComesFromTheOutputOrElseFromThePlanStepInTheHistory() {
        endpoint.answer("DescribeExecution", 200, """
                {"executionArn":"%s","status":"SUCCEEDED","startDate":1795750200,
                 "input":"{}","output":"{\\"runId\\":\\"instruments-20261127-delta-ab12\\",\\"status\\":\\"SUCCEEDED\\"}"}"""
                .formatted(EXECUTION));
        assertThat(executions.runId(EXECUTION)).contains("instruments-20261127-delta-ab12");

        endpoint.answer("DescribeExecution", 200, """
                {"executionArn":"%s","status":"RUNNING","startDate":1795750200,"input":"{\\"bucket\\":\\"feeds\\"}"}"""
                .formatted(EXECUTION));
        endpoint.answer("GetExecutionHistory", 200, """
                {"events":[
                  {"id":1,"type":"ExecutionStarted","timestamp":1795750200},
                  {"id":5,"type":"TaskSucceeded","timestamp":1795750260,"taskSucceededEventDetails":{
                     "resourceType":"lambda","resource":"invoke",
                     "output":"{\\"Payload\\":{\\"runId\\":\\"instruments-20261127-delta-cd34\\",\\"chunks\\":12}}"}}]}""");
        assertThat(executions.runId(EXECUTION)).contains("instruments-20261127-delta-cd34");
        FakeStepFunctionsEndpoint.Received history = endpoint.received().get(endpoint.received().size() - 1);
        assertThat(history.target()).isEqualTo("AWSStepFunctions.GetExecutionHistory");
        assertThat(history.body()).contains("\"includeExecutionData\":true").contains(EXECUTION);
    }

    @Test
    void redriveSendsRedriveExecutionWithAClientTokenAndReportsARefusal() throws IOException {
        endpoint.answer("RedriveExecution", 200, "{\"redriveDate\":1795760000}");

        RedrivenExecution redriven = executions.redrive(EXECUTION);

        assertThat(redriven.redriveDate()).isEqualTo(Instant.ofEpochSecond(1_795_760_000L));
        assertThat(endpoint.received().get(0).target()).isEqualTo("AWSStepFunctions.RedriveExecution");
        assertThat(body(0).get("executionArn").asText()).isEqualTo(EXECUTION);
        assertThat(body(0).get("clientToken").asText()).isNotBlank();

        endpoint.answer("RedriveExecution", 400, "{\"__type\":\"com.amazonaws.swf.service.v2.model#ExecutionNotRedrivable\","
                + "\"message\":\"Execution is SUCCEEDED\"}");
        assertThatThrownBy(() -> executions.redrive(EXECUTION)).isInstanceOf(ExecutionNotRedrivableException.class)
                .hasMessageContaining("Execution is SUCCEEDED");
    }

    @Test
    void anInputIsEitherANewRunFromASourceOrAReRun() {
        assertThatThrownBy(() -> ExecutionInput.newRun("feeds", "a.csv", "instruments/", null, null, null, null))
                .hasMessageContaining("either one key or every object under a prefix");
        assertThatThrownBy(() -> ExecutionInput.newRun(null, "a.csv", null, null, null, null, null))
                .hasMessageContaining("needs the source bucket");
        assertThatThrownBy(() -> ExecutionInput.newRun("feeds", "a.csv", null, null, "weekly", null, null))
                .hasMessageContaining("delta or full");
        assertThatThrownBy(() -> new ExecutionInput("feeds", null, null, null, null, null, null, "run-1"))
                .hasMessageContaining("give only rerunOf");
        assertThatThrownBy(() -> new StepFunctionsExecutions(client, "ingest"))
                .hasMessageContaining("not a state machine ARN");
    }
}
