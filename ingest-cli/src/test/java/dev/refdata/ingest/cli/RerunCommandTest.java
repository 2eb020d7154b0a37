package dev.refdata.ingest.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@code ingest rerun} refuses; a real rerun after an injected failure is in CliPipelineIT. */
class RerunCommandTest {

    @TempDir
    Path dir;

    @Test
    void anUnknownRunIsAnErrorWithTheNextStep() {
        CommandHarness.Result result = new CommandHarness(dir).run("rerun", "--run-id", "instruments-20261127-full-0000");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).startsWith("error: unknown run id instruments-20261127-full-0000")
                .contains("next step: ingest status lists the recent runs");
    }

    @Test
    void theRunIdIsRequired() {
        CommandHarness.Result result = new CommandHarness(dir).run("rerun");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("Missing required option: '--run-id");
    }
}
