package dev.refdata.ingest.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.refdata.ingest.core.domain.ChunkCounters;
import dev.refdata.ingest.core.domain.ChunkState;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.domain.RunId;
import dev.refdata.ingest.core.domain.RunRecord;
import dev.refdata.ingest.core.port.out.ObjectNotFoundException;
import dev.refdata.ingest.core.verify.RunReport;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@code run}, {@code rerun} or {@code demo} prints at its end, as text for people or as one JSON document
 * for scripts ({@code --json}: at least {@code runId}, {@code status} and {@code totals} with {@code records},
 * {@code indexed}, {@code deleted}, {@code stale} and {@code rejected}).
 *
 * @param runId          the run, or null when planning failed before naming it
 * @param status         the execution's status: SUCCEEDED, FAILED or ABORTED
 * @param error          the execution's error name when it did not succeed
 * @param cause          the execution's cause when it did not succeed
 * @param totals         counters over the run's chunks
 * @param expectedRecords records planned
 * @param chunks         chunks planned
 * @param wallTime       the command's run time
 * @param firstBulk      from the start of the run to the first bulk request, when there was one
 * @param firstBulkSinceCommandStart from the start of the command (the process) to the first bulk request
 * @param report         where the JSON report is, when the verifier wrote one
 * @param reportMarkdown where the Markdown report is, when the verifier wrote one
 * @param succeededAlready the run had succeeded before this command: nothing was loaded
 */
