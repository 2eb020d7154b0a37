package dev.refdata.ingest.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refdata.ingest.adapter.local.LocalObjectStores;
import dev.refdata.ingest.adapter.local.LocalRunStores;
import dev.refdata.ingest.core.domain.ByteRange;
import dev.refdata.ingest.core.domain.ChunkDefinition;
import dev.refdata.ingest.core.domain.ChunkKey;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.domain.RunId;
import dev.refdata.ingest.core.domain.RunMode;
import dev.refdata.ingest.core.domain.RunRecord;
import dev.refdata.ingest.core.domain.RunSource;
import dev.refdata.ingest.core.domain.RunStatus;
import dev.refdata.ingest.core.port.out.ObjectStore;
import dev.refdata.ingest.core.port.out.RunStore;
import dev.refdata.ingest.core.port.out.SearchSink;
import dev.refdata.ingest.core.spec.DatasetCatalog;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ingest reload-rejects} through the command line, on the local adapters (a directory as the artifacts
 * store, the SQLite run store) and an index that records what it is sent.
 */
class ReloadRejectsCommandLineTest {

    private static final String HEADER = "isin,ticker,name,asset_class,currency,mic,issuer,country,maturity,coupon,status,updated_at,op";
    private static final RunId RUN = new RunId("instruments-20261127-delta-ab12");
    private static final String BAD_DATE = "DE0001102580,DBR,Bund,BOND,EUR,XETR,BRD,DE,2035-02-30,2.5,ACTIVE,2026-11-26T21:00:00Z,";
    private static final String REFUSED = "GB0002634946,BA,BAE,EQUITY,GBP,XLON,BAE,GB,,,ACTIVE,2026-11-26T21:00:00Z,";

    @TempDir
    Path dir;

    private ObjectStore objects;
    private RunStore runs;
    private final List<String> sent = new ArrayList<>();
    private final SearchSink index = (target, body) -> {
        String text = new String(body.bytes(), 0, body.length(), StandardCharsets.UTF_8);
        sent.add(target + "\n" + text);
        return new SearchSink.BulkResult(java.util.Collections.nCopies(body.items(),
                new SearchSink.BulkItemResult(201, null, null)), 1);
    };

    private record Result(int exitCode, String out, String err) {
    }

    @BeforeEach
    void runWithTwoRejects() {
        objects = LocalObjectStores.rootedAt(dir);
        runs = LocalRunStores.runStore(dir.resolve("runs.db"));
        ObjectRef source = new ObjectRef("feeds", "instruments.csv");
        runs.create(new RunRecord(RUN, "instruments", LocalDate.parse("2026-11-27"), RunMode.DELTA,
                RunSource.object("feeds", "instruments.csv"), RunStatus.FAILED, "instruments", "instruments",
                new ObjectRef("artifacts", "manifests/" + RUN.value() + "/execution-001.json"), 1, 10, 1,
                "rejects within tolerance: 2 rejected of 10", Instant.parse("2026-11-27T02:00:00Z"),
                Instant.parse("2026-11-27T02:05:00Z")));
        runs.registerChunks(RUN, List.of(new ChunkDefinition(new ChunkKey(RUN, 0), source, new ByteRange(100, 1000),
                2, 10, List.of(HEADER.split(",")), source)));
        String rejects = reject(4, "column 'maturity': '2035-02-30' is not a date (yyyy-MM-dd)", BAD_DATE)
                + reject(7, "400 document_parsing_exception: failed to parse field [issuer]", REFUSED);
        objects.put(new ObjectRef("artifacts", "rejects/" + RUN.value() + "/chunk-000000/from-line-000000000002.ndjson"),
                rejects.getBytes(StandardCharsets.UTF_8), "application/x-ndjson");
    }

    private static String reject(long line, String reason, String raw) {
        ObjectMapper json = new ObjectMapper();
        var node = json.createObjectNode().put("run", RUN.value()).put("chunk", 0).put("source", "feeds/instruments.csv")
                .put("line", line).put("reason", reason).put("raw", raw);
        return node + "\n";
    }

