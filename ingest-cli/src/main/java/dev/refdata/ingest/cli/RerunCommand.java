package dev.refdata.ingest.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refdata.ingest.core.domain.RunRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code ingest rerun}: a new execution of a run that loads only its unfinished chunks ({@code rerunOf}). */
@Command(name = "rerun", mixinStandardHelpOptions = true,
        description = {"Run a run's unfinished chunks again (a new execution with rerunOf), verify it and print the "
                + "report.", "Exit code 0 only when the run SUCCEEDED; 3 when it did not."})
final class RerunCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParentCommand
    IngestCommand root;

    @Spec
    CommandSpec spec;

    @Mixin
    EndpointOptions endpointOptions;

    @Option(names = "--run-id", required = true, description = "The run to re-run (see: ingest status).")
    String runId;

    @Option(names = "--datasets-dir", description = "A directory of extra dataset spec files (JSON or YAML).")
    Path datasetsDir;

    @Option(names = "--json", description = "Print the final report as one JSON document on stdout.")
    boolean json;

    @Override
    public Integer call() {
        CommandContext context = root.context();
        try (PipelineEndpoints endpoints = endpointOptions.open(context, spec.commandLine().getErr())) {
            RunRecord run = StatusCommand.requireRun(endpoints, runId);
            ObjectNode input = JSON.createObjectNode();
            input.put("rerunOf", run.id().value());
            return new ForegroundRun(context, endpoints, endpoints.datasets(datasetsDir)).execute(input, json,
                    spec.commandLine().getOut(), spec.commandLine().getErr());
        }
    }
}
