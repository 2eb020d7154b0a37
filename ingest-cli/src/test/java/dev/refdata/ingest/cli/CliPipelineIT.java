package dev.refdata.ingest.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refdata.ingest.core.port.out.SearchSink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The commands for real, on the embedded defaults, in a fresh working directory: local files, the SQLite run
 * store under {@code .ingest/}, and the local OpenSearch node the first command starts and every later one reuses
 * (one node for the whole class), until {@code ingest opensearch stop}. The tests build on each other in order, as
 * an operator's session would: run, status, a run that fails, replay of its failed chunk, rerun, stop.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliPipelineIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NODE_PID = Pattern.compile("\\(pid (\\d+)");

    @TempDir
    static Path workingDirectory;

    private static String failedRun;
    private static long nodePid;

    private record Result(int exitCode, String out, String err) {
    }

    /** The command line as {@code ./ingest} runs it, with the loaders' bulk sink wrapped by {@code sink}. */
    private static Result ingest(UnaryOperator<SearchSink> sink, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandContext context = new CommandContext(Map.of(), workingDirectory, Optional.empty(), Clock.systemUTC(),
                (url, notices) -> PipelineEndpoints.resolve(Map.of(), workingDirectory, url, notices)
                        .decorateSink(sink), java.time.Instant.now());
        int code = IngestCommand.execute(context, new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    private static Result ingest(String... args) {
        return ingest(UnaryOperator.identity(), args);
    }

    private static Path sample() {
        Path file = workingDirectory.resolve("feeds/instruments.csv");
        if (!Files.exists(file)) {
            Result sample = ingest("sample", "--records", "20000", "--out", file.toString());
            assertThat(sample.exitCode()).as(sample.err()).isZero();
        }
        return file;
    }

    @AfterAll
    static void stopTheNodeWhateverHappened() {
        ingest("opensearch", "stop");
    }

    @Test
    @Order(1)
    void runLoadsTheSampleThroughTheStateMachineAndPrintsOneJsonReport() throws Exception {
        AtomicInteger out = new AtomicInteger();
        AtomicInteger mostOut = new AtomicInteger();
        UnaryOperator<SearchSink> countOut = sink -> (index, body) -> {
            mostOut.accumulateAndGet(out.incrementAndGet(), Math::max);
            try {
                return sink.bulk(index, body);
            } finally {
                out.decrementAndGet();
            }
        };

        Result run = ingest(countOut, "run", "--source", sample().toString(), "--date", "2026-11-27",
                "--chunk-size", "512KB", "--concurrency", "3", "--json");

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        JsonNode report = JSON.readTree(run.out());
        assertThat(report.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(report.get("runId").asText()).startsWith("instruments-20261127-full-");
        assertThat(report.at("/totals/records").asLong()).isEqualTo(20_000);
        assertThat(report.at("/totals/indexed").asLong()).isEqualTo(20_000);
        assertThat(report.at("/totals/rejected").asLong()).isZero();
        assertThat(report.get("chunks").asInt()).isGreaterThan(4);
        assertThat(mostOut.get()).as("bulk requests out at once, three chunks loading: INGEST_BULK_IN_FLIGHT (2) is"
                + " the process's").isBetween(1, 2);
        assertThat(report.get("firstBulkRequestSeconds").asDouble()).isPositive();
        assertThat(Path.of(report.get("report").asText())).isRegularFile()
                .startsWith(workingDirectory.resolve(".ingest/reports"));
        assertThat(Files.readString(Path.of(report.get("reportMarkdown").asText())))
                .startsWith("# Run " + report.get("runId").asText() + ": SUCCEEDED");
        assertThat(run.err()).contains("starting a local OpenSearch node").contains("ingest: run "
                + report.get("runId").asText() + ": " + report.get("chunks").asInt() + " chunks, 20,000 records");
        assertThat(workingDirectory.resolve(".ingest/runs.db")).isRegularFile();
        Matcher pid = NODE_PID.matcher(run.err());
        assertThat(pid.find()).as(run.err()).isTrue();
        nodePid = Long.parseLong(pid.group(1));
    }

    @Test
    @Order(2)
    void theNodeOutlivesTheCommandAndTheNextCommandReusesIt() {
        assertThat(ProcessHandle.of(nodePid).map(ProcessHandle::isAlive)).contains(true);

        Result status = ingest("opensearch", "status");
        Result again = ingest("run", "--source", sample().toString(), "--date", "2026-11-27", "--chunk-size", "512KB");

        assertThat(status.out()).contains("local OpenSearch node running at").contains("(pid " + nodePid);
        assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
        assertThat(again.out()).contains("SUCCEEDED").contains("had succeeded already");
        assertThat(again.err()).doesNotContain("starting a local OpenSearch node");
    }

    @Test
    @Order(3)
    void statusShowsTheRunChunkByChunkAndTheRecentRuns() {
        Result recent = ingest("status");
        String runId = recent.out().lines().filter(l -> l.startsWith("instruments-20261127-full-")).findFirst()
                .orElseThrow().split("\\s+")[0];

        Result status = ingest("status", "--run-id", runId);

        assertThat(status.exitCode()).as(status.err()).isZero();
        assertThat(status.out()).contains("run " + runId + ": SUCCEEDED (execution 1)");
        assertThat(status.out().lines().filter(l -> l.matches("\\s+\\d+\\s+COMPLETED\\s.*"))).hasSizeGreaterThan(4);
        assertThat(status.out().lines().filter(l -> l.matches("\\s+total\\s+(\\d+)/\\1\\s+20,000\\s+20,000\\s+20,000\\s.*")))
                .hasSize(1);
    }

    @Test
    @Order(4)
    void aRunWhoseBulkRequestIsRefusedFailsNamingTheChunkAndExitsNonZero() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        UnaryOperator<SearchSink> refuseTheThird = sink -> (index, body) -> {
            if (requests.incrementAndGet() == 3) {
                throw new SearchSink.SearchSinkException(400, false,
                        "400 illegal_argument_exception: injected permanent failure", null);
            }
            return sink.bulk(index, body);
        };

        Result run = ingest(refuseTheThird, "run", "--source", sample().toString(), "--date", "2026-11-28",
                "--chunk-size", "512KB", "--concurrency", "1", "--json");

        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(ForegroundRun.RUN_NOT_SUCCEEDED);
        JsonNode report = JSON.readTree(run.out());
        assertThat(report.get("status").asText()).isEqualTo("FAILED");
        assertThat(report.get("error").asText()).isEqualTo("RunVerificationFailed");
        assertThat(report.get("cause").asText()).containsPattern("#\\d+ FAILED").contains("injected permanent failure");
        failedRun = report.get("runId").asText();

        Result status = ingest("status", "--run-id", failedRun);
        assertThat(status.out()).contains("run " + failedRun + ": FAILED");
        assertThat(status.out().lines().filter(l -> l.matches("\\s+\\d+\\s+FAILED\\s.*injected permanent failure.*")))
                .hasSize(1);
    }

    @Test
    @Order(5)
    void replayChunkLoadsTheFailedChunkInTheForegroundWithPoolStatistics() {
        String failedChunk = ingest("status", "--run-id", failedRun).out().lines()
                .filter(l -> l.matches("\\s+\\d+\\s+FAILED\\s.*")).findFirst().orElseThrow().trim().split("\\s+")[0];

        Result replay = ingest("replay-chunk", "--run-id", failedRun, "--chunk", failedChunk, "--verbose");

        assertThat(replay.exitCode()).as(replay.out() + replay.err()).isZero();
        assertThat(replay.out()).contains("chunk " + failedChunk + " of " + failedRun + ": COMPLETED (attempt 2)")
                .contains("pool before: ").contains("pool after: ").containsPattern("indexed [1-9][\\d,]*");
        Result status = ingest("status", "--run-id", failedRun);
        assertThat(status.out().lines().filter(l -> l.matches("\\s+" + failedChunk + "\\s+COMPLETED\\s.*"))).hasSize(1);
    }

    @Test
    @Order(6)
    void rerunOfTheFailedRunVerifiesItAndItSucceeds() throws Exception {
        Result rerun = ingest("rerun", "--run-id", failedRun, "--json");

        assertThat(rerun.exitCode()).as(rerun.out() + rerun.err()).isZero();
        JsonNode report = JSON.readTree(rerun.out());
        assertThat(report.get("runId").asText()).isEqualTo(failedRun);
        assertThat(report.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(report.at("/totals/records").asLong()).isEqualTo(20_000);
        assertThat(report.at("/totals/indexed").asLong()).isEqualTo(20_000);
        assertThat(report.get("report").asText()).endsWith("/execution-002.json");
        assertThat(ingest("status", "--run-id", failedRun).out()).contains("run " + failedRun + ": SUCCEEDED (execution 2)");
    }

    @Test
    @Order(7)
    void opensearchStopStopsTheNodeAndTheStatusSaysSo() {
        Result stop = ingest("opensearch", "stop");

        assertThat(stop.exitCode()).isZero();
        assertThat(stop.out()).contains("stopped the local OpenSearch node").contains("(pid " + nodePid + ")");
        assertThat(ProcessHandle.of(nodePid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(ingest("opensearch", "status").out()).contains("no local OpenSearch node is running");
    }
}
