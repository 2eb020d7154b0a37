package dev.refdata.ingest.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refdata.ingest.adapter.config.ProcessClients;
import dev.refdata.ingest.adapter.stepfunctions.ExecutionDescription;
import dev.refdata.ingest.adapter.stepfunctions.ExecutionInput;
import dev.refdata.ingest.adapter.stepfunctions.PipelineExecutions;
import dev.refdata.ingest.adapter.stepfunctions.RedrivenExecution;
import dev.refdata.ingest.adapter.stepfunctions.StartedExecution;
import dev.refdata.ingest.adapter.stepfunctions.StepFunctionsExecutions;
import dev.refdata.ingest.core.domain.ChunkCounters;
import dev.refdata.ingest.core.domain.ChunkState;
import dev.refdata.ingest.core.domain.ChunkStatus;
import dev.refdata.ingest.core.domain.RunId;
import dev.refdata.ingest.core.domain.RunRecord;
import dev.refdata.ingest.core.port.out.RunStore;
import picocli.CommandLine.ArgGroup;
import software.amazon.awssdk.core.exception.SdkException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code ingest aws start|status|redrive}: the same actions against a deployed stack. Step Functions
 * StartExecution, DescribeExecution (with the run's state from the stack's DynamoDB run table) and RedriveExecution.
 * AWS settings are the SDK's own: {@code AWS_REGION}, {@code AWS_PROFILE}, {@code AWS_ENDPOINT_URL}; the run table is
 * {@code INGEST_RUN_TABLE} (the stack output RunTableName).
 */
@Command(name = "aws", mixinStandardHelpOptions = true,
        description = {"Start, inspect and redrive executions of the deployed pipeline (see docs/deploy.md and "
                + "docs/runbook.md).",
                "AWS settings are the SDK's own (AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL); the run table is "
                        + "INGEST_RUN_TABLE (the stack output RunTableName)."})
final class AwsCommand {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    @Spec
    CommandSpec spec;

    private final AwsPorts given;

    /** Used by picocli: the AWS clients come from this process's configuration. */
    AwsCommand() {
        this(null);
    }

    /** With ready-made ports (tests). */
    AwsCommand(AwsPorts ports) {
        this.given = ports;
    }

    /** The AWS clients from this process's configuration: the one place the command obtains them. */
    private AwsPorts ports() {
        if (given != null) {
            return given;
        }
        ProcessClients clients = ProcessClients.fromEnvironment();
        return new AwsPorts() {
            @Override
            public PipelineExecutions executions(String stateMachineArn) {
                return StepFunctionsExecutions.create(stateMachineArn, clients.settings().region(), null);
            }

            @Override
            public RunStore runStore() {
                return clients.runStore();
            }
        };
    }

    /** The state machine: the flag, else {@code INGEST_STATE_MACHINE_ARN}. */
    static final class Machine {
        @Option(names = "--state-machine-arn", paramLabel = "<arn>",
                description = "The stack output StateMachineArn (default: INGEST_STATE_MACHINE_ARN).")
        String arn;

