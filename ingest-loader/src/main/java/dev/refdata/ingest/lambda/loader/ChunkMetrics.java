package dev.refdata.ingest.lambda.loader;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refdata.ingest.core.domain.ChunkCounters;
import dev.refdata.ingest.core.port.in.LoadChunkCommand;
import dev.refdata.ingest.core.port.in.LoadChunkResult;

import java.io.PrintStream;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One CloudWatch Embedded Metric Format line per loader invocation, written to stdout, where CloudWatch Logs turns
 * it into metrics without any API call: {@code Records}, {@code Rejects} and {@code Retries} (Count, this
 * invocation's share of the chunk), {@code BulkRequests} (Count), {@code BulkLatency} and {@code BulkLatencyMax}
 * (Milliseconds, the mean and the longest bulk round trip) and {@code DocumentsPerSecond} (Count/Second), in the
 * configured namespace and dimensions. {@code runId}, {@code chunk}, {@code outcome}, {@code attempt} and
 * {@code requestId} ride along as plain properties, searchable in Logs Insights but not dimensions (they would make a
 * metric per chunk).
 */
final class ChunkMetrics {

    /** Writes nothing: the handler runs outside Lambda (the CLI, the local executor, tests). */
    static final ChunkMetrics NONE = new ChunkMetrics(null, line -> { }, Clock.systemUTC());

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Settings settings;
    private final Consumer<String> out;
    private final Clock clock;

    ChunkMetrics(Settings settings, Consumer<String> out, Clock clock) {
        this.settings = settings;
        this.out = Objects.requireNonNull(out, "out");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** To this process's stdout, as the Lambda runtime forwards it to CloudWatch Logs. */
    static ChunkMetrics toStdout(Settings settings, PrintStream stdout) {
        return settings.enabled() ? new ChunkMetrics(settings, stdout::println, Clock.systemUTC()) : NONE;
    }

    /** The dimensions a deployment may choose. */
    enum Dimension {
        DATASET("Dataset"), INDEX("Index"), FUNCTION_NAME("FunctionName");

        final String key;

        Dimension(String key) {
            this.key = key;
        }

        static Dimension named(String name) {
            for (Dimension d : values()) {
                if (d.key.equalsIgnoreCase(name.trim())) {
                    return d;
                }
            }
            throw new IllegalArgumentException("INGEST_METRICS_DIMENSIONS: unknown dimension '" + name.trim()
                    + "' (one or more of Dataset, Index, FunctionName, comma-separated; or none)");
        }
    }

    /**
     * Where the metrics go.
     *
     * @param enabled    whether to emit at all ({@code INGEST_METRICS}: {@code on}, the default, or {@code off})
     * @param namespace  the CloudWatch namespace ({@code INGEST_METRICS_NAMESPACE}, default {@code RefdataIngest})
     * @param dimensions one dimension set ({@code INGEST_METRICS_DIMENSIONS}, default {@code Dataset}; {@code none}
     *                   for metrics without dimensions)
     */
    record Settings(boolean enabled, String namespace, List<Dimension> dimensions) {

        Settings {
            Objects.requireNonNull(namespace, "namespace");
            dimensions = List.copyOf(dimensions);
            if (namespace.isBlank() || namespace.length() > 255 || namespace.startsWith("AWS/")) {
                throw new IllegalArgumentException("INGEST_METRICS_NAMESPACE: 1 to 255 characters, not starting "
                        + "with AWS/: '" + namespace + "'");
            }
        }

        static Settings from(Map<String, String> env) {
            String enabled = env.getOrDefault("INGEST_METRICS", "on").trim().toLowerCase(Locale.ROOT);
            if (!enabled.equals("on") && !enabled.equals("off")) {
                throw new IllegalArgumentException("INGEST_METRICS: on or off, not '" + enabled + "'");
            }
            String namespace = env.getOrDefault("INGEST_METRICS_NAMESPACE", "RefdataIngest").trim();
            String names = env.getOrDefault("INGEST_METRICS_DIMENSIONS", "Dataset").trim();
            List<Dimension> dimensions = names.equalsIgnoreCase("none") || names.isEmpty() ? List.of()
                    : java.util.Arrays.stream(names.split(",")).map(Dimension::named).distinct().toList();
            return new Settings(enabled.equals("on"), namespace, dimensions);
        }
    }

    /** Emits the invocation's metrics; {@code functionName} and {@code requestId} may be {@code null}. */
    void emit(LoadChunkCommand command, LoadChunkResult result, String functionName, String requestId) {
        if (settings == null) {
            return;
        }
        ChunkCounters before = result.resumedFrom() == null ? result.counters() : result.resumedFrom().counters();
        ChunkCounters now = result.counters();
        double seconds = result.elapsed().toNanos() / 1e9;

        ObjectNode line = JSON.createObjectNode();
        ObjectNode aws = line.putObject("_aws");
        aws.put("Timestamp", clock.millis());
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", settings.namespace());
        ArrayNode dimensionSet = directive.putArray("Dimensions").addArray();
        for (Dimension d : settings.dimensions()) {
            dimensionSet.add(d.key);
            line.put(d.key, switch (d) {
                case DATASET -> command.dataset();
                case INDEX -> command.index();
                case FUNCTION_NAME -> functionName == null ? "local" : functionName;
            });
        }
        ArrayNode metrics = directive.putArray("Metrics");
        metric(line, metrics, "Records", "Count", result.readThisCall());
        metric(line, metrics, "Rejects", "Count", now.rejected() - before.rejected());
        metric(line, metrics, "Retries", "Count", now.retries() - before.retries());
        metric(line, metrics, "BulkRequests", "Count", result.bulk().count());
        metric(line, metrics, "BulkLatency", "Milliseconds", round(result.bulk().meanMillis()));
        metric(line, metrics, "BulkLatencyMax", "Milliseconds", round(result.bulk().longestMillis()));
        metric(line, metrics, "DocumentsPerSecond", "Count/Second",
                seconds <= 0 ? 0 : round(result.readThisCall() / seconds));
        line.put("runId", command.key().run().value());
        line.put("chunk", command.key().chunk());
        line.put("outcome", result.outcome().name());
        line.put("attempt", result.attempt());
        if (requestId != null) {
            line.put("requestId", requestId);
        }
        out.accept(line.toString());
    }

    private static void metric(ObjectNode line, ArrayNode metrics, String name, String unit, double value) {
        metrics.addObject().put("Name", name).put("Unit", unit);
        line.put(name, value);
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
