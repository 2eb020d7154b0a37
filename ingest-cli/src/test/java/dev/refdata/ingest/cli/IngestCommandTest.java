package dev.refdata.ingest.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class IngestCommandTest {

    @TempDir
    Path dir;

    private record Result(int exitCode, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = IngestCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void sampleThenPlanPrintsEveryChunkAndTheTotals() throws Exception {
        Path file = dir.resolve("feeds/instruments.csv");

        Result sample = run("sample", "--records", "20000", "--out", file.toString());
        assertThat(sample.exitCode()).isZero();
        assertThat(sample.out()).contains("20,000 records");
        assertThat(Files.size(file)).isGreaterThan(2_000_000);

        Result plan = run("plan", "--source", file.toString(), "--chunk-size", "512KB");
        assertThat(plan.exitCode()).as(plan.err()).isZero();
        assertThat(plan.out()).contains("20,000 records in").contains("first line").contains("planned in");
        assertThat(plan.out().lines().filter(l -> l.matches("\\s+\\d+\\s+[\\d,]+\\s+[\\d,]+\\s+[\\d,]+\\s+[\\d,]+")))
                .hasSizeGreaterThan(4);
    }

    @Test
    void planAsJsonAccountsForEveryRecord() throws Exception {
        Path file = dir.resolve("i.csv");
        run("sample", "--records", "3000", "--crlf", "--bom", "--deletes", "10", "--out", file.toString());

        Result plan = run("plan", "--source", "file:" + file, "--chunk-size", "64KB", "--json");

        assertThat(plan.exitCode()).as(plan.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(plan.out());
        long sum = 0;
        for (JsonNode chunk : json.at("/plan/chunks")) {
            sum += chunk.get("records").asLong();
        }
        assertThat(json.at("/plan/records").asLong()).isEqualTo(3010).isEqualTo(sum);
        assertThat(json.at("/layout/columnNames")).hasSize(13);
    }

    @Test
    void aMissingFileIsOneClearLineAndExitCodeOne() {
        Result plan = run("plan", "--source", dir.resolve("nope.csv").toString());

        assertThat(plan.exitCode()).isEqualTo(1);
        assertThat(plan.err().strip()).startsWith("error: ").endsWith("nope.csv: no such object")
                .doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void aWrongHeaderNamesTheFileAndTheColumns() throws Exception {
        Path file = dir.resolve("bad.csv");
        Files.writeString(file, "isin,ticker\nUS0378331005,AAPL\n");

        Result plan = run("plan", "--source", file.toString());

        assertThat(plan.exitCode()).isEqualTo(1);
        assertThat(plan.err()).contains("bad.csv, line 1: header does not match dataset 'instruments'")
                .contains("missing columns [name, asset_class");
    }

    @Test
    void aBadChunkSizeIsAUsageErrorNotACrash() {
        Result plan = run("plan", "--source", "x.csv", "--chunk-size", "huge");

        assertThat(plan.exitCode()).isEqualTo(1);
        assertThat(plan.err()).contains("not a size: 'huge'");
    }

    @Test
    void helpListsTheCommands() {
        Result help = run("--help");

        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("plan").contains("sample");
    }
}
