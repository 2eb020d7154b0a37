package dev.refdata.ingest.cli;

import dev.refdata.ingest.core.port.in.InvalidSourceException;
import dev.refdata.ingest.core.port.out.ObjectStoreException;
import dev.refdata.ingest.core.spec.InvalidDatasetSpecException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code ingest}: the pipeline's use cases as one ordinary program, so a run can be done and diagnosed on a
 * laptop, an EC2 host or a container.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true, versionProvider = IngestCommand.Version.class,
        description = "Daily bulk ingestion of reference data from CSV into OpenSearch.",
        subcommands = {RunCommand.class, RerunCommand.class, StatusCommand.class, ReplayChunkCommand.class,
                ReloadRejectsCommandLine.class, DemoCommand.class, OpenSearchCommand.class, AwsCommand.class,
                PlanCommand.class, SampleCommand.class,
                CommandLine.HelpCommand.class})
public final class IngestCommand {

    private final CommandContext context;

    private IngestCommand(CommandContext context) {
        this.context = Objects.requireNonNull(context, "context");
    }

    CommandContext context() {
        return context;
    }

    public static void main(String[] args) {
        // the edge: the environment, the working directory and the terminal are read here, once
        Optional<java.io.PrintStream> terminal = System.console() != null ? Optional.of(System.err) : Optional.empty();
        CommandContext context = CommandContext.of(System.getenv(), Path.of("").toAbsolutePath(), terminal);
        System.exit(execute(context, new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the command line in this process's environment and working directory; returns the exit code. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        return execute(CommandLine.defaultFactory(), out, err, args);
    }

    /** With the subcommands made by {@code factory} (tests hand in subcommands wired to their own ports). */
    static int execute(CommandLine.IFactory factory, PrintWriter out, PrintWriter err, String... args) {
        return execute(CommandContext.of(System.getenv(), Path.of("").toAbsolutePath(), Optional.empty()), factory,
                out, err, args);
    }

    /** Runs the command line with the given context and output streams and returns the exit code. */
    static int execute(CommandContext context, PrintWriter out, PrintWriter err, String... args) {
        return execute(context, CommandLine.defaultFactory(), out, err, args);
    }

    private static int execute(CommandContext context, CommandLine.IFactory factory, PrintWriter out, PrintWriter err,
                               String... args) {
        CommandLine commandLine = new CommandLine(new IngestCommand(context), factory);
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (isUserError(e)) {
                cmd.getErr().println("error: " + e.getMessage());
                cmd.getErr().flush();
                return 1;
            }
            throw e;
        });
        return commandLine.execute(args);
    }

    /** A problem with the input or settings: reported in one line with what to fix, never as a stack trace. */
    static boolean isUserError(Exception e) {
        return e instanceof CommandFailedException || e instanceof InvalidSourceException
                || e instanceof InvalidDatasetSpecException || e instanceof IllegalArgumentException
                || e instanceof ObjectStoreException || e instanceof java.io.IOException;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = IngestCommand.class.getPackage().getImplementationVersion();
            return new String[] {"ingest " + (v == null ? "(development build)" : v)};
        }
    }
}
