package dev.refdata.ingest.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.it.scenario.NightlyRunScenario;
import dev.refdata.ingest.it.support.HostPortRelay;
import dev.refdata.ingest.it.support.PipelineFixture;
import dev.refdata.ingest.it.support.ServiceEndpoints;
import dev.refdata.ingest.it.support.TestServices;
import dev.refdata.ingest.statemachine.ExecutionResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.Runtime;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The deployment, in LocalStack: the three shaded Lambda jars the build made become functions, the real definition
 * (its {@code ${…}} placeholders substituted as SAM's {@code DefinitionSubstitutions} would) becomes a state
 * machine, and the nightly scenario of {@link StateMachineRunIT} runs through Step Functions instead of the local
 * executor: the same {@link NightlyRunScenario}, another {@link dev.refdata.ingest.it.scenario.PipelineBackend}.
 *
 * <p>Runs only with {@code INGEST_IT_TARGET=localstack}; otherwise JUnit reports it as skipped with that reason
 * (it is not a pass). In that mode {@link TestServices} fails every test with a message when Docker or
 * {@code LOCALSTACK_AUTH_TOKEN} is missing. The jars must have been built: {@code ./mvnw -B verify} with
 * {@code INGEST_IT_TARGET=localstack} builds them first. The functions use the built-in {@code instruments}
 * dataset (a spec directory on this host is not visible inside the functions' containers).
 */
@EnabledIfEnvironmentVariable(named = "INGEST_IT_TARGET", matches = "(?i)localstack",
        disabledReason = "deploys to LocalStack: set INGEST_IT_TARGET=localstack (needs Docker and LOCALSTACK_AUTH_TOKEN)")
class LocalStackDeploymentIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TAG = "lsd" + UUID.randomUUID().toString().substring(0, 6);
    private static final String FEEDS = TAG + "-feeds";
    private static final String ARTIFACTS = TAG + "-artifacts";
    private static final String TABLE = TAG + "-runs";
    private static final String DATASET = "instruments";
    /** Inside LocalStack's Lambda containers this name resolves to LocalStack itself. */
    private static final String GATEWAY_FROM_FUNCTIONS = "http://localhost.localstack.cloud:4566";
    private static final Duration EXECUTION_TIMEOUT = Duration.ofMinutes(20);

    private static PipelineFixture pipeline;
    private static HostPortRelay openSearchRelay;
    private static LambdaClient lambda;
    private static SfnClient stepFunctions;
    private static IamClient iam;
    private static String stateMachineArn;

    @BeforeAll
    static void deploy() throws IOException {
        ServiceEndpoints services = TestServices.endpoints();
        pipeline = PipelineFixture.create(TAG, FEEDS, ARTIFACTS, TABLE, List.of());
        openSearchRelay = HostPortRelay.toLoopbackPort(services.openSearchUrl().getPort());
        URI gateway = services.localStackGateway();
        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(
                services.credentials().accessKeyId(), services.credentials().secretAccessKey()));
        Region region = Region.of(services.region());
        lambda = LambdaClient.builder().endpointOverride(gateway).region(region).credentialsProvider(credentials).build();
        stepFunctions = SfnClient.builder().endpointOverride(gateway).region(region).credentialsProvider(credentials).build();
        iam = IamClient.builder().endpointOverride(gateway).region(Region.AWS_GLOBAL).credentialsProvider(credentials)
                .build();

        String role = iam.createRole(r -> r.roleName(TAG + "-role").assumeRolePolicyDocument("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole",
                 "Principal":{"Service":["lambda.amazonaws.com","states.amazonaws.com"]}}]}""")).role().arn();

        Map<String, String> environment = Map.of(
                "INGEST_RUN_TABLE", TABLE,
                "INGEST_ARTIFACTS_BUCKET", ARTIFACTS,
                "INGEST_S3_ENDPOINT", GATEWAY_FROM_FUNCTIONS,
                "INGEST_DYNAMODB_ENDPOINT", GATEWAY_FROM_FUNCTIONS,
                "INGEST_OPENSEARCH_URL", "http://host.docker.internal:" + openSearchRelay.port(),
                "INGEST_TARGET_CHUNK_BYTES", "4MB");
        Map<String, String> substitutions = new LinkedHashMap<>();
        substitutions.put("ChunkerFunctionArn", function("chunker", "dev.refdata.ingest.lambda.chunker.ChunkerHandler",
                role, environment));
        substitutions.put("LoaderFunctionArn", function("loader", "dev.refdata.ingest.lambda.loader.LoaderHandler",
                role, environment));
        substitutions.put("VerifierFunctionArn", function("verifier",
                "dev.refdata.ingest.lambda.verifier.VerifierHandler", role, environment));
        substitutions.put("ArtifactsBucketName", ARTIFACTS);

        String definition = Files.readString(repositoryRoot().resolve("statemachine/ingest.asl.json"));
        for (Map.Entry<String, String> s : substitutions.entrySet()) {
            definition = definition.replace("${" + s.getKey() + "}", s.getValue());
        }
        String substituted = definition;
        stateMachineArn = stepFunctions.createStateMachine(r -> r.name(TAG + "-ingest").roleArn(role)
                .definition(substituted)).stateMachineArn();
    }

    /** Uploads the module's shaded jar and creates the function from it, waiting until it is active. */
    private static String function(String module, String handlerClass, String role, Map<String, String> environment) {
        Path jar = repositoryRoot().resolve("ingest-" + module + "/target/ingest-" + module + "-0.1.0-SNAPSHOT-lambda.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build it first (./mvnw -B verify builds every module"
                    + " before ingest-it; with -pl, name ingest-" + module + " too)");
        }
        String key = "deploy/" + module + ".jar";
        try {
            pipeline.objects().put(new ObjectRef(ARTIFACTS, key), Files.readAllBytes(jar), "application/java-archive");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String name = TAG + "-" + module;
        String arn = lambda.createFunction(f -> f.functionName(name)
                .runtime(Runtime.JAVA17)
                .role(role)
                .handler(handlerClass + "::handleRequest")
                .code(c -> c.s3Bucket(ARTIFACTS).s3Key(key))
                .memorySize(1769)
                .timeout(900)
                .environment(e -> e.variables(environment))).functionArn();
        lambda.waiter().waitUntilFunctionActiveV2(r -> r.functionName(name));
        return arn;
    }

    @AfterAll
    static void remove() {
        if (stepFunctions != null && stateMachineArn != null) {
            stepFunctions.deleteStateMachine(r -> r.stateMachineArn(stateMachineArn));
        }
        for (String module : List.of("chunker", "loader", "verifier")) {
            if (lambda != null) {
                try {
                    lambda.deleteFunction(r -> r.functionName(TAG + "-" + module));
                } catch (RuntimeException e) {
                    // not created: the deployment failed before it
                }
            }
        }
        if (openSearchRelay != null) {
            openSearchRelay.close();
        }
        if (pipeline != null) {
            pipeline.close();
        }
        for (AutoCloseable client : new AutoCloseable[] {lambda, stepFunctions, iam}) {
            try {
                if (client != null) {
                    client.close();
                }
            } catch (Exception e) {
                // closing anyway
            }
        }
    }

    /** Step Functions as the backend: StartExecution, then DescribeExecution until it has ended. */
    private static ExecutionResult executeInStepFunctions(ObjectNode input) {
        String executionArn = stepFunctions.startExecution(r -> r.stateMachineArn(stateMachineArn)
                .name("execution-" + UUID.randomUUID()).input(input.toString())).executionArn();
        Instant deadline = Instant.now().plus(EXECUTION_TIMEOUT);
        while (true) {
            DescribeExecutionResponse execution = stepFunctions.describeExecution(r -> r.executionArn(executionArn));
            if (execution.status() == ExecutionStatus.SUCCEEDED) {
                try {
                    return new ExecutionResult(ExecutionResult.SUCCEEDED, JSON.readTree(execution.output()), null, null);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            if (execution.status() != ExecutionStatus.RUNNING && execution.status() != ExecutionStatus.PENDING_REDRIVE) {
                return new ExecutionResult(ExecutionResult.FAILED, null,
                        execution.error() == null ? execution.statusAsString() : execution.error(), execution.cause());
            }
            if (Instant.now().isAfter(deadline)) {
                stepFunctions.stopExecution(r -> r.executionArn(executionArn).error("TestTimeout"));
                throw new AssertionError(executionArn + " still running after " + EXECUTION_TIMEOUT);
            }
            try {
                Thread.sleep(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + executionArn, e);
            }
        }
    }

    @Test
    void theDeployedDefinitionRunsTheNightlyScenarioThroughStepFunctions() {
        new NightlyRunScenario(pipeline.objects(), pipeline.runs(), pipeline.search().admin(), FEEDS, DATASET)
                .aFullLoadRunsThroughTheDefinitionAndGoesLive(LocalStackDeploymentIT::executeInStepFunctions, "ok/",
                        LocalDate.parse("2026-11-27"), 200_000);
    }

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("statemachine/ingest.asl.json"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("statemachine/ingest.asl.json not found above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
