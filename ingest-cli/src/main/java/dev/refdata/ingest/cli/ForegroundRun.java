package dev.refdata.ingest.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refdata.ingest.core.spec.DatasetCatalog;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Objects;

/** Runs an execution in the foreground with progress on stderr, then prints its summary: run, rerun and demo. */
final class ForegroundRun {

    /** The exit code of a run that did not succeed (a usage error is 2, any other error 1). */
    static final int RUN_NOT_SUCCEEDED = 3;

    private final CommandContext context;
    private final PipelineEndpoints endpoints;
    private final DatasetCatalog datasets;

    ForegroundRun(CommandContext context, PipelineEndpoints endpoints, DatasetCatalog datasets) {
        this.context = Objects.requireNonNull(context, "context");
        this.endpoints = Objects.requireNonNull(endpoints, "endpoints");
        this.datasets = Objects.requireNonNull(datasets, "datasets");
    }

    /** Runs {@code input} and prints the summary (as JSON with {@code json}); the command's exit code. */
    int execute(ObjectNode input, boolean json, PrintWriter out, PrintWriter err) {
        // OpenSearch first, so that starting the embedded node is not counted as the run's time
        endpoints.openSearch();
        LocalRun.Outcome outcome;
        Duration interval = context.terminal().isPresent() ? Duration.ofMillis(500) : Duration.ofSeconds(5);
        try (RunProgress progress = new RunProgress(endpoints.runs(), err, context.terminal(), interval,
                context.clock())) {
            outcome = new LocalRun(endpoints, datasets, context.clock()).execute(input, progress);
        }
        RunSummary summary = RunSummary.of(outcome, endpoints, context.started());
        if (json) {
            out.println(summary.toJson());
        } else {
            summary.print(out);
        }
        out.flush();
        return summary.succeeded() ? 0 : RUN_NOT_SUCCEEDED;
    }
}
