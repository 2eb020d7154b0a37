package dev.refdata.ingest.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.refdata.ingest.core.domain.ChunkCounters;
import dev.refdata.ingest.core.domain.ChunkDefinition;
import dev.refdata.ingest.core.domain.ChunkState;
import dev.refdata.ingest.core.domain.ChunkStatus;
import dev.refdata.ingest.core.domain.RunId;
import dev.refdata.ingest.core.domain.RunRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;

/** {@code ingest status}: a run's state, chunk by chunk, or the recent runs. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show a run's state with a table of its chunks (status, counters, attempts, duration, last "
                + "error) and totals; without --run-id, the recent runs.")
final class StatusCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .enable(SerializationFeature.INDENT_OUTPUT);
    static final int RECENT = 20;

    @ParentCommand
    IngestCommand root;

    @Spec
    CommandSpec spec;

    @Mixin
    EndpointOptions endpointOptions;

    @Option(names = "--run-id", description = "The run to show (default: the recent runs).")
    String runId;

    @Option(names = "--json", description = "Print as one JSON document.")
    boolean json;

    /**
     * One chunk as {@code status} shows it.
     *
     * @param durationMillis from the first claim to the last change, for a finished chunk; else null
     */
    record ChunkRow(int chunk, String status, long plannedRecords, ChunkCounters counters, int attempts,
                    Long durationMillis, String lastError) {
    }

    /** A run with its chunks and totals, as {@code status --json} prints it. */
    record RunStatusDocument(RunRecord run, List<ChunkRow> chunks, ChunkCounters totals) {
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (PipelineEndpoints endpoints = endpointOptions.open(root.context(), spec.commandLine().getErr())) {
            if (runId == null) {
                List<RunRecord> recent = endpoints.runs().recent(RECENT);
                if (json) {
                    out.println(write(recent));
                } else {
                    printRecent(out, recent);
                }
                return 0;
            }
            RunRecord run = requireRun(endpoints, runId);
            List<ChunkRow> rows = rows(endpoints.runs().chunkDefinitions(run.id()),
                    endpoints.runs().chunkStates(run.id()));
            ChunkCounters totals = rows.stream().map(ChunkRow::counters).reduce(ChunkCounters.ZERO, ChunkCounters::plus);
            if (json) {
                out.println(write(new RunStatusDocument(run, rows, totals)));
            } else {
                printRun(out, run, rows, totals);
            }
            return 0;
        }
    }

    /** The run, or an error naming it with the next step. */
    static RunRecord requireRun(PipelineEndpoints endpoints, String runId) {
        RunId id;
        try {
            id = new RunId(runId);
        } catch (IllegalArgumentException e) {
            throw new CommandFailedException("'" + runId + "' is not a run id: " + e.getMessage()
                    + "\nnext step: ingest status lists the recent runs and their ids", e);
        }
        return endpoints.runs().find(id).orElseThrow(() -> new CommandFailedException("unknown run id " + runId
                + " in " + endpoints.runStoreDescription()
                + "\nnext step: ingest status lists the recent runs and their ids"));
    }

    static List<ChunkRow> rows(List<ChunkDefinition> definitions, List<ChunkState> states) {
        Map<Integer, ChunkState> byChunk = states.stream()
                .collect(Collectors.toMap(s -> s.key().chunk(), Function.identity(), (a, b) -> b));
        return definitions.stream().map(d -> {
            ChunkState s = byChunk.get(d.key().chunk());
            if (s == null) {
                return new ChunkRow(d.key().chunk(), "PENDING", d.records(), ChunkCounters.ZERO, 0, null, null);
            }
            boolean finished = s.status() == ChunkStatus.COMPLETED || s.status() == ChunkStatus.FAILED;
            Long duration = finished && s.startedAt() != null
                    ? Duration.between(s.startedAt(), s.updatedAt()).toMillis() : null;
            return new ChunkRow(d.key().chunk(), s.status().name(), d.records(), s.checkpoint().counters(),
                    s.attempts(), duration, s.lastError());
        }).toList();
    }

    private static void printRecent(PrintWriter out, List<RunRecord> recent) {
        if (recent.isEmpty()) {
            out.println("no runs yet; start one with: ingest run --source <file> (or: ingest demo)");
            return;
        }
        out.printf(Locale.ROOT, "%-48s  %-9s  %-10s  %-5s  %6s  %12s  %4s  %s%n", "run", "status", "date", "mode",
                "chunks", "records", "exec", "updated");
        for (RunRecord r : recent) {
            out.printf(Locale.ROOT, "%-48s  %-9s  %-10s  %-5s  %6d  %,12d  %4d  %s%n", r.id(), r.status(),
                    r.businessDate(), r.mode().label(), r.chunkCount(), r.expectedRecords(), r.executions(),
                    r.updatedAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        }
    }

    private static void printRun(PrintWriter out, RunRecord run, List<ChunkRow> rows, ChunkCounters totals) {
        out.printf(Locale.ROOT, "run %s: %s (execution %d)%n", run.id(), run.status(), run.executions());
        if (run.reason() != null) {
            out.printf("  reason: %s%n", run.reason());
        }
        out.printf(Locale.ROOT, "  %s %s %s, source %s, index %s (alias %s)%n", run.dataset(), run.businessDate(),
                run.mode().label(), run.source(), run.targetIndex(), run.alias());
        out.printf(Locale.ROOT, "  created %s, updated %s%n", run.createdAt(), run.updatedAt());
        out.printf(Locale.ROOT, "%6s  %-9s  %10s  %10s  %10s  %8s  %8s  %8s  %7s  %8s  %9s  %s%n", "chunk", "status",
                "planned", "read", "indexed", "deleted", "stale", "rejected", "retries", "attempts", "duration",
                "last error");
        for (ChunkRow c : rows) {
            ChunkCounters n = c.counters();
            out.printf(Locale.ROOT, "%6d  %-9s  %,10d  %,10d  %,10d  %,8d  %,8d  %,8d  %,7d  %8d  %9s  %s%n", c.chunk(),
                    c.status(), c.plannedRecords(), n.read(), n.indexed(), n.deleted(), n.stale(), n.rejected(),
                    n.retries(), c.attempts(), c.durationMillis() == null ? "-"
                            : String.format(Locale.ROOT, "%.1f s", c.durationMillis() / 1000.0),
                    c.lastError() == null ? "" : c.lastError().replaceAll("\\R", " "));
        }
        long planned = rows.stream().mapToLong(ChunkRow::plannedRecords).sum();
        out.printf(Locale.ROOT, "%6s  %-9s  %,10d  %,10d  %,10d  %,8d  %,8d  %,8d  %,7d%n", "total",
                rows.stream().filter(r -> r.status().equals(ChunkStatus.COMPLETED.name())).count() + "/" + rows.size(), planned,
                totals.read(), totals.indexed(), totals.deleted(), totals.stale(), totals.rejected(), totals.retries());
    }

    private static String write(Object document) {
        try {
            return JSON.writeValueAsString(document);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
