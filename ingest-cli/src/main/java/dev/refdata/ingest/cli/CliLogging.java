package dev.refdata.ingest.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import org.slf4j.LoggerFactory;

/**
 * The CLI's logging as {@code logback.xml} sets it up (plain warnings on stderr, JSON lines in the log file), and the
 * one change a command may make: showing more on the console, e.g. for {@code --verbose}.
 */
final class CliLogging {

    /** The console appender's name in logback.xml. */
    static final String CONSOLE = "STDERR";

    private CliLogging() {
    }

    /**
     * Shows this project's log lines from {@code level} up on stderr (and writes them to the log file), for the rest
     * of the process; other libraries keep their level.
     */
    static void showOnConsole(Level level) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger ours = context.getLogger("dev.refdata.ingest");
        if (ours.getEffectiveLevel().isGreaterOrEqual(level)) {
            ours.setLevel(level);
        }
        Appender<ILoggingEvent> console = root.getAppender(CONSOLE);
        if (console == null) {
            return;
        }
        console.clearAllFilters();
        ThresholdFilter threshold = new ThresholdFilter();
        threshold.setLevel(level.levelStr);
        threshold.setContext(context);
        threshold.start();
        console.addFilter(threshold);
    }
}
