package dev.refdata.ingest.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the commands take from the process they run in, read once at the edge ({@link IngestCommand#main}) so that
 * tests can hand in their own: the environment, the working directory, the terminal (when there is one), the clock
 * and how to open the pipeline's endpoints.
 *
 * @param env              the environment variables
 * @param workingDirectory where {@code .ingest/} lives
 * @param terminal         the terminal's error stream for progress bars, or empty for plain progress lines
 * @param clock            the clock
 * @param endpoints        opens the pipeline's endpoints for a command
 * @param started          when the command started (the process's start), for the time to the first bulk request
 */
record CommandContext(Map<String, String> env, Path workingDirectory, Optional<PrintStream> terminal, Clock clock,
                      EndpointsFactory endpoints, Instant started) {

    /** Opens the endpoints a command works on. */
    @FunctionalInterface
    interface EndpointsFactory {
        /**
         * @param openSearchUrl {@code --opensearch-url}, or null
         * @param notices       where to tell the user about slow steps (starting a node)
         */
        PipelineEndpoints open(URI openSearchUrl, PrintWriter notices);
    }

    CommandContext {
        env = Map.copyOf(Objects.requireNonNull(env, "env"));
        Objects.requireNonNull(workingDirectory, "workingDirectory");
        Objects.requireNonNull(terminal, "terminal");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(endpoints, "endpoints");
        Objects.requireNonNull(started, "started");
    }

    /** The real thing: endpoints resolved by {@link PipelineEndpoints#resolve} from {@code env}. */
    static CommandContext of(Map<String, String> env, Path workingDirectory, Optional<PrintStream> terminal) {
        Map<String, String> copy = Map.copyOf(env);
        Clock clock = Clock.systemUTC();
        return new CommandContext(copy, workingDirectory, terminal, clock,
                (url, notices) -> PipelineEndpoints.resolve(copy, workingDirectory, url, notices),
                ProcessHandle.current().info().startInstant().orElse(clock.instant()));
    }
}
