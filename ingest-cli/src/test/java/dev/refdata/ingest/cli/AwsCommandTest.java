package dev.refdata.ingest.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refdata.ingest.adapter.local.LocalRunStores;
import dev.refdata.ingest.adapter.stepfunctions.ExecutionDescription;
import dev.refdata.ingest.adapter.stepfunctions.ExecutionInput;
import dev.refdata.ingest.adapter.stepfunctions.PipelineExecutions;
import dev.refdata.ingest.adapter.stepfunctions.RedrivenExecution;
import dev.refdata.ingest.adapter.stepfunctions.StartedExecution;
import dev.refdata.ingest.core.domain.ByteRange;
import dev.refdata.ingest.core.domain.ChunkDefinition;
import dev.refdata.ingest.core.domain.ChunkKey;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.domain.RunId;
import dev.refdata.ingest.core.domain.RunMode;
import dev.refdata.ingest.core.domain.RunRecord;
import dev.refdata.ingest.core.domain.RunSource;
import dev.refdata.ingest.core.domain.RunStatus;
import dev.refdata.ingest.core.port.out.RunStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ingest aws} through the command line, with a recording fake of the executions port (the Step Functions
 * request mapping itself is tested in the adapter against an HTTP endpoint) and the SQLite run store.
 */
class AwsCommandTest {

    private static final String MACHINE = "arn:aws:states:eu-central-1:123456789012:stateMachine:ingest";
    private static final String EXECUTION = "arn:aws:states:eu-central-1:123456789012:execution:ingest:nightly-1";
    private static final RunId RUN = new RunId("instruments-20261127-full-1f2e3d4c");

    @TempDir
    Path dir;

    private final List<String> calls = new ArrayList<>();
    private final List<ExecutionInput> inputs = new ArrayList<>();
    private ExecutionDescription description = new ExecutionDescription(EXECUTION, "nightly-1", "FAILED",
            Instant.parse("2026-11-27T02:30:00Z"), Instant.parse("2026-11-27T03:10:00Z"), "{}", null, "RunFailed",
            "run " + RUN + " failed: 1 chunk FAILED", 0, "REDRIVABLE", null);

    private final PipelineExecutions executions = new PipelineExecutions() {
        @Override
        public StartedExecution start(ExecutionInput input, String name) {
            inputs.add(input);
            calls.add("start " + name);
            return new StartedExecution(EXECUTION, Instant.parse("2026-11-27T02:30:00Z"));
        }

        @Override
        public ExecutionDescription describe(String executionArn) {
            calls.add("describe " + executionArn);
            return description;
        }

        @Override
        public Optional<String> runId(String executionArn) {
            return Optional.of(RUN.value());
        }

        @Override
        public RedrivenExecution redrive(String executionArn) {
            calls.add("redrive " + executionArn);
            return new RedrivenExecution(executionArn, Instant.parse("2026-11-27T08:00:00Z"));
        }
    };

    private record Result(int exitCode, String out, String err) {
    }

    private Result run(RunStore runs, String... args) {
        List<String> machines = new ArrayList<>();
        AwsPorts ports = new AwsPorts() {
            @Override
            public PipelineExecutions executions(String stateMachineArn) {
                machines.add(stateMachineArn);
                calls.add("machine " + stateMachineArn);
                return executions;
            }

            @Override
            public RunStore runStore() {
                return runs;
            }
        };
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            @SuppressWarnings("unchecked")
            public <K> K create(Class<K> type) throws Exception {
                return type == AwsCommand.class ? (K) new AwsCommand(ports) : CommandLine.defaultFactory().create(type);
            }
        };
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = IngestCommand.execute(factory, new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void startMapsTheFlagsToTheExecutionInput() {
        Result r = run(null, "aws", "start", "--state-machine-arn", MACHINE, "--bucket", "feeds", "--prefix",
                "instruments/", "--mode", "full", "--date", "2026-11-27", "--max-concurrency", "16", "--name", "manual-1");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(calls).containsExactly("machine " + MACHINE, "start manual-1");
        assertThat(inputs.get(0)).isEqualTo(new ExecutionInput("feeds", null, "instruments/", null, "full",
                LocalDate.parse("2026-11-27"), 16, null));
        assertThat(r.out()).contains("started " + EXECUTION).contains("ingest aws status --execution-arn " + EXECUTION);
    }

    @Test
    void startARerunNeedsOnlyTheRunAndRefusesASourceBeside() {
        Result r = run(null, "aws", "start", "--state-machine-arn", MACHINE, "--rerun-of", RUN.value());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(inputs.get(0).toJson()).isEqualTo("{\"rerunOf\":\"" + RUN.value() + "\"}");

        Result both = run(null, "aws", "start", "--state-machine-arn", MACHINE, "--rerun-of", RUN.value(),
                "--bucket", "feeds", "--key", "a.csv");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("mutually exclusive");
    }

    @Test
    void startWithoutAStateMachineSaysWhereToFindIt() {
        Result r = run(null, "aws", "start", "--bucket", "feeds", "--key", "a.csv");
        if (System.getenv("INGEST_STATE_MACHINE_ARN") == null) {
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.err()).contains("--state-machine-arn").contains("INGEST_STATE_MACHINE_ARN")
                    .contains("StateMachineArn");
        } else {
            assertThat(r.exitCode()).isZero();
        }
    }

