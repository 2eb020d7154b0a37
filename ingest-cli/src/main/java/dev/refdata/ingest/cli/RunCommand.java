package dev.refdata.ingest.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refdata.ingest.adapter.config.RuntimeSettings;
import dev.refdata.ingest.core.domain.RunSource;
import dev.refdata.ingest.core.spec.DatasetCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code ingest run}: the real state machine in this process, on the configured or embedded endpoints. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the pipeline's state machine (statemachine/ingest.asl.json) in this process: plan, load "
                + "every chunk, verify, and print the run report.",
                "Exit code 0 only when the run SUCCEEDED; 3 when it did not, 1 on an error, 2 on a usage error."})
final class RunCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Load modes. */
    enum Mode { full, delta }

    @ParentCommand
    IngestCommand root;

    @Spec
    CommandSpec spec;

    @Mixin
    EndpointOptions endpointOptions;

    @Option(names = "--source", required = true, paramLabel = "<file|dir|s3://bucket/key>",
            description = "The CSV input: a local file or directory (path or file:), or s3://bucket/key "
                    + "(s3://bucket/prefix/ for every object under a prefix).")
    String source;

    @Option(names = "--dataset", defaultValue = "instruments", description = "Dataset spec name (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--datasets-dir", description = "A directory of extra dataset spec files (JSON or YAML).")
    Path datasetsDir;

    @Option(names = "--mode", defaultValue = "full",
            description = "full (a fresh index, swapped in when verified) or delta (into the live alias); "
                    + "default: ${DEFAULT-VALUE}.")
    Mode mode;

    @Option(names = "--date", paramLabel = "<yyyy-mm-dd>", description = "Business date (default: today).")
    String date;

    @Option(names = "--chunk-size", paramLabel = "<size>",
            description = "Target chunk size, e.g. 4MB, 64MB (default: INGEST_TARGET_CHUNK_BYTES or 64MB).")
    String chunkSize;

    @Option(names = "--concurrency", paramLabel = "<n>",
            description = "Chunks loaded at once (default: the definition's, 8).")
    Integer concurrency;

    @Option(names = "--json", description = "Print the final report as one JSON document on stdout.")
    boolean json;

    @Override
    public Integer call() {
        CommandContext context = root.context();
        ObjectNode input = JSON.createObjectNode();
        if (concurrency != null && concurrency < 1) {
            throw new IllegalArgumentException("--concurrency must be at least 1, got " + concurrency);
        }
        Long targetBytes = chunkSize == null ? null : RuntimeSettings.parseSize(chunkSize);
        LocalDate businessDate = date == null ? null : parseDate(date);
        try (PipelineEndpoints endpoints = endpointOptions.open(context, spec.commandLine().getErr())) {
            DatasetCatalog datasets = endpoints.datasets(datasetsDir);
            datasets.get(dataset);  // an unknown or malformed spec fails here, by name, before anything starts
            RunSource runSource = endpoints.source(source);
            input.put("bucket", runSource.bucket());
            if (runSource.key() != null) {
                input.put("key", runSource.key());
            } else {
                input.put("prefix", runSource.prefix());
            }
            input.put("dataset", dataset);
            input.put("mode", mode.name());
            if (businessDate != null) {
                input.put("businessDate", businessDate.toString());
            }
            if (targetBytes != null) {
                input.put("targetChunkBytes", targetBytes);
            }
            if (concurrency != null) {
                input.put("maxConcurrency", concurrency);
            }
            return new ForegroundRun(context, endpoints, datasets).execute(input, json, spec.commandLine().getOut(),
                    spec.commandLine().getErr());
        }
    }

    static LocalDate parseDate(String text) {
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "--date: not a date: '%s' (expected yyyy-mm-dd, e.g. 2026-11-27)", text), e);
        }
    }
}
