package dev.refdata.ingest.adapter.opensearch.node;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a recorded node does once its process is gone; a running one is exercised by the CLI's integration test. */
class DetachedOpenSearchNodeTest {

    @TempDir
    Path dir;

    private static long pidOfAnEndedProcess() throws Exception {
        Process p = new ProcessBuilder("true").start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return p.pid();
    }

    @Test
    void aNodeWhoseProcessEndedDoesNotAnswerAndStoppingItOnlyDeletesItsDirectory() throws Exception {
        Path instance = Files.createDirectories(dir.resolve("ingest-opensearch-node-1/data"));
        DetachedOpenSearchNode node = new DetachedOpenSearchNode(URI.create("http://127.0.0.1:1"),
                pidOfAnEndedProcess(), instance.getParent(), "ingest-local-1", dir.resolve("console.log"));

        assertThat(node.answers()).isFalse();
        assertThat(node.stop(Duration.ofSeconds(1))).isFalse();
        assertThat(instance.getParent()).doesNotExist();
    }

    @Test
    void aLiveProcessThatIsNotTheNodeIsLeftAlone() {
        // this JVM's command line does not name the node's directory: a pid reused by another program
        DetachedOpenSearchNode node = new DetachedOpenSearchNode(URI.create("http://127.0.0.1:1"),
                ProcessHandle.current().pid(), dir.resolve("ingest-opensearch-node-2"), "ingest-local-2",
                dir.resolve("console.log"));

        assertThat(node.answers()).isFalse();
        assertThat(node.stop(Duration.ofSeconds(1))).isFalse();
        assertThat(ProcessHandle.current().isAlive()).isTrue();
    }

    @Test
    void aPidMustBePositive() {
        assertThatThrownBy(() -> new DetachedOpenSearchNode(URI.create("http://127.0.0.1:1"), 0, dir, "c",
                dir.resolve("console.log"))).isInstanceOf(IllegalArgumentException.class);
    }
}
