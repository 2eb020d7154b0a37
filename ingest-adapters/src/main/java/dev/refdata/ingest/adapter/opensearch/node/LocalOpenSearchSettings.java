package dev.refdata.ingest.adapter.opensearch.node;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How to run a {@link LocalOpenSearchNode}.
 *
 * @param distributionZip the OpenSearch distribution zip, or {@code null} to look for it in the system property
 *                        {@value #DISTRIBUTION_PROPERTY}, then the environment variable {@value #DISTRIBUTION_ENV},
 *                        then the local Maven repository (see {@link #resolveDistributionZip()})
 * @param logDirectory    where the node's console output goes ({@value #CONSOLE_LOG}) and where its log directory
 *                        is copied on stop; created if missing
 * @param heapSize        JVM heap, used for both {@code -Xms} and {@code -Xmx}, e.g. {@code 512m}
 * @param extraSettings   further node settings passed as {@code -Ekey=value}, e.g.
 *                        {@code thread_pool.write.queue_size=2}; ports, paths, network and discovery are the
 *                        launcher's and cannot be set here
 * @param startTimeout    how long {@code start} waits for the cluster to turn yellow
 * @param stopTimeout     how long {@code stop} waits after SIGTERM before it kills the process tree
 */
public record LocalOpenSearchSettings(
        Path distributionZip,
        Path logDirectory,
        String heapSize,
        Map<String, String> extraSettings,
        Duration startTimeout,
        Duration stopTimeout) {

    public static final String DEFAULT_VERSION = "2.19.6";
    public static final String DISTRIBUTION_PROPERTY = "ingest.opensearch.dist";
    public static final String DISTRIBUTION_ENV = "INGEST_OPENSEARCH_DIST";
    public static final String CONSOLE_LOG = "opensearch-console.log";
    public static final String DEFAULT_HEAP_SIZE = "512m";
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(120);
    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(30);

    private static final Pattern HEAP_SIZE = Pattern.compile("[1-9][0-9]*[mMgG]");
    private static final Pattern SETTING_KEY = Pattern.compile("[a-z0-9_]+(\\.[a-z0-9_\\-]+)+");
    /** Settings the launcher owns: ports, paths and discovery must match what it knows about the node. */
    private static final Set<String> RESERVED_PREFIXES = Set.of(
            "http.port", "transport.port", "path.", "network.", "http.host", "transport.host",
            "discovery.", "cluster.initial_cluster_manager_nodes", "node.name", "cluster.name");

    public LocalOpenSearchSettings {
        Objects.requireNonNull(logDirectory, "logDirectory");
        Objects.requireNonNull(heapSize, "heapSize");
        if (!HEAP_SIZE.matcher(heapSize).matches()) {
            throw new IllegalArgumentException("heapSize must look like 512m or 2g: " + heapSize);
        }
        Objects.requireNonNull(extraSettings, "extraSettings");
        extraSettings.forEach((key, value) -> {
            Objects.requireNonNull(key, "setting key");
            Objects.requireNonNull(value, () -> "value of setting " + key);
            if (!SETTING_KEY.matcher(key).matches()) {
                throw new IllegalArgumentException("not an OpenSearch setting key: '" + key + "'");
            }
            if (RESERVED_PREFIXES.stream().anyMatch(key::startsWith)) {
                throw new IllegalArgumentException("setting '" + key + "' is controlled by LocalOpenSearchNode");
            }
        });
        extraSettings = Map.copyOf(extraSettings);
        requirePositive(startTimeout, "startTimeout");
        requirePositive(stopTimeout, "stopTimeout");
    }

    public static Builder builder(Path logDirectory) {
        return new Builder(logDirectory);
    }

    public Optional<Path> explicitDistributionZip() {
        return Optional.ofNullable(distributionZip);
    }

    /**
     * The distribution zip to use: {@link #distributionZip()} if given, else the system property
     * {@value #DISTRIBUTION_PROPERTY}, else the environment variable {@value #DISTRIBUTION_ENV}, else
     * {@code ~/.m2/repository/org/opensearch/distribution/integ-test-zip/opensearch/<version>/opensearch-<version>.zip}.
     *
     * @throws IllegalStateException if the chosen file does not exist
     */
    public Path resolveDistributionZip() {
        String from;
        Path zip;
        String property = System.getProperty(DISTRIBUTION_PROPERTY);
        String env = System.getenv(DISTRIBUTION_ENV);
        if (distributionZip != null) {
            zip = distributionZip;
            from = "the settings";
        } else if (property != null && !property.isBlank()) {
            zip = Path.of(property);
            from = "system property " + DISTRIBUTION_PROPERTY;
        } else if (env != null && !env.isBlank()) {
            zip = Path.of(env);
            from = "environment variable " + DISTRIBUTION_ENV;
        } else {
            zip = Path.of(System.getProperty("user.home"), ".m2", "repository", "org", "opensearch", "distribution",
                    "integ-test-zip", "opensearch", DEFAULT_VERSION, "opensearch-" + DEFAULT_VERSION + ".zip");
            from = "the local Maven repository";
        }
        if (!Files.isRegularFile(zip)) {
            throw new IllegalStateException("OpenSearch distribution zip " + zip + " (from " + from + ") does not exist;"
                    + " fetch it with: mvn dependency:get -Dartifact=org.opensearch.distribution.integ-test-zip:opensearch:"
                    + DEFAULT_VERSION + ":zip, or point " + DISTRIBUTION_PROPERTY + " / " + DISTRIBUTION_ENV + " at it");
        }
        return zip.toAbsolutePath();
    }

    /** The {@code -E} arguments for the extra settings, in a stable order. */
    List<String> extraSettingArguments() {
        return extraSettings.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> "-E" + e.getKey() + "=" + e.getValue())
                .toList();
    }

    private static void requirePositive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + duration);
        }
    }

    /** Builds {@link LocalOpenSearchSettings} starting from the defaults. */
    public static final class Builder {
        private final Path logDirectory;
        private Path distributionZip;
        private String heapSize = DEFAULT_HEAP_SIZE;
        private final Map<String, String> extraSettings = new LinkedHashMap<>();
        private Duration startTimeout = DEFAULT_START_TIMEOUT;
        private Duration stopTimeout = DEFAULT_STOP_TIMEOUT;

        private Builder(Path logDirectory) {
            this.logDirectory = Objects.requireNonNull(logDirectory, "logDirectory");
        }

        public Builder distributionZip(Path zip) {
            this.distributionZip = zip;
            return this;
        }

        public Builder heapSize(String size) {
            this.heapSize = size;
            return this;
        }

        public Builder setting(String key, String value) {
            extraSettings.put(key, value);
            return this;
        }

        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        public Builder stopTimeout(Duration timeout) {
            this.stopTimeout = timeout;
            return this;
        }

        public LocalOpenSearchSettings build() {
            return new LocalOpenSearchSettings(distributionZip, logDirectory, heapSize, extraSettings, startTimeout,
                    stopTimeout);
        }
    }
}
