package dev.refdata.ingest.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.refdata.ingest.adapter.config.RuntimeSettings;
import dev.refdata.ingest.core.domain.Chunk;
import dev.refdata.ingest.core.domain.ChunkPlan;
import dev.refdata.ingest.core.port.in.InvalidSourceException;
import dev.refdata.ingest.core.port.in.PlanChunksCommand;
import dev.refdata.ingest.core.port.in.PlanChunksResult;
import dev.refdata.ingest.core.service.PlanChunksService;
import dev.refdata.ingest.core.spec.DatasetCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code ingest plan}: cuts a CSV file into record-exact chunks and prints the plan. */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Cut a CSV object into chunks that start and end exactly on record boundaries, "
                + "and print each chunk's byte range, first line and record count.")
final class PlanCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--source", required = true, paramLabel = "<file|s3://bucket/key>",
            description = "The CSV object: a local path, file:/path, or s3://bucket/key.")
    String source;

    @Option(names = "--dataset", defaultValue = "instruments", description = "Dataset spec name (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--datasets-dir", description = "A directory of extra dataset spec files (JSON or YAML).")
    Path datasetsDir;

    @Option(names = "--chunk-size", paramLabel = "<size>",
            description = "Target chunk size, e.g. 512KB, 64MB (default: INGEST_TARGET_CHUNK_BYTES or 64MB).")
    String chunkSize;

    @Option(names = "--json", description = "Print the plan as one JSON document.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        RuntimeSettings settings = RuntimeSettings.from(System.getenv());
        long target = chunkSize == null ? settings.targetChunkBytes() : RuntimeSettings.parseSize(chunkSize);
        Path specs = datasetsDir != null ? datasetsDir : settings.datasetsDirectory().orElse(null);
        DatasetCatalog catalog = specs == null ? DatasetCatalog.builtIn() : DatasetCatalog.withDirectory(specs);
        SourceLocation location = SourceLocation.parse(source, settings);

        long started = System.nanoTime();
        PlanChunksResult result;
        try {
            result = new PlanChunksService(location.store(), catalog)
                    .plan(new PlanChunksCommand(location.object(), dataset, target));
        } catch (InvalidSourceException e) {
            // name the source as the user wrote it, not as the local store addresses it
            String message = e.getMessage();
            String ref = location.object().toString();
            throw new IllegalArgumentException(message.startsWith(ref) ? source + message.substring(ref.length())
                    : message, e);
        }
        double seconds = (System.nanoTime() - started) / 1e9;

        var out = spec.commandLine().getOut();
        ChunkPlan plan = result.plan();
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result));
            return 0;
        }
        out.printf(Locale.ROOT, "%s: %,d bytes, %,d records in %d chunks (target %,d bytes), %,d blank lines%n",
                source, plan.objectSize(), plan.records(), plan.chunks().size(), target, plan.blankLines());
        out.printf(Locale.ROOT, "%8s  %14s  %14s  %12s  %10s%n", "chunk", "start", "end", "first line", "records");
        for (Chunk c : plan.chunks()) {
            out.printf(Locale.ROOT, "%8d  %,14d  %,14d  %,12d  %,10d%n", c.number(), c.range().start(),
                    c.range().end(), c.firstLine(), c.records());
        }
        out.printf(Locale.ROOT, "planned in %.2f s (%.0f MB/s)%n", seconds,
                plan.objectSize() / 1e6 / Math.max(seconds, 1e-9));
        return 0;
    }
}
