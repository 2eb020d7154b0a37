package dev.refdata.ingest.cli;

import dev.refdata.ingest.core.domain.RunStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@code ingest replay-chunk} refuses; a real replay is in CliPipelineIT. */
class ReplayChunkCommandTest {

    @TempDir
    Path dir;

    @Test
    void aChunkTheRunDoesNotHaveIsAnErrorNamingHowManyItHas() {
        CommandHarness cli = new CommandHarness(dir);
        cli.givenRun("instruments-20261127-full-aaaa0005", RunStatus.FAILED, 3);

        CommandHarness.Result result = cli.run("replay-chunk", "--run-id", "instruments-20261127-full-aaaa0005",
                "--chunk", "7");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).startsWith("error: run instruments-20261127-full-aaaa0005 has no chunk 7 (it has 3)")
                .contains("next step: ingest status --run-id instruments-20261127-full-aaaa0005");
    }

    @Test
    void anUnknownRunIsAnError() {
        CommandHarness.Result result = new CommandHarness(dir).run("replay-chunk", "--run-id",
                "instruments-20261127-full-0000", "--chunk", "0");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("unknown run id instruments-20261127-full-0000");
    }

    @Test
    void theChunkMustBeANumber() {
        CommandHarness.Result result = new CommandHarness(dir).run("replay-chunk", "--run-id", "r1", "--chunk", "two");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--chunk").contains("'two' is not an int");
    }
}
