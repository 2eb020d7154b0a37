package dev.refdata.ingest.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refdata.ingest.core.domain.RunSource;
import dev.refdata.ingest.core.sample.InstrumentSampleGenerator;
import dev.refdata.ingest.core.sample.SampleOptions;
import dev.refdata.ingest.core.sample.SampleSummary;
import dev.refdata.ingest.core.spec.DatasetCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/** {@code ingest demo}: a sample generated and run end to end on the embedded defaults. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Generate a sample of instruments into ./.ingest/demo/ and run it end to end (plan, load, "
                + "verify, go live) on the embedded defaults: local files, the SQLite run store and a local "
                + "OpenSearch node started on first use.", "Exit code 0 only when the run SUCCEEDED."})
final class DemoCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    @ParentCommand
    IngestCommand root;

    @Spec
    CommandSpec spec;

    @Mixin
    EndpointOptions endpointOptions;

    @Option(names = "--records", defaultValue = "1000000", description = "Records to generate (default: ${DEFAULT-VALUE}).")
    long records;

    @Option(names = "--chunk-size", paramLabel = "<size>", description = "Target chunk size (default: 16MB).",
            defaultValue = "16MB")
    String chunkSize;

    @Option(names = "--json", description = "Print the final report as one JSON document on stdout.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        if (records < 1) {
            throw new IllegalArgumentException("--records must be at least 1, got " + records);
        }
        long targetBytes = dev.refdata.ingest.adapter.config.RuntimeSettings.parseSize(chunkSize);
        CommandContext context = root.context();
        PrintWriter err = spec.commandLine().getErr();
        try (PipelineEndpoints endpoints = endpointOptions.open(context, err)) {
            // each demo is a run of its own (the run id hashes the source), and only the latest sample is kept
            Path demos = endpoints.stateDirectory().resolve("demo");
            deleteContents(demos);
            Path sample = demos.resolve(STAMP.format(context.clock().instant())).resolve("instruments.csv");
            Files.createDirectories(sample.getParent());
            long started = System.nanoTime();
            SampleSummary summary = InstrumentSampleGenerator.write(sample,
                    SampleOptions.builder().records(records).seed(42).build());
            err.printf(Locale.ROOT, "ingest: generated %s: %,d records, %,d bytes in %.1f s%n", sample,
                    summary.records(), summary.bytes(), (System.nanoTime() - started) / 1e9);
            err.flush();

            RunSource source = endpoints.source(sample.toString());
            ObjectNode input = JSON.createObjectNode();
            input.put("bucket", source.bucket());
            input.put("key", source.key());
            input.put("dataset", "instruments");
            input.put("mode", "full");
            input.put("targetChunkBytes", targetBytes);
            input.put("maxConcurrency", Math.max(2, Runtime.getRuntime().availableProcessors()));
            return new ForegroundRun(context, endpoints, DatasetCatalog.builtIn()).execute(input, json,
                    spec.commandLine().getOut(), err);
        }
    }

    private static void deleteContents(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return;
        }
        try (Stream<Path> all = Files.walk(directory)) {
            all.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(directory)).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
