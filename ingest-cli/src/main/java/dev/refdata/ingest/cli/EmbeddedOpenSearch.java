package dev.refdata.ingest.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.refdata.ingest.adapter.opensearch.node.DetachedOpenSearchNode;
import dev.refdata.ingest.adapter.opensearch.node.LocalOpenSearchNode;
import dev.refdata.ingest.adapter.opensearch.node.LocalOpenSearchNodeException;
import dev.refdata.ingest.adapter.opensearch.node.LocalOpenSearchSettings;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The OpenSearch node the CLI runs for itself when no endpoint is configured: started from the distribution the
 * build fetched, detached so that it outlives the command, recorded in {@code <state>/opensearch/node.json}, reused
 * by later commands while it still answers as the same cluster, and stopped by {@code ingest opensearch stop}.
 * A lock file keeps two commands started at once from starting two nodes.
 */
final class EmbeddedOpenSearch {

    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
            .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .enable(SerializationFeature.INDENT_OUTPUT);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Path directory;
    private final String heapSize;

    /**
     * @param stateDirectory the CLI's state directory ({@code ./.ingest})
     * @param heapSize       the node's heap, e.g. {@code 1g}
     */
    EmbeddedOpenSearch(Path stateDirectory, String heapSize) {
        this.directory = stateDirectory.resolve("opensearch");
        this.heapSize = Objects.requireNonNull(heapSize, "heapSize");
    }

    private Path stateFile() {
        return directory.resolve("node.json");
    }

    /** The recorded node, if it is still running and answers as itself. */
    Optional<DetachedOpenSearchNode> running() {
        return recorded().filter(DetachedOpenSearchNode::answers);
    }

    /** The running node, or a new one started (and recorded) now; {@code notices} hears which. */
    URI reuseOrStart(PrintWriter notices) {
        try (FileLock ignored = lock()) {
            Optional<DetachedOpenSearchNode> running = running();
            if (running.isPresent()) {
                return running.get().httpUrl();
            }
            recorded().ifPresent(stale -> stale.stop(STOP_TIMEOUT));
            notices.println("ingest: starting a local OpenSearch node (once; `ingest opensearch stop` stops it)...");
            DetachedOpenSearchNode node;
            try {
                node = LocalOpenSearchNode.startDetached(LocalOpenSearchSettings.builder(directory)
                        .heapSize(heapSize).build());
            } catch (IllegalStateException | LocalOpenSearchNodeException e) {
                throw new CommandFailedException("could not start the local OpenSearch node: " + e.getMessage()
                        + "\nnext step: build once with ./mvnw -B verify (it fetches the distribution), or point "
                        + "--opensearch-url / INGEST_OPENSEARCH_URL at a running OpenSearch", e);
            }
            Files.write(stateFile(), JSON.writeValueAsBytes(node));
            notices.printf("ingest: local OpenSearch node up at %s (pid %d)%n", node.httpUrl(), node.pid());
            return node.httpUrl();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the local OpenSearch node in " + stateFile(), e);
        }
    }

    /** Stops the recorded node and forgets it; the node, if one was running. */
    Optional<DetachedOpenSearchNode> stop() {
        try (FileLock ignored = lock()) {
            Optional<DetachedOpenSearchNode> recorded = recorded();
            Optional<DetachedOpenSearchNode> stopped = recorded.filter(node -> node.stop(STOP_TIMEOUT));
            Files.deleteIfExists(stateFile());
            return stopped;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot update " + stateFile(), e);
        }
    }

    private Optional<DetachedOpenSearchNode> recorded() {
        if (!Files.isRegularFile(stateFile())) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(stateFile().toFile(), DetachedOpenSearchNode.class));
        } catch (IOException e) {
            // an unreadable record (an older format, a crash while writing) names no node we could reuse
            return Optional.empty();
        }
    }

    private FileLock lock() throws IOException {
        Files.createDirectories(directory);
        FileChannel channel = FileChannel.open(directory.resolve("node.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        return new ClosingLock(channel, channel.lock());
    }

    /** A lock that closes its channel when released. */
    private static final class ClosingLock extends FileLock {
        private final FileLock lock;

        ClosingLock(FileChannel channel, FileLock lock) {
            super(channel, lock.position(), lock.size(), lock.isShared());
            this.lock = lock;
        }

        @Override
        public boolean isValid() {
            return lock.isValid();
        }

        @Override
        public void release() throws IOException {
            try {
                lock.release();
            } finally {
                channel().close();
            }
        }
    }
}
