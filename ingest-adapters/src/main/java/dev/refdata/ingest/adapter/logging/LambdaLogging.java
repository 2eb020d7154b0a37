package dev.refdata.ingest.adapter.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

import java.net.URL;

/**
 * Logging in a Lambda container: one JSON object a line on stdout (logstash-logback-encoder), each with the
 * invocation's MDC ({@link InvocationLog}: {@code requestId}, {@code runId}, {@code chunk}), so CloudWatch Logs
 * Insights can filter a run or a chunk. The level is {@code INGEST_LOG_LEVEL} (default INFO).
 *
 * <p>Called by a handler's no-argument constructor, the one the Lambda runtime uses; a handler run inside another
 * program (the CLI, the local executor, tests) keeps that program's logging.
 */
public final class LambdaLogging {

    /** The configuration, on the classpath. */
    public static final String CONFIGURATION = "dev/refdata/ingest/adapter/logging/lambda-logback.xml";

    private static volatile boolean configured;

    private LambdaLogging() {
    }

    /** Replaces the logging configuration with JSON lines on stdout, once per process. */
    public static synchronized void configure() {
        if (configured) {
            return;
        }
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof LoggerContext context)) {
            return; // another binding than logback: leave it as it is
        }
        URL config = LambdaLogging.class.getClassLoader().getResource(CONFIGURATION);
        if (config == null) {
            throw new IllegalStateException(CONFIGURATION + " is missing from the classpath");
        }
        context.reset();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try {
            configurator.doConfigure(config);
        } catch (JoranException e) {
            throw new IllegalStateException("cannot configure logging from " + config + ": " + e.getMessage(), e);
        }
        configured = true;
    }
}
