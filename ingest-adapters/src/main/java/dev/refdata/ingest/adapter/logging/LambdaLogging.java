package dev.refdata.ingest.adapter.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import net.logstash.logback.encoder.LogstashEncoder;
import net.logstash.logback.fieldnames.LogstashFieldNames;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Logging in a Lambda container: one JSON object a line on stdout (logstash-logback-encoder), each with the
 * invocation's MDC ({@link InvocationLog}: {@code requestId}, {@code runId}, {@code chunk}), so CloudWatch Logs
 * Insights can filter a run or a chunk. Fields: {@code time}, {@code message}, {@code logger_name},
 * {@code thread_name}, {@code level}, the MDC's entries and, for a failure, {@code stack_trace}. The level is
 * {@code INGEST_LOG_LEVEL} (default INFO).
 *
 * <p>Built in code rather than from an XML file: Joran's parser and model classes took 60–100 ms of a cold start
 * (measured in docs/performance.md, ninth round) for a configuration that never changes.
 *
 * <p>Called by a handler's no-argument constructor, the one the Lambda runtime uses; a handler run inside another
 * program (the CLI, the local executor, tests) keeps that program's logging.
 */
public final class LambdaLogging {

    /** The environment variable that sets the level. */
    public static final String LEVEL_VARIABLE = "INGEST_LOG_LEVEL";

    private static volatile boolean configured;

    private LambdaLogging() {
    }

    /**
     * Replaces the logging configuration with JSON lines on stdout, once per process, at the level
     * {@link #LEVEL_VARIABLE} names.
     *
     * @throws IllegalArgumentException when that variable names no level
     */
    public static synchronized void configure() {
        if (configured) {
            return;
        }
        Level level = level(System.getenv(LEVEL_VARIABLE));
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof LoggerContext context)) {
            return; // another binding than logback: leave it as it is
        }
        context.reset();
        LogstashFieldNames fields = new LogstashFieldNames();
        fields.setTimestamp("time");
        fields.setVersion("[ignore]");
        fields.setLevelValue("[ignore]");
        LogstashEncoder encoder = new LogstashEncoder();
        encoder.setContext(context);
        encoder.setFieldNames(fields);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stdout = new ConsoleAppender<>();
        stdout.setContext(context);
        stdout.setName("STDOUT");
        stdout.setTarget("System.out");
        stdout.setEncoder(encoder);
        stdout.start();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(level);
        root.addAppender(stdout);
        configured = true;
    }

    /**
     * The level a setting names, in any case: INFO when it is unset or blank.
     *
     * @throws IllegalArgumentException when it names no level
     */
    static Level level(String setting) {
        if (setting == null || setting.isBlank()) {
            return Level.INFO;
        }
        Level level = Level.toLevel(setting.trim(), null);
        if (level == null) {
            throw new IllegalArgumentException(LEVEL_VARIABLE + " must be one of TRACE, DEBUG, INFO, WARN, ERROR, OFF "
                    + "or ALL; got '" + setting + "'");
        }
        return level;
    }
}
