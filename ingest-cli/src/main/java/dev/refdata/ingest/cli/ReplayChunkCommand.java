package dev.refdata.ingest.cli;

import ch.qos.logback.classic.Level;
import dev.refdata.ingest.adapter.config.RuntimeSettings;
import dev.refdata.ingest.adapter.opensearch.OpenSearchHttpClient;
import dev.refdata.ingest.core.domain.ChunkDefinition;
import dev.refdata.ingest.core.domain.RunRecord;
import dev.refdata.ingest.core.load.LoadChunkService;
import dev.refdata.ingest.core.load.LoadSettings;
import dev.refdata.ingest.core.port.in.ChunkBusyException;
import dev.refdata.ingest.core.port.in.ChunkLoadFailedException;
import dev.refdata.ingest.core.port.in.LoadChunkCommand;
import dev.refdata.ingest.core.port.in.LoadChunkResult;
import dev.refdata.ingest.core.port.in.LoadChunkUseCase;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code ingest replay-chunk}: loads one chunk of a run in the foreground, for root-cause analysis. */
@Command(name = "replay-chunk", mixinStandardHelpOptions = true,
        description = {"Load one chunk of a run in the foreground, here, against the configured endpoints, and print "
                + "its counters and the OpenSearch connection pool's statistics. A COMPLETED chunk is not loaded "
                + "again.", "With --verbose: debug logging of the loader and the HTTP client, and the pool's "
                + "statistics every second.", "Exit code 0 when the chunk is loaded, 3 when it failed."})
final class ReplayChunkCommand implements Callable<Integer> {

    @ParentCommand
    IngestCommand root;

    @Spec
    CommandSpec spec;

    @Mixin
    EndpointOptions endpointOptions;

    @Option(names = "--run-id", required = true, description = "The run (see: ingest status).")
    String runId;

    @Option(names = "--chunk", required = true, description = "The chunk number (see: ingest status --run-id).")
    int chunk;

    @Option(names = "--datasets-dir", description = "A directory of extra dataset spec files (JSON or YAML).")
    Path datasetsDir;

    @Option(names = "--verbose", description = "Debug logging and pool statistics while loading.")
    boolean verbose;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CommandContext context = root.context();
        if (verbose) {
            debugLogging();
        }
        try (PipelineEndpoints endpoints = endpointOptions.open(context, err)) {
            RunRecord run = StatusCommand.requireRun(endpoints, runId);
            ChunkDefinition definition = endpoints.runs().chunkDefinitions(run.id()).stream()
                    .filter(d -> d.key().chunk() == chunk).findFirst()
                    .orElseThrow(() -> new CommandFailedException("run " + runId + " has no chunk " + chunk + " (it has "
                            + run.chunkCount() + ")\nnext step: ingest status --run-id " + runId + " lists its chunks"));
            if (run.targetIndex() == null) {
                throw new CommandFailedException("run " + runId + " has no target index yet (status " + run.status()
                        + ")\nnext step: ingest rerun --run-id " + runId);
            }
            OpenSearchHttpClient search = endpoints.openSearch();
            endpoints.describe().forEach(line -> out.println("  " + line));
            out.println("  pool before: " + search.poolStats());
            RuntimeSettings settings = endpoints.settings();
            LoadSettings load = LoadSettings.DEFAULTS.withMaxInFlight(settings.bulkInFlight())
                    .withMaxBulkBytes(settings.bulkBytes());
            LoadChunkCommand command = new LoadChunkCommand(definition.key(), definition.object(), definition.range(),
                    definition.firstLine(), definition.records(), run.dataset(), definition.columns(),
                    run.targetIndex(), endpoints.artifactsBucket(),
                    "replay:" + ManagementFactory.getRuntimeMXBean().getName());
            Thread poolWatch = verbose ? watchPool(search, err) : null;
            try (LoadChunkService service = new LoadChunkService(endpoints.objects(), endpoints.ledger(), endpoints.sink(),
                    endpoints.datasets(datasetsDir), load, context.clock())) {
                LoadChunkResult result = service.load(command, LoadChunkUseCase.TimeBudget.UNLIMITED);
                print(out, result);
                out.println("  pool after: " + search.poolStats());
                return 0;
            } catch (ChunkBusyException e) {
                throw new CommandFailedException(e.getMessage()
                        + "\nnext step: wait until its lease ends (another loader holds the chunk), then replay it", e);
            } catch (ChunkLoadFailedException e) {
                out.printf("chunk %d of %s FAILED (%s): %s%n", chunk, runId, e.retryable() ? "retryable" : "permanent",
                        e.getMessage());
                out.println("  pool after: " + search.poolStats());
                return ForegroundRun.RUN_NOT_SUCCEEDED;
            } finally {
                if (poolWatch != null) {
                    poolWatch.interrupt();
                }
            }
        }
    }

    private void print(PrintWriter out, LoadChunkResult r) {
        double seconds = Math.max(0.001, r.elapsed().toMillis() / 1000.0);
        out.printf(Locale.ROOT, "chunk %d of %s: %s (attempt %d) in %.2f s, %,.0f records/s%n", chunk, runId,
                r.outcome(), r.attempt(), seconds, r.readThisCall() / seconds);
        out.printf(Locale.ROOT, "  read %,d, indexed %,d, deleted %,d, stale %,d, rejected %,d, retries %,d%n",
                r.counters().read(), r.counters().indexed(), r.counters().deleted(), r.counters().stale(),
                r.counters().rejected(), r.counters().retries());
        if (r.outcome() == LoadChunkResult.Outcome.ALREADY_COMPLETED) {
            out.println("  the chunk was COMPLETED already: nothing was loaded");
        }
    }

    private static Thread watchPool(OpenSearchHttpClient search, PrintWriter err) {
        Thread thread = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                err.println("pool: " + search.poolStats());
                err.flush();
            }
        }, "pool-watch");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** The loader's and the HTTP client's debug logs, without the wire dump of every bulk body. */
    private static void debugLogging() {
        CliLogging.showOnConsole(Level.DEBUG);
        level("dev.refdata.ingest", Level.DEBUG);
        level("org.apache.hc.client5.http", Level.DEBUG);
        level("org.apache.hc.client5.http.wire", Level.INFO);
    }

    private static void level(String logger, Level level) {
        if (LoggerFactory.getLogger(logger) instanceof ch.qos.logback.classic.Logger l) {
            l.setLevel(level);
        }
    }
}
