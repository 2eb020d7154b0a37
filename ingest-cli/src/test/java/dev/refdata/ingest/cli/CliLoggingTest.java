package dev.refdata.ingest.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class CliLoggingTest {

    private static final Logger LOG = LoggerFactory.getLogger("dev.refdata.ingest.core.load.LoadChunkService");

    private final PrintStream originalErr = System.err;

    @AfterEach
    void restore() throws Exception {
        System.setErr(originalErr);
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        new ContextInitializer(context).autoConfig(); // logback.xml again, for the other tests
    }

    @Test
    void theConsoleShowsWarningsOnlyUntilACommandAsksForMore() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));

        LOG.info("chunk 7: attempt 1");
        LOG.warn("chunk 7: lease lost");
        CliLogging.showOnConsole(Level.DEBUG);
        LOG.debug("retrying 3 items");

        String console = err.toString(StandardCharsets.UTF_8);
        assertThat(console).doesNotContain("attempt 1").contains("WARN").contains("lease lost")
                .contains("DEBUG").contains("retrying 3 items");
        assertThat(console.lines()).allMatch(l -> !l.startsWith("{"), "plain lines, not JSON");
    }
}