        String resolve() {
            String value = arn != null ? arn : System.getenv("INGEST_STATE_MACHINE_ARN");
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("no state machine: give --state-machine-arn or set "
                        + "INGEST_STATE_MACHINE_ARN (the stack output StateMachineArn: aws cloudformation "
                        + "describe-stacks --stack-name <stack> --query \"Stacks[0].Outputs\")");
            }
            return value.trim();
        }
    }

    /** What to load: a new run's source or a re-run. */
    static final class What {
        @ArgGroup(exclusive = false, multiplicity = "0..1")
        NewRun newRun;

        @Option(names = "--rerun-of", paramLabel = "<run-id>",
                description = "Re-run the unfinished chunks of this run (input {\"rerunOf\": …}).")
        String rerunOf;
    }

    /** A new run's source and options. */
    static final class NewRun {
        @Option(names = "--bucket", required = true, description = "The source bucket.")
        String bucket;

        @Option(names = "--key", description = "One source object.")
        String key;

        @Option(names = "--prefix", description = "Every .csv / .csv.gz object under this prefix.")
        String prefix;

        @Option(names = "--dataset", description = "Dataset spec name (default: instruments).")
        String dataset;

        @Option(names = "--mode", description = "delta (into the live alias) or full (a new index swapped in "
                + "when the run verifies); default delta.")
        String mode;

        @Option(names = "--date", paramLabel = "<yyyy-MM-dd>", description = "The business date (default: today in "
                + "the stack's BusinessTimeZone).")
        String businessDate;
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Start an execution of the deployed state machine (StartExecution) and print its ARN.")
    int start(@ArgGroup(exclusive = false) Machine machine,
              @ArgGroup(exclusive = true, multiplicity = "1") What what,
              @Option(names = "--max-concurrency", description = "Chunks loaded at once (default 8).")
              Integer maxConcurrency,
              @Option(names = "--name", description = "The execution's name (default: generated).") String name,
              @Option(names = "--json", description = "Print the result as JSON.") boolean json) throws Exception {
        ExecutionInput input;
        if (what.rerunOf != null) {
            input = ExecutionInput.rerun(new RunId(what.rerunOf).value(), maxConcurrency);
        } else {
            NewRun n = what.newRun;
            input = ExecutionInput.newRun(n.bucket, n.key, n.prefix, n.dataset, n.mode, date(n.businessDate),
                    maxConcurrency);
        }
        String arn = (machine == null ? new Machine() : machine).resolve();
        StartedExecution started;
        try {
            started = ports().executions(arn).start(input, name);
        } catch (SdkException e) {
            return AwsServiceErrors.report(spec.commandLine().getErr(), "StartExecution on " + arn, e);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode node = JSON.createObjectNode();
            node.put("executionArn", started.executionArn());
            node.put("startDate", String.valueOf(started.startDate()));
            node.set("input", JSON.readTree(input.toJson()));
            out.println(JSON.writeValueAsString(node));
        } else {
            out.println("started " + started.executionArn());
            out.println("  input " + input.toJson());
            out.println("  follow it with: ingest aws status --execution-arn " + started.executionArn());
        }
        return 0;
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "An execution's status (DescribeExecution) and its run's state from the run table.",
            exitCodeListHeading = "Exit codes:%n",
            exitCodeList = {"0:the execution succeeded", "1:an error", "4:the execution is still running",
                    "5:the execution failed, timed out or was aborted"})
    int status(@Option(names = "--execution-arn", required = true, paramLabel = "<arn>") String executionArn,
               @Option(names = "--run-id", description = "The run, when the execution cannot tell it "
                       + "(it failed before planning).") String runId,
               @Option(names = "--json", description = "Print the result as JSON.") boolean json) throws Exception {
        AwsPorts ports = ports();
        PipelineExecutions executions = ports.executions(machineOf(executionArn));
        ExecutionDescription d;
        Optional<String> run;
        try {
            d = executions.describe(executionArn);
            run = runId != null ? Optional.of(runId) : executions.runId(executionArn);
        } catch (SdkException e) {
            return AwsServiceErrors.report(spec.commandLine().getErr(), "DescribeExecution of " + executionArn, e);
        }
        Optional<RunRecord> record;
        List<ChunkState> chunks;
        try {
            record = run.flatMap(id -> ports.runStore().find(new RunId(id)));
            chunks = record.map(r -> ports.runStore().chunkStates(r.id())).orElse(List.of());
        } catch (SdkException e) {
            return AwsServiceErrors.report(spec.commandLine().getErr(), "reading run " + run.orElse("?")
                    + " from the run table (INGEST_RUN_TABLE)", e);
        }
        Map<ChunkStatus, Integer> byStatus = new EnumMap<>(ChunkStatus.class);
        ChunkCounters totals = ChunkCounters.ZERO;
        for (ChunkState c : chunks) {
            byStatus.merge(c.status(), 1, Integer::sum);
            totals = totals.plus(c.checkpoint().counters());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode node = JSON.createObjectNode();
            node.set("execution", JSON.valueToTree(d));
            node.put("runId", run.orElse(null));
            if (record.isPresent()) {
                RunRecord r = record.get();
                ObjectNode runNode = node.putObject("run");
                runNode.put("status", r.status().name());
                runNode.put("reason", r.reason());
                runNode.put("chunkCount", r.chunkCount());
                runNode.put("expectedRecords", r.expectedRecords());
                runNode.put("executions", r.executions());
                runNode.set("chunksByStatus", JSON.valueToTree(byStatus));
                runNode.set("totals", JSON.valueToTree(totals));
            }
            out.println(JSON.writeValueAsString(node));
        } else {
            out.printf(Locale.ROOT, "execution %s: %s (started %s%s)%n", d.name(), d.status(), d.startDate(),
                    d.stopDate() == null ? "" : ", stopped " + d.stopDate());
            if (d.error() != null) {
                out.println("  error: " + d.error() + (d.cause() == null ? "" : ": " + d.cause()));
            }
            if (d.redriveCount() > 0 || d.redriveStatus() != null) {
                out.println("  redriven " + d.redriveCount() + " times; " + d.redriveStatus()
                        + (d.redriveStatusReason() == null ? "" : " (" + d.redriveStatusReason() + ")"));
            }
            if (run.isEmpty()) {
                out.println("  run: not planned yet (or give --run-id)");
            } else if (record.isEmpty()) {
                out.println("  run " + run.get() + ": not in the run table");
            } else {
                RunRecord r = record.get();
                out.printf(Locale.ROOT, "  run %s: %s%s, %d chunks, %,d records planned, execution %d%n", r.id(),
                        r.status(), r.reason() == null ? "" : " (" + r.reason() + ")", r.chunkCount(),
                        r.expectedRecords(), r.executions());
                out.println("  chunks: " + byStatus);
                out.printf(Locale.ROOT, "  totals: read %,d, indexed %,d, deleted %,d, stale %,d, rejected %,d, "
                                + "retries %,d%n", totals.read(), totals.indexed(), totals.deleted(), totals.stale(),
                        totals.rejected(), totals.retries());
            }
        }
        return switch (d.status()) {
            case "SUCCEEDED" -> 0;
            case "RUNNING", "PENDING_REDRIVE" -> 4;
            default -> 5;
        };
    }

    @Command(name = "redrive", mixinStandardHelpOptions = true,
            description = {"Redrive an execution that was aborted or timed out partway (RedriveExecution): same ARN, "
                    + "same input, resumed at the step that did not finish.",
                    "To repair a run whose chunks failed or that the verifier failed, start a re-run instead: "
                            + "ingest aws start --rerun-of <run-id> (see docs/runbook.md)."})
    int redrive(@Option(names = "--execution-arn", required = true, paramLabel = "<arn>") String executionArn,
                @Option(names = "--json", description = "Print the result as JSON.") boolean json) throws Exception {
        RedrivenExecution r;
        try {
            r = ports().executions(machineOf(executionArn)).redrive(executionArn);
        } catch (SdkException e) {
            return AwsServiceErrors.report(spec.commandLine().getErr(), "RedriveExecution of " + executionArn, e);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode node = JSON.createObjectNode();
            node.put("executionArn", r.executionArn());
            node.put("redriveDate", String.valueOf(r.redriveDate()));
            out.println(JSON.writeValueAsString(node));
        } else {
            out.println("redriven " + r.executionArn() + " at " + r.redriveDate());
            out.println("  follow it with: ingest aws status --execution-arn " + r.executionArn());
        }
        return 0;
    }

    /**
     * The state machine an execution belongs to: {@code arn:aws:states:<region>:<account>:execution:<machine>:<name>}
     * becomes {@code …:stateMachine:<machine>}.
     */
    static String machineOf(String executionArn) {
        String[] parts = executionArn.split(":");
        if (parts.length < 8 || !parts[0].equals("arn") || !parts[2].equals("states") || !parts[5].equals("execution")) {
            throw new IllegalArgumentException("not an execution ARN: '" + executionArn
                    + "' (arn:aws:states:<region>:<account>:execution:<state machine>:<name>)");
        }
        return String.join(":", parts[0], parts[1], parts[2], parts[3], parts[4], "stateMachine", parts[6]);
    }

    private static LocalDate date(String text) {
        if (text == null) {
            return null;
        }
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--date: not a date (yyyy-MM-dd): '" + text + "'", e);
        }
    }
}