    @Test
    void statusShowsTheExecutionAndTheRunStateFromTheRunTable() throws Exception {
        RunStore runs = LocalRunStores.runStore(dir.resolve("runs.db"));
        runs.create(new RunRecord(RUN, "instruments", LocalDate.parse("2026-11-27"), RunMode.FULL,
                RunSource.prefix("feeds", "instruments/"), RunStatus.FAILED, "instruments", "instruments-20261127",
                new ObjectRef("artifacts", "manifests/m.json"), 2, 20, 1, "1 chunk FAILED",
                Instant.parse("2026-11-27T02:30:00Z"), Instant.parse("2026-11-27T03:10:00Z")));
        ObjectRef source = new ObjectRef("feeds", "instruments/a.csv");
        runs.registerChunks(RUN, List.of(
                new ChunkDefinition(new ChunkKey(RUN, 0), source, new ByteRange(10, 500), 2, 10, List.of("isin"), source),
                new ChunkDefinition(new ChunkKey(RUN, 1), source, new ByteRange(500, 900), 12, 10, List.of("isin"), source)));

        Result text = run(runs, "aws", "status", "--execution-arn", EXECUTION);

        assertThat(text.exitCode()).as(text.err()).isEqualTo(5);
        assertThat(calls).contains("machine " + MACHINE);
        assertThat(text.out()).contains("execution nightly-1: FAILED").contains("error: RunFailed")
                .contains("run " + RUN + ": FAILED (1 chunk FAILED), 2 chunks, 20 records planned")
                .contains("PENDING=2");

        Result json = run(runs, "aws", "status", "--execution-arn", EXECUTION, "--json");
        JsonNode node = new ObjectMapper().readTree(json.out());
        assertThat(node.at("/execution/status").asText()).isEqualTo("FAILED");
        assertThat(node.at("/run/status").asText()).isEqualTo("FAILED");
        assertThat(node.at("/run/chunksByStatus/PENDING").asInt()).isEqualTo(2);
        assertThat(node.at("/run/totals/read").asLong()).isZero();
    }

    @Test
    void statusOfARunningExecutionExitsFour() {
        description = new ExecutionDescription(EXECUTION, "nightly-1", "RUNNING", Instant.parse("2026-11-27T02:30:00Z"),
                null, "{}", null, null, null, 0, null, null);
        RunStore runs = LocalRunStores.runStore(dir.resolve("runs.db"));

        Result r = run(runs, "aws", "status", "--execution-arn", EXECUTION);

        assertThat(r.exitCode()).isEqualTo(4);
        assertThat(r.out()).contains("RUNNING").contains("run " + RUN + ": not in the run table");
    }

    @Test
    void redriveRedrivesTheExecutionOfItsOwnStateMachine() {
        Result r = run(null, "aws", "redrive", "--execution-arn", EXECUTION);

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(calls).containsExactly("machine " + MACHINE, "redrive " + EXECUTION);
        assertThat(r.out()).contains("redriven " + EXECUTION);
    }

    @Test
    void anAwsFailureIsOneLineWithTheNextStepNotAStackTrace() {
        PipelineExecutions unreachable = new PipelineExecutions() {
            @Override
            public StartedExecution start(ExecutionInput input, String name) {
                throw software.amazon.awssdk.core.exception.SdkClientException.create(
                        "Unable to execute HTTP request: Connection refused");
            }

            @Override
            public ExecutionDescription describe(String executionArn) {
                throw software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException.builder()
                        .awsErrorDetails(software.amazon.awssdk.awscore.exception.AwsErrorDetails.builder()
                                .errorCode("ExecutionDoesNotExist").errorMessage("Execution Does Not Exist").build())
                        .build();
            }

            @Override
            public Optional<String> runId(String executionArn) {
                return Optional.empty();
            }

            @Override
            public RedrivenExecution redrive(String executionArn) {
                throw new UnsupportedOperationException();
            }
        };
        AwsPorts ports = new AwsPorts() {
            @Override
            public PipelineExecutions executions(String stateMachineArn) {
                return unreachable;
            }

            @Override
            public RunStore runStore() {
                return null;
            }
        };
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            @SuppressWarnings("unchecked")
            public <K> K create(Class<K> type) throws Exception {
                return type == AwsCommand.class ? (K) new AwsCommand(ports) : CommandLine.defaultFactory().create(type);
            }
        };
        StringWriter err = new StringWriter();
        int start = IngestCommand.execute(factory, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
                "aws", "start", "--state-machine-arn", MACHINE, "--rerun-of", RUN.value());
        int status = IngestCommand.execute(factory, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
                "aws", "status", "--execution-arn", EXECUTION);

        assertThat(start).isEqualTo(1);
        assertThat(status).isEqualTo(1);
        assertThat(err.toString().lines()).containsExactly(
                "error: StartExecution on " + MACHINE + ": Unable to execute HTTP request: Connection refused (check "
                        + "AWS_REGION, the credentials (AWS_PROFILE or AWS_ACCESS_KEY_ID) and AWS_ENDPOINT_URL)",
                "error: DescribeExecution of " + EXECUTION + ": ExecutionDoesNotExist: Execution Does Not Exist");
    }

    @Test
    void aMalformedExecutionArnIsAUserError() {
        Result r = run(null, "aws", "redrive", "--execution-arn", "nightly-1");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("not an execution ARN");
    }
}
