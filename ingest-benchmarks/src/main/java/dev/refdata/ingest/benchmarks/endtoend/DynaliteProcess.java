package dev.refdata.ingest.benchmarks.endtoend;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * dynalite (the DynamoDB API in memory, on Node.js), as ingest-it's {@code npm ci} installs it, for the cold-start
 * probe that builds the loader exactly as the Lambda runtime does: with its DynamoDB chunk ledger. The process
 * holds a pipe to this JVM on its stdin and exits when it closes (ingest-it's preload script), so it never
 * outlives the harness.
 */
final class DynaliteProcess implements AutoCloseable {

    static final Path CLI = Path.of("ingest-it/node_modules/dynalite/cli.js");
    static final Path EXIT_WITH_PARENT = Path.of("ingest-it/src/test/node/exit-with-parent.js");

    private final Process process;
    private final OutputStream lifeline;
    private final URI endpoint;

    private DynaliteProcess(Process process, URI endpoint) {
        this.process = process;
        this.lifeline = process.getOutputStream();
        this.endpoint = endpoint;
    }

    /** Why dynalite cannot be started from the working directory (a checkout's root), if it cannot. */
    static Optional<String> unavailable() {
        if (!Files.isRegularFile(CLI)) {
            return Optional.of(CLI + " is missing: run `npm ci` in ingest-it (bench/end-to-end.sh does)");
        }
        if (!Files.isRegularFile(EXIT_WITH_PARENT)) {
            return Optional.of(EXIT_WITH_PARENT + " is missing: run the harness from the checkout's root");
        }
        return Optional.empty();
    }

    static DynaliteProcess start(Path log) throws IOException, InterruptedException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Process process = new ProcessBuilder(List.of("node", "--require", EXIT_WITH_PARENT.toAbsolutePath().toString(), CLI.toAbsolutePath().toString(),
                "--host", "127.0.0.1", "--port", Integer.toString(port), "--createTableMs", "0"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        DynaliteProcess dynalite = new DynaliteProcess(process, URI.create("http://127.0.0.1:" + port));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("dynalite exited with " + process.exitValue() + "; see " + log);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return dynalite;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        dynalite.close();
        throw new IOException("dynalite did not listen on port " + port + " within 30 s; see " + log);
    }

    URI endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        try {
            lifeline.close();
        } catch (IOException ignored) {
            // the process has gone already
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