    private Result run(String... args) {
        ReloadRejectsPorts ports = new ReloadRejectsPorts(objects, "artifacts", runs, index, DatasetCatalog.builtIn());
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            @SuppressWarnings("unchecked")
            public <K> K create(Class<K> type) throws Exception {
                return type == ReloadRejectsCommandLine.class ? (K) new ReloadRejectsCommandLine(ports)
                        : CommandLine.defaultFactory().create(type);
            }
        };
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = IngestCommand.execute(factory, new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void reloadingAsTheyAreSendsWhatConvertsAndExitsThreeWhenSomeAreRejectedAgain() throws Exception {
        Result result = run("reload-rejects", "--run-id", RUN.value(), "--json");

        assertThat(result.exitCode()).as(result.err()).isEqualTo(ReloadRejectsCommandLine.REJECTED_AGAIN);
        JsonNode json = new ObjectMapper().readTree(result.out());
        assertThat(json.get("runId").asText()).isEqualTo(RUN.value());
        assertThat(json.get("status").asText()).isEqualTo("COMPLETED");
        assertThat(json.at("/totals/read").asLong()).isEqualTo(2);
        assertThat(json.at("/totals/indexed").asLong()).isEqualTo(1);
        assertThat(json.at("/totals/rejected").asLong()).isEqualTo(1);
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0)).startsWith("instruments\n").contains("\"_id\":\"GB0002634946\"").contains("\"line\":7");
        Path again = dir.resolve("artifacts/reloads/" + RUN.value() + "/reload-001/rejects.ndjson");
        assertThat(json.get("rejectedAgain").asText()).isEqualTo("artifacts/reloads/" + RUN.value()
                + "/reload-001/rejects.ndjson");
        assertThat(Files.readString(again)).contains("\"line\":4").contains("is not a date");
        assertThat(dir.resolve("artifacts/reports/" + RUN.value() + "/reload-001.json")).exists();
        assertThat(runs.find(RUN).orElseThrow().status()).isEqualTo(RunStatus.FAILED);
    }

    @Test
    void aCorrectedFileLoadsEverythingAndExitsZeroWithAReadableSummary() throws Exception {
        Path fixed = dir.resolve("fixed.ndjson");
        Files.writeString(fixed, reject(4, "was a bad date", BAD_DATE.replace("2035-02-30", "2035-02-28"))
                + reject(7, "refused", REFUSED));

        Result result = run("reload-rejects", "--run-id", RUN.value(), "--file", fixed.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("reload 1 of run " + RUN.value() + ": " + fixed)
                .contains("read 2: indexed 2, deleted 0, stale 0, rejected again 0")
                .contains("report: artifacts/reports/" + RUN.value() + "/reload-001.json");
        assertThat(dir.resolve("artifacts/reloads/" + RUN.value() + "/reload-001/rejects.ndjson")).doesNotExist();
    }

    @Test
    void userMistakesAreOneLineErrorsWithTheNextStep() throws Exception {
        Result missing = run("reload-rejects", "--run-id", RUN.value(), "--file", dir.resolve("nope.ndjson").toString());
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).startsWith("error: ").contains("nope.ndjson").contains("no such file")
                .doesNotContain("\tat ");

        Path bad = dir.resolve("bad.ndjson");
        Files.writeString(bad, reject(4, "x", BAD_DATE) + "{\"chunk\":0,\"line\":5}\n");
        Result invalid = run("reload-rejects", "--run-id", RUN.value(), "--file", bad.toString());
        assertThat(invalid.exitCode()).isEqualTo(1);
        assertThat(invalid.err().trim()).isEqualTo("error: " + bad + " line 2: 'raw' must be the CSV record as text");

        Result unknown = run("reload-rejects", "--run-id", "instruments-19990101-delta-0000");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err().trim()).isEqualTo("error: unknown run 'instruments-19990101-delta-0000'");
        assertThat(sent).isEmpty();
    }

    @Test
    void theLogGoesToTheLogFileAsJsonLinesWithTheRunIdAndStdoutHoldsOnlyTheResult() throws Exception {
        Path log = Path.of(System.getProperty("INGEST_LOG_FILE", ".ingest/logs/ingest.log"));

        Result result = run("reload-rejects", "--run-id", RUN.value(), "--json");

        new ObjectMapper().readTree(result.out()); // stdout is exactly one JSON document
        assertThat(result.err()).as("nothing below WARN on the console").isEmpty();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            lines.add(new ObjectMapper().readTree(line));
        }
        assertThat(lines).filteredOn(l -> l.get("message").asText().startsWith("reload 1 of run " + RUN))
                .isNotEmpty()
                .allSatisfy(l -> {
                    assertThat(l.get("runId").asText()).isEqualTo(RUN.value());
                    assertThat(l.get("level").asText()).isEqualTo("INFO");
                    assertThat(l.get("logger_name").asText()).endsWith("ReloadRejectsService");
                });
    }

    @Test
    void helpExplainsWhatHappensToTheRunAndTheExitCodes() {
        Result help = run("reload-rejects", "--help");

        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("--run-id").contains("--file").contains("reports/<run>/reload-NNN.json")
                .contains("3   some records were rejected again");
    }
}
