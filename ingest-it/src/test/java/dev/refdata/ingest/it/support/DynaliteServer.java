package dev.refdata.ingest.it.support;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * dynalite, an in-memory implementation of the DynamoDB API on Node.js, installed by {@code npm ci} from
 * ingest-it/package-lock.json and run as a child process on a free loopback port. Its output goes to
 * {@code dynalite.log} in the services directory.
 *
 * <p>The process gets a preload script that exits when its stdin closes; this JVM holds the other end, so dynalite
 * dies with the test JVM even when the JVM is killed and no shutdown hook runs.
 */
final class DynaliteServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DynaliteServer.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    private static final int START_ATTEMPTS = 3;
    /** Tables stay CREATING this long, like on AWS but short: tests must wait for ACTIVE as production does. */
    private static final String CREATE_TABLE_MS = "50";

    private final Process process;
    private final OutputStream parentLifeline;
    private final URI endpoint;

    private DynaliteServer(Process process, URI endpoint) {
        this.process = process;
        this.parentLifeline = process.getOutputStream();
        this.endpoint = endpoint;
    }

    static DynaliteServer start(Path moduleDirectory, Path logDirectory) {
        Path cli = moduleDirectory.resolve("node_modules/dynalite/cli.js");
        Path preload = moduleDirectory.resolve("src/test/node/exit-with-parent.js");
        if (!Files.isRegularFile(cli)) {
            throw new TestServicesUnavailableException("dynalite is not installed: " + cli + " is missing. Run `npm ci`"
                    + " in " + moduleDirectory + " (the Maven build does it in pre-integration-test).");
        }
        Path log = logDirectory.resolve("dynalite.log");
        String failure = "";
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int port = freePort();
            List<String> command = List.of("node", "--require", preload.toString(), cli.toString(),
                    "--host", "127.0.0.1", "--port", Integer.toString(port), "--createTableMs", CREATE_TABLE_MS,
                    "--deleteTableMs", CREATE_TABLE_MS, "--updateTableMs", CREATE_TABLE_MS);
            Process process;
            long logOffset;
            try {
                logOffset = Files.exists(log) ? Files.size(log) : 0;
                Files.writeString(log, "=== " + Instant.now() + ": " + String.join(" ", command) + System.lineSeparator(),
                        StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                process = new ProcessBuilder(command)
                        .directory(moduleDirectory.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .start();
            } catch (IOException e) {
                throw new TestServicesUnavailableException("cannot run " + command + " (is Node.js 20+ on the PATH?): "
                        + e.getMessage(), e);
            }
            DynaliteServer server = new DynaliteServer(process, URI.create("http://127.0.0.1:" + port));
            if (server.awaitListening(log, logOffset, port)) {
                return server;
            }
            server.close();
            failure = "dynalite (port " + port + ", attempt " + attempt + ") did not accept connections within "
                    + START_TIMEOUT + "; exit code " + (process.isAlive() ? "none (killed)" : process.exitValue());
            LOG.warn("{}; see {}", failure, log);
        }
        throw new TestServicesUnavailableException(failure + ". See " + log);
    }

    URI endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        try {
            parentLifeline.close();
        } catch (IOException e) {
            // the process is being stopped anyway
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    @Override
    public String toString() {
        return "dynalite[" + endpoint + ", pid " + process.pid() + "]";
    }

    /** Waits for dynalite's own "listening" line: a connect alone could reach whoever else took the port. */
    private boolean awaitListening(Path log, long logOffset, int port) {
        String listening = "listening at: http://127.0.0.1:" + port;
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (process.isAlive() && Instant.now().isBefore(deadline)) {
            if (logSince(log, logOffset).contains(listening)) {
                return true;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    private static String logSince(Path log, long offset) {
        try {
            byte[] bytes = Files.readAllBytes(log);
            return offset >= bytes.length ? "" : new String(bytes, (int) offset, bytes.length - (int) offset,
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free loopback port", e);
        }
    }
}
