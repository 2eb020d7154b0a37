package dev.refdata.ingest.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refdata.ingest.adapter.logging.InvocationLog;
import dev.refdata.ingest.core.domain.RunId;
import dev.refdata.ingest.core.load.LoadSettings;
import dev.refdata.ingest.core.load.ReloadRejectsService;
import dev.refdata.ingest.core.port.in.RejectsFile;
import dev.refdata.ingest.core.port.in.ReloadRejectsCommand;
import dev.refdata.ingest.core.port.in.ReloadRejectsResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;
import software.amazon.awssdk.core.exception.SdkException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code ingest reload-rejects}: loads a run's rejected records again, as the loader wrote them or as corrected by
 * the operator, with the loader's accounting. The run is left as it ended; the reload's own report is written beside
 * the run's reports.
 */
@Command(name = "reload-rejects", mixinStandardHelpOptions = true,
        description = {"Load a run's rejected records again into the run's target index, as they are or as corrected "
                + "in a file, with the loader's conversion and accounting: every record ends indexed, deleted, stale "
                + "or rejected again (written to reloads/<run>/reload-NNN/rejects.ndjson with its line and reason).",
                "The run's status and chunk counters stay as the run ended; the reload's accounting is the report "
                        + "reports/<run>/reload-NNN.json beside the run's own reports."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:every record was loaded (indexed, deleted or stale)",
                "1:an error (unknown run, a run still loading, a bad rejects file, unreachable services)",
                "3:some records were rejected again, or the index failed and the rest was set aside: see the new "
                        + "rejects object"})
final class ReloadRejectsCommandLine implements Callable<Integer> {

    /** Some records were rejected again (or set aside unsent): the operator has more to correct. */
    static final int REJECTED_AGAIN = 3;

    @ParentCommand
    IngestCommand root;

    @Spec
    CommandSpec spec;

    @Mixin
    EndpointOptions endpointOptions;

    @Option(names = "--datasets-dir", description = "A directory of extra dataset spec files (JSON or YAML).")
    Path datasetsDir;

    @Option(names = "--run-id", required = true, description = "The run whose rejects to load.")
    String runId;

    @Option(names = "--file", paramLabel = "<corrected.ndjson>",
            description = "Load these corrected records instead of the run's rejects: the rejects format (one JSON "
                    + "object a line with chunk, line and raw; run, source and reason are ignored), e.g. the run's "
                    + "rejects or a reload's rejects.ndjson with the raw text fixed.")
    Path file;

    @Option(names = "--json", description = "Print the result as one JSON document.")
    boolean json;

    private final ReloadRejectsPorts given;

    /** Used by picocli: the ports come from this process's configuration. */
    ReloadRejectsCommandLine() {
        this(null);
    }

    /** With ready-made ports (tests, other hosts). */
    ReloadRejectsCommandLine(ReloadRejectsPorts ports) {
        this.given = ports;
    }

    @Override
    public Integer call() throws IOException {
        RunId run = new RunId(runId);
        RejectsFile corrected = file == null ? null : localFile(file);
        ReloadRejectsResult result;
        try {
            if (given != null) {
                result = reload(given, run, corrected);
            } else {
                // the same endpoints as run, status and replay-chunk: embedded defaults unless configured
                try (PipelineEndpoints endpoints = endpointOptions.open(root.context(), spec.commandLine().getErr())) {
                    StatusCommand.requireRun(endpoints, runId);
                    result = reload(new ReloadRejectsPorts(endpoints.objects(), endpoints.artifactsBucket(),
                            endpoints.runs(), endpoints.sink(), endpoints.datasets(datasetsDir)), run, corrected);
                }
            }
        } catch (SdkException e) {
            return AwsServiceErrors.report(spec.commandLine().getErr(), "reloading the rejects of run " + run, e);
        }
        print(result, spec.commandLine().getOut());
        return result.clean() ? 0 : REJECTED_AGAIN;
    }

    private static ReloadRejectsResult reload(ReloadRejectsPorts ports, RunId run, RejectsFile corrected) {
        try (InvocationLog log = InvocationLog.begin(null)) {
            log.run(run.value());
            return new ReloadRejectsService(ports.objects(), ports.runs(), ports.sink(), ports.datasets(),
                    ports.artifactsBucket(), LoadSettings.DEFAULTS, Clock.systemUTC())
                    .reload(new ReloadRejectsCommand(run, corrected));
        }
    }

    private static RejectsFile localFile(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new NoSuchFileException(path.toString(), null, "no such file: give the corrected rejects "
                    + "(NDJSON) to --file");
        }
        return new RejectsFile() {
            @Override
            public String name() {
                return path.toString();
            }

            @Override
            public InputStream open() throws IOException {
                return Files.newInputStream(path);
            }
        };
    }

    private void print(ReloadRejectsResult r, PrintWriter out) throws IOException {
        if (json) {
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            ObjectNode node = mapper.createObjectNode();
            node.put("runId", r.run().value());
            node.put("reload", r.reload());
            node.put("input", r.input());
            node.put("index", r.index());
            node.put("status", r.failure() == null ? "COMPLETED" : "STOPPED");
            node.set("totals", mapper.valueToTree(r.counters()));
            node.put("rejectedAgain", r.rejectedAgain() == null ? null : r.rejectedAgain().toString());
            node.put("report", r.report().toString());
            node.put("failure", r.failure());
            out.println(mapper.writeValueAsString(node));
            return;
        }
        var c = r.counters();
        out.printf(Locale.ROOT, "reload %d of run %s: %s into %s%n", r.reload(), r.run(), r.input(), r.index());
        out.printf(Locale.ROOT, "  read %,d: indexed %,d, deleted %,d, stale %,d, rejected again %,d (retries %,d)%n",
                c.read(), c.indexed(), c.deleted(), c.stale(), c.rejected(), c.retries());
        if (r.failure() != null) {
            out.println("  stopped early: " + r.failure() + "; the records not sent are in the new rejects");
        }
        if (r.rejectedAgain() != null) {
            out.println("  rejected again: " + r.rejectedAgain()
                    + " (correct the raw text and reload it with --file)");
        }
        out.println("  report: " + r.report());
    }
}
