package dev.refdata.ingest.cli;

import dev.refdata.ingest.core.port.in.InvalidSourceException;
import dev.refdata.ingest.core.port.out.ObjectStoreException;
import dev.refdata.ingest.core.spec.InvalidDatasetSpecException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/**
 * {@code ingest}: the pipeline's use cases as one ordinary program, so a run can be done and diagnosed on a
 * laptop, an EC2 host or a container.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true, versionProvider = IngestCommand.Version.class,
        description = "Daily bulk ingestion of reference data from CSV into OpenSearch.",
        subcommands = {PlanCommand.class, SampleCommand.class, ReloadRejectsCommandLine.class, AwsCommand.class,
                CommandLine.HelpCommand.class})
public final class IngestCommand {

    public static void main(String[] args) {
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the command line with the given output streams and returns the exit code. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        return execute(CommandLine.defaultFactory(), out, err, args);
    }

    /** With the subcommands made by {@code factory} (tests hand in subcommands wired to their own ports). */
    static int execute(CommandLine.IFactory factory, PrintWriter out, PrintWriter err, String... args) {
        CommandLine commandLine = new CommandLine(new IngestCommand(), factory);
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (isUserError(e)) {
                cmd.getErr().println("error: " + e.getMessage());
                return 1;
            }
            throw e;
        });
        return commandLine.execute(args);
    }

    /** A problem with the input or settings: reported in one line with what to fix, never as a stack trace. */
    private static boolean isUserError(Exception e) {
        return e instanceof InvalidSourceException || e instanceof InvalidDatasetSpecException
                || e instanceof IllegalArgumentException || e instanceof ObjectStoreException
                || e instanceof java.io.IOException;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = IngestCommand.class.getPackage().getImplementationVersion();
            return new String[] {"ingest " + (v == null ? "(development build)" : v)};
        }
    }
}
