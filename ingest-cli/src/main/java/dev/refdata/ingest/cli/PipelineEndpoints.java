package dev.refdata.ingest.cli;

import dev.refdata.ingest.adapter.config.ProcessClients;
import dev.refdata.ingest.adapter.config.RuntimeSettings;
import dev.refdata.ingest.adapter.local.LocalObjectStores;
import dev.refdata.ingest.adapter.local.LocalRunStores;
import dev.refdata.ingest.adapter.opensearch.OpenSearchHttpClient;
import dev.refdata.ingest.core.domain.RunSource;
import dev.refdata.ingest.core.port.out.ChunkLedger;
import dev.refdata.ingest.core.port.out.ObjectStore;
import dev.refdata.ingest.core.port.out.RunStore;
import dev.refdata.ingest.core.port.out.SearchSink;
import dev.refdata.ingest.core.spec.DatasetCatalog;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Where a CLI command's pipeline lives: the object store (sources and artifacts), the run store and chunk
 * ledger, and OpenSearch. Resolved once per command from the environment and the command's flags; every command
 * that touches the pipeline gets its ports here, so they all agree.
 *
 * <p>With nothing configured everything is embedded and needs nothing installed or started by hand:
 * <ul>
 *   <li>sources are local files (a path or {@code file:}), or {@code s3://bucket/key} through the AWS SDK's own
 *       settings ({@code AWS_REGION}, {@code AWS_ENDPOINT_URL}, profiles) or {@code INGEST_S3_ENDPOINT};</li>
 *   <li>artifacts (manifests, staging, rejects, reports) go to {@code ./.ingest/}, or to the S3 bucket
 *       {@code INGEST_ARTIFACTS_BUCKET} when that is set;</li>
 *   <li>runs and chunks are kept in the SQLite file {@code ./.ingest/runs.db}, or in the DynamoDB table
 *       {@code INGEST_RUN_TABLE} when that or {@code INGEST_DYNAMODB_ENDPOINT} is set;</li>
 *   <li>OpenSearch is {@code --opensearch-url} or {@code INGEST_OPENSEARCH_URL} (with {@code INGEST_OPENSEARCH_AUTH}
 *       for SigV4), else a local node this class starts from the distribution the build fetched, detached, and
 *       reuses while it runs ({@code ingest opensearch stop} stops it).</li>
 * </ul>
 * Clients are made on first use: {@code status} never starts OpenSearch. Close it when the command ends.
 */
public final class PipelineEndpoints implements AutoCloseable {

    /** The environment variable (or {@code --opensearch-url}) that points at a running OpenSearch. */
    public static final String OPENSEARCH_URL_ENV = "INGEST_OPENSEARCH_URL";
    /** The embedded node's heap (default {@value #DEFAULT_EMBEDDED_HEAP}). */
    public static final String EMBEDDED_HEAP_ENV = "INGEST_LOCAL_OPENSEARCH_HEAP";
    static final String DEFAULT_EMBEDDED_HEAP = "1g";
    /** The directory, under the working directory, of the embedded state. */
    public static final String STATE_DIRECTORY = ".ingest";

    private final RuntimeSettings settings;
    private final Path stateDirectory;
    private final ObjectStore objects;
    private final String artifactsBucket;
    private final RunStore runs;
    private final ChunkLedger ledger;
    private final Supplier<OpenSearchHttpClient> openSearchFactory;
    private final String openSearchDescription;
    private final String runStoreDescription;
    private OpenSearchHttpClient openSearch;
    private UnaryOperator<SearchSink> sinkDecorator = UnaryOperator.identity();

    /**
     * Endpoints made of ports handed in: for tests, and for hosts that wire the ports themselves.
     *
     * @param openSearch made on first use, and closed by {@link #close()}
     */
    public PipelineEndpoints(RuntimeSettings settings, Path stateDirectory, ObjectStore objects, String artifactsBucket,
                             RunStore runs, ChunkLedger ledger, Supplier<OpenSearchHttpClient> openSearch) {
        this(settings, stateDirectory, objects, artifactsBucket, runs, ledger, openSearch, "given", "given");
    }

    private PipelineEndpoints(RuntimeSettings settings, Path stateDirectory, ObjectStore objects, String artifactsBucket,
                              RunStore runs, ChunkLedger ledger, Supplier<OpenSearchHttpClient> openSearch,
                              String runStoreDescription, String openSearchDescription) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.stateDirectory = Objects.requireNonNull(stateDirectory, "stateDirectory");
        this.objects = Objects.requireNonNull(objects, "objects");
        this.artifactsBucket = Objects.requireNonNull(artifactsBucket, "artifactsBucket");
        this.runs = Objects.requireNonNull(runs, "runs");
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.openSearchFactory = Objects.requireNonNull(openSearch, "openSearch");
        this.runStoreDescription = runStoreDescription;
        this.openSearchDescription = openSearchDescription;
    }

    /**
     * Resolves the endpoints from the environment (read once, by the caller) and the command's flags.
     *
     * @param env              the process environment
     * @param workingDirectory where {@code .ingest/} lives
     * @param openSearchUrl    {@code --opensearch-url}, or null
     * @param notices          where to say that the embedded node is being started (stderr)
     * @throws IllegalArgumentException when a setting is malformed (the message names it)
     */
    public static PipelineEndpoints resolve(Map<String, String> env, Path workingDirectory, URI openSearchUrl,
                                            PrintWriter notices) {
        Path state = workingDirectory.toAbsolutePath().normalize().resolve(STATE_DIRECTORY);
        Optional<URI> configuredSearch = Optional.ofNullable(openSearchUrl)
                .or(() -> Optional.ofNullable(blankToNull(env.get(OPENSEARCH_URL_ENV))).map(URI::create));
        RuntimeSettings base = RuntimeSettings.from(env);
        ProcessClients aws = new ProcessClients(base);

        ObjectStore objects = new BucketRoutingObjectStore(LocalObjectStores.rootedAt(Path.of("/")), aws::objectStore);
        String artifacts = base.artifactsBucket() != null ? base.artifactsBucket() : state.toString();

        boolean dynamo = blankToNull(env.get("INGEST_RUN_TABLE")) != null
                || blankToNull(env.get("INGEST_DYNAMODB_ENDPOINT")) != null;
        RunStore runs;
        ChunkLedger ledger;
        String runStore;
        if (dynamo) {
            runs = aws.runStore();
            ledger = aws.chunkLedger();
            runStore = "DynamoDB table " + base.runTable() + base.dynamoDbEndpointOverride().map(u -> " at " + u).orElse("");
        } else {
            try {
                Files.createDirectories(state);
            } catch (IOException e) {
                throw new CommandFailedException("cannot create " + state + ": " + e.getMessage()
                        + "\nnext step: run the command from a writable directory", e);
            }
            Path database = state.resolve("runs.db");
            runs = LocalRunStores.runStore(database);
            ledger = LocalRunStores.chunkLedger(database);
            runStore = "SQLite " + database;
        }

        Supplier<OpenSearchHttpClient> search;
        String searchDescription;
        if (configuredSearch.isPresent()) {
            URI url = configuredSearch.get();
            RuntimeSettings pointed = withOpenSearch(base, url, base.openSearchAuth());
            search = () -> {
                requireReachable(url);
                return new ProcessClients(pointed).openSearch();
            };
            searchDescription = url + (openSearchUrl != null ? " (--opensearch-url)" : " (" + OPENSEARCH_URL_ENV + ")");
        } else {
            String heap = Optional.ofNullable(blankToNull(env.get(EMBEDDED_HEAP_ENV))).orElse(DEFAULT_EMBEDDED_HEAP);
            EmbeddedOpenSearch embedded = new EmbeddedOpenSearch(state, heap);
            search = () -> new ProcessClients(withOpenSearch(base, embedded.reuseOrStart(notices),
                    RuntimeSettings.OpenSearchAuth.NONE)).openSearch();
            searchDescription = "local node (" + state.resolve("opensearch") + ")";
        }
        return new PipelineEndpoints(base, state, objects, artifacts, runs, ledger, search, runStore, searchDescription);
    }

    /** The settings read from the environment (chunk size, bulk size and concurrency, time zone, datasets). */
    public RuntimeSettings settings() {
        return settings;
    }

    /** The CLI's state directory, {@code ./.ingest}. */
    public Path stateDirectory() {
        return stateDirectory;
    }

    /** Sources and artifacts: an absolute directory as a bucket is local, any other bucket is S3. */
    public ObjectStore objects() {
        return objects;
    }

    /** The bucket of manifests, staging, rejects and reports: {@code ./.ingest} itself unless configured. */
    public String artifactsBucket() {
        return artifactsBucket;
    }

    public RunStore runs() {
        return runs;
    }

    public ChunkLedger ledger() {
        return ledger;
    }

    /** The OpenSearch client, made (and the embedded node started or reused) on first call. */
    public synchronized OpenSearchHttpClient openSearch() {
        if (openSearch == null) {
            openSearch = openSearchFactory.get();
        }
        return openSearch;
    }

    /** The bulk sink the loaders write through: {@link #openSearch()}'s, unless a test decorated it. */
    public SearchSink sink() {
        UnaryOperator<SearchSink> decorator;
        synchronized (this) {
            decorator = sinkDecorator;
        }
        return decorator.apply(openSearch().sink());
    }

    /** For tests: every sink handed out is wrapped by {@code decorator} (to inject a failure). */
    synchronized PipelineEndpoints decorateSink(UnaryOperator<SearchSink> decorator) {
        this.sinkDecorator = Objects.requireNonNull(decorator, "decorator");
        return this;
    }

    /** The dataset catalog: the built-in specs plus {@code --datasets-dir} or {@code INGEST_DATASETS_DIR}. */
    public DatasetCatalog datasets(Path datasetsDirectory) {
        Path directory = datasetsDirectory != null ? datasetsDirectory : settings.datasetsDirectory().orElse(null);
        if (directory != null && !Files.isDirectory(directory)) {
            throw new CommandFailedException("the datasets directory " + directory + " does not exist"
                    + "\nnext step: pass --datasets-dir with a directory of dataset spec files (JSON or YAML)");
        }
        return directory == null ? DatasetCatalog.builtIn() : DatasetCatalog.withDirectory(directory);
    }

    /**
     * A source as given on the command line: {@code s3://bucket/key} (a key ending in {@code /} is a prefix), or a
     * local file or directory as a path or {@code file:} URL, which must exist.
     */
    public RunSource source(String location) {
        if (location.startsWith("s3://")) {
            URI uri = URI.create(location);
            String key = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("an S3 source is s3://bucket/key or s3://bucket/prefix/, got '"
                        + location + "'");
            }
            return key.isEmpty() || key.endsWith("/") ? RunSource.prefix(uri.getHost(), key)
                    : RunSource.object(uri.getHost(), key);
        }
        Path path = Path.of(location.startsWith("file:") ? URI.create(location).getPath() : location)
                .toAbsolutePath().normalize();
        if (Files.isDirectory(path)) {
            return RunSource.prefix(path.toString(), "");
        }
        if (!Files.isRegularFile(path)) {
            throw new CommandFailedException("the source " + location + " does not exist (" + path + ")"
                    + "\nnext step: check the path, or make a sample with: ingest sample --records 10000 --out "
                    + location);
        }
        Path directory = path.getParent();
        return RunSource.object(directory.toString(), path.getFileName().toString());
    }

    /** Where runs and chunks are kept, e.g. {@code SQLite /home/me/.ingest/runs.db}. */
    public String runStoreDescription() {
        return runStoreDescription;
    }

    /** One line per endpoint, for the command's output. */
    public List<String> describe() {
        return List.of("artifacts: " + (BucketRoutingObjectStore.isLocalDirectory(artifactsBucket) ? artifactsBucket
                        : "s3://" + artifactsBucket),
                "runs: " + runStoreDescription,
                "OpenSearch: " + openSearchDescription);
    }

    @Override
    public synchronized void close() {
        if (openSearch != null) {
            openSearch.close();
            openSearch = null;
        }
    }

    private static RuntimeSettings withOpenSearch(RuntimeSettings s, URI url, RuntimeSettings.OpenSearchAuth auth) {
        return s.withOpenSearch(url, auth);
    }

    /** Fails with a next step when nothing answers at {@code url}; any HTTP answer (even 401/403) is reachable. */
    static void requireReachable(URI url) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try {
            http.send(HttpRequest.newBuilder(url.resolve("/")).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            String why = e instanceof ConnectException ? "connection refused" : e.toString();
            throw new CommandFailedException("OpenSearch at " + url + " is not reachable (" + why + ")"
                    + "\nnext step: start it, fix --opensearch-url / " + OPENSEARCH_URL_ENV
                    + ", or unset both to use the embedded local node", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailedException("interrupted while checking OpenSearch at " + url, e);
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
