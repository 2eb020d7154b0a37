package dev.refdata.ingest.cli;

import dev.refdata.ingest.adapter.opensearch.node.DetachedOpenSearchNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code ingest opensearch}: the local OpenSearch node the commands start and reuse. */
@Command(name = "opensearch", mixinStandardHelpOptions = true,
        description = "The local OpenSearch node that run, rerun, demo and replay-chunk start on first use and reuse.",
        subcommands = {OpenSearchCommand.Status.class, OpenSearchCommand.Stop.class})
final class OpenSearchCommand {

    @ParentCommand
    IngestCommand root;

    EmbeddedOpenSearch embedded() {
        CommandContext context = root.context();
        Path state = context.workingDirectory().toAbsolutePath().normalize().resolve(PipelineEndpoints.STATE_DIRECTORY);
        return new EmbeddedOpenSearch(state, PipelineEndpoints.DEFAULT_EMBEDDED_HEAP);
    }

    /** {@code ingest opensearch status}. */
    @Command(name = "status", mixinStandardHelpOptions = true, description = "Say whether the local node runs, and where.")
    static final class Status implements Callable<Integer> {
        @ParentCommand
        OpenSearchCommand parent;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Optional<DetachedOpenSearchNode> node = parent.embedded().running();
            if (node.isPresent()) {
                spec.commandLine().getOut().printf("local OpenSearch node running at %s (pid %d, data in %s)%n",
                        node.get().httpUrl(), node.get().pid(), node.get().instanceDirectory());
                return 0;
            }
            spec.commandLine().getOut().println("no local OpenSearch node is running");
            return 0;
        }
    }

    /** {@code ingest opensearch stop}. */
    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "Stop the local node and delete its data (the next command starts a fresh one).")
    static final class Stop implements Callable<Integer> {
        @ParentCommand
        OpenSearchCommand parent;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Optional<DetachedOpenSearchNode> stopped = parent.embedded().stop();
            if (stopped.isPresent()) {
                spec.commandLine().getOut().printf("stopped the local OpenSearch node at %s (pid %d)%n",
                        stopped.get().httpUrl(), stopped.get().pid());
            } else {
                spec.commandLine().getOut().println("no local OpenSearch node was running");
            }
            return 0;
        }
    }
}
