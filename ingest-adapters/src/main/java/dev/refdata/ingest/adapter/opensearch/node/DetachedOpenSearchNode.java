package dev.refdata.ingest.adapter.opensearch.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A local OpenSearch node started by {@link LocalOpenSearchNode#startDetached} that outlives the process that
 * started it. Everything needed to find it again from another process is in these fields, so a caller can keep
 * them in a file and later check the node is still the same one ({@link #answers}) or stop it ({@link #stop}).
 *
 * @param httpUrl           the base URL of its REST API
 * @param pid               the process id of the node (its launcher)
 * @param instanceDirectory its config, data and logs; deleted by {@link #stop}
 * @param clusterName       the cluster name it was started with, which tells it apart from another node that
 *                          took the same port later
 * @param consoleLog        where its console output goes
 */
public record DetachedOpenSearchNode(URI httpUrl, long pid, Path instanceDirectory, String clusterName,
                                     Path consoleLog) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration KILL_WAIT = Duration.ofSeconds(15);

    public DetachedOpenSearchNode {
        Objects.requireNonNull(httpUrl, "httpUrl");
        Objects.requireNonNull(instanceDirectory, "instanceDirectory");
        Objects.requireNonNull(clusterName, "clusterName");
        Objects.requireNonNull(consoleLog, "consoleLog");
        if (pid < 1) {
            throw new IllegalArgumentException("pid must be positive: " + pid);
        }
    }

    /** Whether the process is alive and the URL answers with this node's cluster name. */
    public boolean answers() {
        if (process().isEmpty()) {
            return false;
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(httpUrl.resolve("/")).timeout(Duration.ofSeconds(5)).GET().build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return false;
            }
            JsonNode root = JSON.readTree(response.body());
            return clusterName.equals(root.path("cluster_name").asText());
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Stops the node (SIGTERM to its process tree, SIGKILL after {@code timeout}) and deletes its directory. Does
     * nothing to a process that is not this node (its pid was reused) beyond deleting the directory.
     *
     * @return whether a running node was stopped
     */
    public boolean stop(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        Optional<ProcessHandle> process = process();
        boolean stopped = false;
        if (process.isPresent()) {
            List<ProcessHandle> tree = new ArrayList<>();
            tree.add(process.get());
            process.get().descendants().forEach(tree::add);
            tree.forEach(ProcessHandle::destroy);
            if (!awaitExit(tree, timeout)) {
                tree.forEach(ProcessHandle::destroyForcibly);
                awaitExit(tree, KILL_WAIT);
            }
            stopped = true;
        }
        try {
            Directories.deleteRecursively(instanceDirectory);
        } catch (IOException e) {
            throw new LocalOpenSearchNodeException("stopped the node but could not delete " + instanceDirectory + ": "
                    + e.getMessage(), e);
        }
        return stopped;
    }

    /** The live process with this pid whose command line names this node's directory (not a reused pid). */
    private Optional<ProcessHandle> process() {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().map(line -> line.contains(instanceDirectory.toString()))
                        .orElse(true));
    }

    private static boolean awaitExit(List<ProcessHandle> tree, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (tree.stream().anyMatch(ProcessHandle::isAlive)) {
            if (Instant.now().isAfter(deadline)) {
                return false;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
