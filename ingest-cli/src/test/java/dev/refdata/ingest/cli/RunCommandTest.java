package dev.refdata.ingest.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@code ingest run} refuses before it starts anything; the runs themselves are in CliPipelineIT. */
class RunCommandTest {

    @TempDir
    Path dir;

    private CommandHarness.Result run(String... args) {
        return new CommandHarness(dir).run(args);
    }

    private Path csv() throws Exception {
        Path file = dir.resolve("feeds/instruments.csv");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "isin,name\n");
        return file;
    }

    @Test
    void aMissingSourceFileIsAnErrorNamingItWithTheNextStep() {
        CommandHarness.Result result = run("run", "--source", "missing/instruments.csv");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).startsWith("error: the source missing/instruments.csv does not exist")
                .contains("next step: check the path, or make a sample with: ingest sample")
                .doesNotContain("\tat ");
    }

    @Test
    void theSourceIsRequired() {
        CommandHarness.Result result = run("run");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("Missing required option: '--source");
    }

    @Test
    void aDateThatIsNotADateIsRefusedWithTheExpectedForm() throws Exception {
        CommandHarness.Result result = run("run", "--source", csv().toString(), "--date", "27.11.2026");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("--date: not a date: '27.11.2026' (expected yyyy-mm-dd");
    }

    @Test
    void aModeOtherThanFullOrDeltaIsAUsageError() throws Exception {
        CommandHarness.Result result = run("run", "--source", csv().toString(), "--mode", "partial");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--mode").contains("full, delta");
    }

    @Test
    void anUnknownDatasetIsRefusedByNameBeforeAnythingStarts() throws Exception {
        CommandHarness.Result result = run("run", "--source", csv().toString(), "--dataset", "bonds");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("unknown dataset 'bonds'").contains("instruments");
    }

    @Test
    void aMalformedDatasetSpecIsRefusedNamingTheFile() throws Exception {
        Path specs = Files.createDirectories(dir.resolve("specs"));
        Files.writeString(specs.resolve("bonds.json"), "{ \"name\": \"bonds\", \"columns\": [ ");

        CommandHarness.Result result = run("run", "--source", csv().toString(), "--dataset", "bonds",
                "--datasets-dir", specs.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).startsWith("error: ").contains("bonds.json").doesNotContain("\tat ");
    }

    @Test
    void aMissingDatasetsDirectoryIsRefusedWithTheNextStep() throws Exception {
        CommandHarness.Result result = run("run", "--source", csv().toString(), "--datasets-dir",
                dir.resolve("nowhere").toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("nowhere does not exist").contains("next step: pass --datasets-dir");
    }

    @Test
    void aChunkSizeThatIsNotASizeIsRefused() throws Exception {
        CommandHarness.Result result = run("run", "--source", csv().toString(), "--chunk-size", "big");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("not a size: 'big'");
    }

    @Test
    void aConcurrencyBelowOneIsRefused() throws Exception {
        CommandHarness.Result result = run("run", "--source", csv().toString(), "--concurrency", "0");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("--concurrency must be at least 1");
    }

    @Test
    void anOpenSearchUrlWithoutAHostIsRefused() throws Exception {
        CommandHarness.Result result = run("run", "--source", csv().toString(), "--opensearch-url", "localhost");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("--opensearch-url: not a URL: 'localhost'");
    }
}
