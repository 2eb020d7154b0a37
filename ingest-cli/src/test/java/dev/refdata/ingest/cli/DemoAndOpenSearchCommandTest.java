package dev.refdata.ingest.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class DemoAndOpenSearchCommandTest {

    @TempDir
    Path dir;

    @Test
    void aDemoOfNoRecordsIsRefused() {
        CommandHarness.Result result = new CommandHarness(dir).run("demo", "--records", "0");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("--records must be at least 1");
    }

    @Test
    void stoppingWhenNoNodeWasStartedSaysSoAndSucceeds() {
        CommandHarness.Result result = new CommandHarness(dir).run("opensearch", "stop");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("no local OpenSearch node was running");
    }

    @Test
    void theStatusOfNoNodeSaysNoneIsRunning() {
        CommandHarness.Result result = new CommandHarness(dir).run("opensearch", "status");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("no local OpenSearch node is running");
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : new String[] {"run", "rerun", "status", "replay-chunk", "demo", "opensearch"}) {
            CommandHarness.Result result = new CommandHarness(dir).run(command, "--help");
            assertThat(result.exitCode()).as(command).isZero();
            assertThat(result.out()).as(command).contains("Usage: ingest " + command);
        }
    }
}