record RunSummary(String runId, String status, String error, String cause, ChunkCounters totals, long expectedRecords,
                  int chunks, Duration wallTime, Optional<Duration> firstBulk,
                  Optional<Duration> firstBulkSinceCommandStart, String report, String reportMarkdown,
                  boolean succeededAlready) {

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule());

    RunSummary {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(totals, "totals");
        Objects.requireNonNull(wallTime, "wallTime");
        Objects.requireNonNull(firstBulk, "firstBulk");
        Objects.requireNonNull(firstBulkSinceCommandStart, "firstBulkSinceCommandStart");
    }

    boolean succeeded() {
        return "SUCCEEDED".equals(status);
    }

    double recordsPerSecond() {
        return totals.read() / Math.max(0.001, wallTime.toMillis() / 1000.0);
    }

    /** The summary of an execution: totals from the verifier's report when it wrote one, else from the chunks. */
    static RunSummary of(LocalRun.Outcome outcome, PipelineEndpoints endpoints, java.time.Instant commandStarted) {
        Optional<Duration> sinceCommand = outcome.firstBulkAt().map(at -> Duration.between(commandStarted, at));
        String status = outcome.execution().status();
        String error = outcome.execution().succeeded() ? null : outcome.execution().error();
        String cause = outcome.execution().succeeded() ? null : readable(outcome.execution().cause());
        if (outcome.run().isEmpty()) {
            return new RunSummary(null, status, error, cause, ChunkCounters.ZERO, 0, 0, outcome.wallTime(),
                    outcome.firstBulk(), sinceCommand, null, null, false);
        }
        RunId id = outcome.run().get();
        Optional<RunRecord> run = endpoints.runs().find(id);
        ChunkCounters totals = endpoints.runs().chunkStates(id).stream().map(ChunkState::checkpoint)
                .map(c -> c.counters()).reduce(ChunkCounters.ZERO, ChunkCounters::plus);
        String report = null;
        String markdown = null;
        if (run.isPresent()) {
            ObjectRef json = reportObject(endpoints.artifactsBucket(), run.get());
            Optional<RunReport> written = read(endpoints, json);
            if (written.isPresent()) {
                totals = written.get().totals();
                report = location(json);
                markdown = location(new ObjectRef(json.bucket(), json.key().replaceFirst("\\.json$", ".md")));
            }
        }
        return new RunSummary(id.value(), status, error, cause, totals,
                run.map(RunRecord::expectedRecords).orElse(0L), run.map(RunRecord::chunkCount).orElse(0),
                outcome.wallTime(), outcome.firstBulk(), sinceCommand, report, markdown, outcome.succeededAlready());
    }

    /**
     * A Task's failure cause is the Lambda error document ({@code {"errorMessage": ..., "errorType": ...}}); people
     * and scripts want its message. Any other cause is kept as it is.
     */
    static String readable(String cause) {
        if (cause == null || !cause.startsWith("{")) {
            return cause;
        }
        try {
            com.fasterxml.jackson.databind.JsonNode error = JSON.readTree(cause);
            return error.hasNonNull("errorMessage") ? error.get("errorMessage").asText() : cause;
        } catch (IOException e) {
            return cause;
        }
    }

    /** Where the verifier writes the report of the run's latest execution. */
    static ObjectRef reportObject(String artifactsBucket, RunRecord run) {
        return new ObjectRef(artifactsBucket, String.format(Locale.ROOT, "reports/%s/execution-%03d.json",
                run.id().value(), run.executions()));
    }

    /** An object as a person would find it: a path for a local directory bucket, else an s3:// URL. */
    static String location(ObjectRef ref) {
        return BucketRoutingObjectStore.isLocalDirectory(ref.bucket()) ? ref.bucket() + "/" + ref.key()
                : "s3://" + ref.bucket() + "/" + ref.key();
    }

    private static Optional<RunReport> read(PipelineEndpoints endpoints, ObjectRef ref) {
        try (InputStream in = endpoints.objects().open(ref)) {
            return Optional.of(JSON.readValue(in, RunReport.class));
        } catch (ObjectNotFoundException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the run report " + location(ref), e);
        }
    }

    /** The totals as {@code --json} prints them. */
    record TotalsDocument(long records, long indexed, long deleted, long stale, long rejected, long retries) {
    }

    /** The summary as {@code --json} prints it. */
    record SummaryDocument(String runId, String status, String error, String cause, TotalsDocument totals,
                           long expectedRecords, int chunks, double wallSeconds, long recordsPerSecond,
                           Double firstBulkRequestSeconds, Double firstBulkRequestSecondsSinceCommandStart,
                           String report, String reportMarkdown,
                           boolean succeededAlready) {
    }

    /** The summary as one JSON document. */
    String toJson() {
        SummaryDocument document = new SummaryDocument(runId, status, error, cause,
                new TotalsDocument(totals.read(), totals.indexed(), totals.deleted(), totals.stale(), totals.rejected(),
                        totals.retries()),
                expectedRecords, chunks, wallTime.toMillis() / 1000.0, Math.round(recordsPerSecond()),
                firstBulk.map(d -> d.toMillis() / 1000.0).orElse(null),
                firstBulkSinceCommandStart.map(d -> d.toMillis() / 1000.0).orElse(null), report, reportMarkdown,
                succeededAlready);
        try {
            return JSON.writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(document);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The summary for people, with the next step when the run did not succeed. */
    void print(PrintWriter out) {
        out.printf(Locale.ROOT, "run %s %s in %.1f s%n", runId == null ? "(not planned)" : runId, status,
                wallTime.toMillis() / 1000.0);
        if (error != null) {
            out.printf("  %s: %s%n", error, cause);
        }
        if (succeededAlready) {
            out.println("  the run had succeeded already (same source, dataset, date and mode): nothing was loaded");
        }
        out.printf(Locale.ROOT, "  records %,d of %,d planned in %d chunks: indexed %,d, deleted %,d, stale %,d, "
                        + "rejected %,d (retries %,d)%n", totals.read(), expectedRecords, chunks, totals.indexed(),
                totals.deleted(), totals.stale(), totals.rejected(), totals.retries());
        out.printf(Locale.ROOT, "  %,.0f records/s%s%n", succeededAlready ? 0.0 : recordsPerSecond(), firstBulk
                .map(d -> String.format(Locale.ROOT, "; first bulk request %.1f s into the run%s", d.toMillis() / 1000.0,
                        firstBulkSinceCommandStart.map(c -> String.format(Locale.ROOT, " (%.1f s after the command "
                                + "started)", c.toMillis() / 1000.0)).orElse("")))
                .orElse(""));
        if (report != null) {
            out.printf("  report: %s%n          %s%n", report, reportMarkdown);
        }
        if (!succeeded() && runId != null) {
            out.printf("  next step: ingest status --run-id %s (chunks and errors), fix the cause, then "
                    + "ingest rerun --run-id %s%n", runId, runId);
        } else if (!succeeded()) {
            out.println("  next step: fix the input named above and run again");
        }
    }
}
