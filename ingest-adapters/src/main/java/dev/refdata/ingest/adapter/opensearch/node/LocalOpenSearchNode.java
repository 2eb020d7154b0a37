package dev.refdata.ingest.adapter.opensearch.node;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A single-node OpenSearch cluster run from the real distribution zip as a child process, for integration tests
 * and local runs: plain HTTP on a free loopback port, no security plugin, data and logs in a private directory under
 * the system temp directory.
 *
 * <p>When this JVM runs as root the node runs as {@code nobody} (OpenSearch refuses root), through
 * {@code setpriv}. The JDK running this JVM runs the node too ({@code OPENSEARCH_JAVA_HOME}); the distribution
 * bundles none.
 *
 * <p>Console output goes to {@value LocalOpenSearchSettings#CONSOLE_LOG} in the settings' log directory, and
 * the node's own log directory is copied there on every stop, so a failed test leaves something to read.
 *
 * <p>Thread-safe. A JVM shutdown hook kills the node if it is still running when the JVM exits, unless it was
 * started with {@link #startDetached}: then it runs in a session of its own, outlives this JVM and is stopped
 * through the returned {@link DetachedOpenSearchNode}.
 */
public final class LocalOpenSearchNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalOpenSearchNode.class);
    private static final String INSTANCE_PREFIX = "ingest-opensearch-node-";
    private static final int START_ATTEMPTS = 3;
    private static final Duration POLL_INTERVAL = Duration.ofMillis(250);
    private static final Duration KILL_WAIT = Duration.ofSeconds(15);
    private static final int LOG_TAIL_LINES = 60;
    private static final Pattern PORT_IN_USE = Pattern.compile("BindException|Address already in use|Failed to bind");

    private final LocalOpenSearchSettings settings;
    private final OpenSearchDistribution distribution;
    private final Optional<UnprivilegedUser> unprivilegedUser;
    private final Path instanceDirectory;
    private final Path consoleLog;
    private final HttpClient http;
    private final Thread shutdownHook;

    private int httpPort;
    private int transportPort;
    private volatile Process process;
    private Duration lastStartDuration = Duration.ZERO;
    private boolean closed;
    /** Runs in its own session (setsid) with no shutdown hook, so that it outlives this JVM. */
    private final boolean detached;

    private LocalOpenSearchNode(LocalOpenSearchSettings settings, boolean detached) throws IOException {
        this.settings = settings;
        this.detached = detached;
        this.distribution = OpenSearchDistribution.unpack(settings.resolveDistributionZip());
        this.unprivilegedUser = UnprivilegedUser.whenRunningAsRoot();
        Files.createDirectories(settings.logDirectory());
        this.consoleLog = settings.logDirectory().resolve(LocalOpenSearchSettings.CONSOLE_LOG);
        this.instanceDirectory = Files.createTempDirectory(INSTANCE_PREFIX);
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        this.shutdownHook = new Thread(this::killOnJvmExit, "local-opensearch-shutdown");
        try {
            prepareInstanceDirectory();
            if (!detached) {
                Runtime.getRuntime().addShutdownHook(shutdownHook);
            }
        } catch (IOException | RuntimeException e) {
            Directories.deleteRecursively(instanceDirectory);
            throw e;
        }
    }

    /**
     * Starts a node on free ports and waits until the cluster is at least yellow. A port taken between choosing
     * it and binding it is retried on fresh ports.
     *
     * @throws LocalOpenSearchNodeException if the node does not come up in time; the message includes the tail of
     *                                      its console log
     */
    public static LocalOpenSearchNode start(LocalOpenSearchSettings settings) {
        Objects.requireNonNull(settings, "settings");
        LocalOpenSearchNode node;
        try {
            node = new LocalOpenSearchNode(settings, false);
        } catch (IOException e) {
            throw new LocalOpenSearchNodeException("cannot prepare a local OpenSearch node: " + e.getMessage(), e);
        }
        try {
            node.startOnFreePorts();
            return node;
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
    }

    /**
     * Starts a node like {@link #start} that is not tied to this JVM: it runs in a session of its own (so a Ctrl-C
     * in the terminal that started it does not reach it), no shutdown hook stops it, and its directory stays until
     * {@link DetachedOpenSearchNode#stop} is called, from this or any later process.
     *
     * @throws LocalOpenSearchNodeException if the node does not come up in time (it is then stopped and deleted)
     */
    public static DetachedOpenSearchNode startDetached(LocalOpenSearchSettings settings) {
        Objects.requireNonNull(settings, "settings");
        LocalOpenSearchNode node;
        try {
            node = new LocalOpenSearchNode(settings, true);
        } catch (IOException e) {
            throw new LocalOpenSearchNodeException("cannot prepare a local OpenSearch node: " + e.getMessage(), e);
        }
        try {
            node.startOnFreePorts();
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
        synchronized (node) {
            DetachedOpenSearchNode handle = new DetachedOpenSearchNode(node.httpUrl(), node.process.pid(),
                    node.instanceDirectory, node.clusterName(), node.consoleLog);
            // this object lets go of the process: closing it must neither stop the node nor delete its data
            node.process = null;
            node.closed = true;
            return handle;
        }
    }

    /**
     * The process id of the node's launcher (its JVM is that process or a descendant of it), for tools that
     * account for the node's CPU.
     *
     * @throws IllegalStateException when the node is not running
     */
    public synchronized long pid() {
        Process p = process;
        if (p == null || !p.isAlive()) {
            throw new IllegalStateException("the node is not running");
        }
        return p.pid();
    }

    /** The base URL of the node's REST API, e.g. {@code http://127.0.0.1:41234}. */
    public synchronized URI httpUrl() {
        return URI.create("http://127.0.0.1:" + httpPort);
    }

    public synchronized int httpPort() {
        return httpPort;
    }

    public synchronized int transportPort() {
        return transportPort;
    }

    /** How long the last (re)start took from launching the process to a yellow cluster. */
    public synchronized Duration lastStartDuration() {
        return lastStartDuration;
    }

    public boolean isRunning() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** Where the node's console output is written. */
    public Path consoleLog() {
        return consoleLog;
    }

    /** Stops the node gracefully (SIGTERM), killing its whole process tree if it has not exited within the stop timeout. */
    public synchronized void stop() {
        Process p = process;
        if (p == null) {
            return;
        }
        terminate(p, true);
        process = null;
        copyLogs();
    }

    /** Kills the node right away (SIGKILL to its whole process tree), as a crash would. Data stays for {@link #restart()}. */
    public synchronized void kill() {
        Process p = process;
        if (p == null) {
            return;
        }
        terminate(p, false);
        process = null;
        copyLogs();
    }

    /** Stops the node if it runs, then starts it again on the same ports and the same data. */
    public synchronized void restart() {
        requireOpen();
        stop();
        StartOutcome outcome = launchAndAwaitHealthy();
        if (outcome != StartOutcome.HEALTHY) {
            throw startFailure(outcome, "restart");
        }
    }

    /** Stops the node and deletes its data. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stop();
        } finally {
            try {
                Directories.deleteRecursively(instanceDirectory);
            } catch (IOException e) {
                LOG.warn("Could not delete the OpenSearch node directory {}", instanceDirectory, e);
            }
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down; the hook runs and finds nothing left to do
            }
        }
    }

    @Override
    public synchronized String toString() {
        return "LocalOpenSearchNode[" + httpUrl() + ", " + instanceDirectory + "]";
    }

    private void startOnFreePorts() {
        StartOutcome outcome = StartOutcome.PORT_IN_USE;
        for (int attempt = 1; attempt <= START_ATTEMPTS && outcome == StartOutcome.PORT_IN_USE; attempt++) {
            choosePorts();
            outcome = launchAndAwaitHealthy();
            if (outcome == StartOutcome.PORT_IN_USE) {
                LOG.info("OpenSearch could not bind port {} or {} (attempt {} of {}); trying other ports",
                        httpPort, transportPort, attempt, START_ATTEMPTS);
            }
        }
        if (outcome != StartOutcome.HEALTHY) {
            throw startFailure(outcome, "start");
        }
    }

    private enum StartOutcome { HEALTHY, PORT_IN_USE, EXITED, TIMED_OUT, INTERRUPTED }

    private StartOutcome launchAndAwaitHealthy() {
        Instant started = Instant.now();
        long logOffset = consoleLogSize();
        Process p = launch();
        process = p;
        StartOutcome outcome = awaitHealthy(p, started.plus(settings.startTimeout()));
        if (outcome == StartOutcome.HEALTHY) {
            lastStartDuration = Duration.between(started, Instant.now());
            LOG.info("OpenSearch node up at {} in {} ms (pid {})", httpUrl(), lastStartDuration.toMillis(), p.pid());
            return outcome;
        }
        terminate(p, false);
        process = null;
        copyLogs();
        if (outcome == StartOutcome.EXITED && PORT_IN_USE.matcher(consoleLogSince(logOffset)).find()) {
            return StartOutcome.PORT_IN_USE;
        }
        return outcome;
    }

    private Process launch() {
        List<String> command = new ArrayList<>();
        if (detached) {
            // a session of its own: the terminal's signals (Ctrl-C, hang-up) go to the CLI, not to the node
            command.add("setsid");
        }
        unprivilegedUser.ifPresent(user -> command.addAll(user.commandPrefix()));
        command.add(distribution.launcher().toString());
        nodeSettings().forEach((key, value) -> command.add("-E" + key + "=" + value));

        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(instanceDirectory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(consoleLog.toFile()));
        Map<String, String> env = builder.environment();
        // The launcher scripts and the JVM must see only what is set here.
        Stream.of("JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS", "JAVA_OPTS", "OPENSEARCH_JAVA_OPTS",
                "OPENSEARCH_HOME", "JAVA_HOME").forEach(env::remove);
        env.put("OPENSEARCH_JAVA_HOME", System.getProperty("java.home"));
        env.put("OPENSEARCH_PATH_CONF", instanceDirectory.resolve("config").toString());
        env.put("OPENSEARCH_TMPDIR", instanceDirectory.resolve("tmp").toString());
        try {
            Files.writeString(consoleLog, "%n=== %s: starting %s (http %d, transport %d)%n=== %s%n".formatted(
                            Instant.now(), distribution.home().getFileName(), httpPort, transportPort,
                            String.join(" ", command)),
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            Process p = builder.start();
            p.getOutputStream().close();
            return p;
        } catch (IOException e) {
            throw new LocalOpenSearchNodeException("cannot launch " + command + ": " + e.getMessage(), e);
        }
    }

    private Map<String, String> nodeSettings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("cluster.name", clusterName());
        s.put("node.name", "local-node");
        s.put("network.host", "127.0.0.1");
        s.put("http.port", Integer.toString(httpPort));
        s.put("transport.port", Integer.toString(transportPort));
        s.put("discovery.type", "single-node");
        s.put("path.data", instanceDirectory.resolve("data").toString());
        s.put("path.logs", instanceDirectory.resolve("logs").toString());
        // Quick start and no surprises on a busy build machine: no memory locking, and a nearly full disk
        // must not turn indices read-only.
        s.put("bootstrap.memory_lock", "false");
        s.put("cluster.routing.allocation.disk.threshold_enabled", "false");
        s.putAll(settings.extraSettings());
        return s;
    }

    private String clusterName() {
        return "ingest-local-" + instanceDirectory.getFileName().toString().replace(INSTANCE_PREFIX, "");
    }

    private StartOutcome awaitHealthy(Process p, Instant deadline) {
        HttpRequest health = HttpRequest.newBuilder(httpUrl().resolve("/_cluster/health?wait_for_status=yellow&timeout=1s"))
                .timeout(Duration.ofSeconds(5))
                .GET()
                .build();
        while (true) {
            if (!p.isAlive()) {
                return StartOutcome.EXITED;
            }
            try {
                HttpResponse<String> response = http.send(health, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return StartOutcome.HEALTHY;
                }
            } catch (ConnectException e) {
                // not listening yet
            } catch (IOException e) {
                LOG.debug("OpenSearch health check failed", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return StartOutcome.INTERRUPTED;
            }
            if (Instant.now().isAfter(deadline)) {
                return StartOutcome.TIMED_OUT;
            }
            try {
                Thread.sleep(POLL_INTERVAL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return StartOutcome.INTERRUPTED;
            }
        }
    }

    private LocalOpenSearchNodeException startFailure(StartOutcome outcome, String what) {
        String reason = switch (outcome) {
            case TIMED_OUT -> "did not report a yellow cluster within " + settings.startTimeout();
            case EXITED -> "exited before its cluster became yellow";
            case PORT_IN_USE -> "could not bind a free port in " + START_ATTEMPTS + " attempts";
            case INTERRUPTED -> "was interrupted while waiting for the cluster";
            case HEALTHY -> throw new IllegalArgumentException("not a failure");
        };
        return new LocalOpenSearchNodeException("OpenSearch " + what + " failed: the node at " + httpUrl() + " " + reason
                + ". Last lines of " + consoleLog + " (node logs copied next to it):\n" + consoleLogTail());
    }

    private void terminate(Process p, boolean graceful) {
        List<ProcessHandle> tree = processTree(p);
        if (graceful) {
            p.destroy();
            if (waitForExit(p, settings.stopTimeout())) {
                tree.forEach(ProcessHandle::destroyForcibly);
                return;
            }
            LOG.warn("OpenSearch (pid {}) did not stop within {}; killing its process tree", p.pid(), settings.stopTimeout());
            tree = processTree(p);
        }
        tree.forEach(ProcessHandle::destroyForcibly);
        if (!waitForExit(p, KILL_WAIT)) {
            LOG.warn("OpenSearch (pid {}) still alive {} after SIGKILL", p.pid(), KILL_WAIT);
        }
    }

    private static List<ProcessHandle> processTree(Process p) {
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(p.toHandle());
        p.toHandle().descendants().forEach(tree::add);
        return tree;
    }

    private static boolean waitForExit(Process p, Duration timeout) {
        try {
            return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !p.isAlive();
        }
    }

    private void killOnJvmExit() {
        Process p = process;
        if (p != null) {
            processTree(p).forEach(ProcessHandle::destroyForcibly);
            waitForExit(p, Duration.ofSeconds(5));
        }
        try {
            Directories.deleteRecursively(instanceDirectory);
        } catch (IOException e) {
            // the JVM is exiting; temp cleanup is best effort
        }
    }

    private void choosePorts() {
        try (ServerSocket first = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             ServerSocket second = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            httpPort = first.getLocalPort();
            transportPort = second.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find free loopback ports", e);
        }
    }

    /** config/ (copied from the distribution, with paths made absolute), data/, logs/ and tmp/, owned by the node's user. */
    private void prepareInstanceDirectory() throws IOException {
        Path config = instanceDirectory.resolve("config");
        Path data = instanceDirectory.resolve("data");
        Path logs = instanceDirectory.resolve("logs");
        Files.createDirectories(config.resolve("jvm.options.d"));
        Files.createDirectories(data);
        Files.createDirectories(logs);
        Files.createDirectories(instanceDirectory.resolve("tmp"));
        Path distConfig = distribution.configDirectory();
        Files.copy(distConfig.resolve("opensearch.yml"), config.resolve("opensearch.yml"));
        Files.copy(distConfig.resolve("log4j2.properties"), config.resolve("log4j2.properties"));
        Files.write(config.resolve("jvm.options"), jvmOptions(distConfig.resolve("jvm.options"), data, logs));
        Files.writeString(config.resolve("jvm.options.d").resolve("heap.options"),
                "-Xms" + settings.heapSize() + "\n-Xmx" + settings.heapSize() + "\n");
        if (unprivilegedUser.isPresent()) {
            unprivilegedUser.get().takeOwnership(instanceDirectory);
        }
    }

    /**
     * The distribution's JVM options without its heap size (set in jvm.options.d) and with the heap-dump, error
     * and GC log paths made absolute: the launcher script changes into the distribution's read-only home.
     */
    private static List<String> jvmOptions(Path distributionOptions, Path data, Path logs) throws IOException {
        List<String> options = new ArrayList<>();
        for (String line : Files.readAllLines(distributionOptions, StandardCharsets.UTF_8)) {
            String option = line.strip();
            if (option.matches("(\\d+-?\\d*:)?-Xm[sx].*")) {
                continue;
            }
            options.add(line
                    .replace("-XX:HeapDumpPath=data", "-XX:HeapDumpPath=" + data)
                    .replace("-XX:ErrorFile=logs/", "-XX:ErrorFile=" + logs + "/")
                    .replace("file=logs/", "file=" + logs + "/"));
        }
        return options;
    }

    private void copyLogs() {
        try {
            Directories.copyRecursively(instanceDirectory.resolve("logs"), settings.logDirectory().resolve("opensearch-logs"));
        } catch (IOException e) {
            LOG.warn("Could not copy the OpenSearch logs to {}", settings.logDirectory(), e);
        }
    }

    private long consoleLogSize() {
        try {
            return Files.exists(consoleLog) ? Files.size(consoleLog) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** The console log from {@code offset} on (at most its last 4 MiB), decoded leniently. */
    private String consoleLogSince(long offset) {
        try (RandomAccessFile file = new RandomAccessFile(consoleLog.toFile(), "r")) {
            long length = file.length() - offset;
            if (length <= 0) {
                return "";
            }
            byte[] bytes = new byte[(int) Math.min(length, 4 * 1024 * 1024)];
            file.seek(file.length() - bytes.length);
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(console log unreadable: " + e.getMessage() + ")";
        }
    }

    private String consoleLogTail() {
        List<String> lines = consoleLogSince(Math.max(0, consoleLogSize() - 256 * 1024)).lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("node is closed");
        }
    }
}
