package dev.refdata.ingest.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refdata.ingest.adapter.opensearch.OpenSearchClientSettings;
import dev.refdata.ingest.adapter.opensearch.OpenSearchHttpClient;
import dev.refdata.ingest.adapter.opensearch.OpenSearchIndexAdmin;
import dev.refdata.ingest.adapter.opensearch.OpenSearchSinks;
import dev.refdata.ingest.core.domain.IndexMapping;
import dev.refdata.ingest.core.port.out.SearchSink.BulkItemResult;
import dev.refdata.ingest.core.port.out.SearchSink.BulkResult;
import dev.refdata.ingest.core.port.out.SearchSink.SearchSinkException;
import dev.refdata.ingest.core.spec.DatasetCatalog;
import dev.refdata.ingest.it.support.ServiceEndpoints;
import dev.refdata.ingest.it.support.TestServices;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.refdata.ingest.it.NdjsonBulk.JSON;
import static dev.refdata.ingest.it.NdjsonBulk.instrument;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The index admin against the real OpenSearch distribution: an alias swapped under a reader that never sees it
 * missing or pointing at both indices, listing indices by prefix, settings, counting by run id, reading documents
 * back with {@code _mget}, deleting.
 */
class OpenSearchIndexAdminIT {

    private static final String ORIGINAL_RUN = "run-original";
    private static final String REPLACEMENT_RUN = "run-replacement";

    private static ServiceEndpoints services;
    private static OpenSearchHttpClient client;
    private static OpenSearchIndexAdmin admin;
    private static IndexMapping instruments;
    private static final HttpClient JDK_HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void connect() {
        services = TestServices.endpoints();
        client = OpenSearchSinks.create(OpenSearchClientSettings.builder(services.openSearchUrl())
                .maxConnections(4).build());
        admin = client.admin();
        instruments = IndexMapping.of(DatasetCatalog.builtIn().get("instruments"));
    }

    @AfterAll
    static void close() {
        if (client != null) {
            client.close();
        }
    }

    @Test
    void aReaderOfTheAliasSeesTheOldDocumentsOrTheNewOnesThroughEverySwapNeverNoneOrBoth() throws Exception {
        String alias = "swap-" + shortId();
        String original = alias + "-20250101";
        String replacement = alias + "-20250102";
        Set<String> originalIds = createLoadedIndex(original, ORIGINAL_RUN, "XS1", 3);
        Set<String> replacementIds = createLoadedIndex(replacement, REPLACEMENT_RUN, "XS2", 5);
        admin.swapAlias(alias, original, Set.of());

        AliasReader reader = new AliasReader(alias, Map.of(originalIds, "original", replacementIds, "replacement"));
        CompletableFuture<Void> reading = CompletableFuture.runAsync(reader);
        try {
            reader.awaitReads("original", 20);
            admin.swapAlias(alias, replacement, admin.aliasTargets(alias));
            reader.awaitReads("replacement", 20);
            admin.swapAlias(alias, original, admin.aliasTargets(alias));
            reader.awaitReads("original", 20);
            admin.swapAlias(alias, replacement, admin.aliasTargets(alias));
            reader.awaitReads("replacement", 20);
        } finally {
            reader.stop();
            reading.get(30, TimeUnit.SECONDS);
        }

        assertThat(reader.anomalies()).as("reads that saw an error, no alias, or a mix").isEmpty();
        assertThat(reader.transitions()).containsExactly("original", "replacement", "original", "replacement");
        assertThat(reader.reads()).as("reads of the alias").isGreaterThanOrEqualTo(80);
        assertThat(admin.aliasTargets(alias)).containsExactly(replacement);
        admin.deleteIndex(original);
        admin.deleteIndex(replacement);
        assertThat(admin.indexExists(original)).isFalse();
        assertThat(admin.indexExists(replacement)).isFalse();
        assertThat(admin.aliasTargets(alias)).isEmpty();
    }

    @Test
    void anAliasCannotTakeTheNameOfAnIndexAndTheSwapSaysSo() {
        String alias = "taken-" + shortId();
        String index = alias + "-20250101";
        admin.createIndex(alias, instruments.createIndexBody(0, "-1"));
        admin.createIndex(index, instruments.createIndexBody(0, "-1"));

        SearchSinkException e = catchThrowableOfType(SearchSinkException.class,
                () -> admin.swapAlias(alias, index, Set.of()));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("swap alias '" + alias + "' to index '" + index + "'",
                "'" + alias + "' is an index, not an alias", "invalid_alias_name_exception");
        admin.deleteIndex(alias);
        admin.deleteIndex(index);
    }

    @Test
    void aSwapFromAnIndexThatNoLongerExistsChangesNothing() {
        String alias = "gone-" + shortId();
        String original = alias + "-20250101";
        String replacement = alias + "-20250102";
        admin.createIndex(original, instruments.createIndexBody(0, "-1"));
        admin.createIndex(replacement, instruments.createIndexBody(0, "-1"));
        admin.swapAlias(alias, original, Set.of());

        SearchSinkException e = catchThrowableOfType(SearchSinkException.class,
                () -> admin.swapAlias(alias, replacement, Set.of(original, alias + "-20241231")));

        assertThat(e.status()).isEqualTo(404);
        assertThat(e.getMessage()).contains("index_not_found_exception", alias + "-20241231");
        assertThat(admin.aliasTargets(alias)).containsExactly(original);
        admin.deleteIndex(original);
        admin.deleteIndex(replacement);
    }

    @Test
    void indicesAreListedByPrefixSortedOpenOrClosedWithoutAliases() throws Exception {
        String prefix = "list-" + shortId();
        List<String> created = List.of(prefix + "-20250102", prefix + "-20241231", prefix + "-20250101");
        for (String index : created) {
            admin.createIndex(index, instruments.createIndexBody(0, "-1"));
        }
        String unrelated = "other-" + prefix;
        admin.createIndex(unrelated, instruments.createIndexBody(0, "-1"));
        admin.swapAlias(prefix + "-live", unrelated, Set.of());
        HttpResponse<String> closed = send(HttpRequest.newBuilder(services.openSearch("/" + prefix + "-20241231/_close"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(closed.statusCode()).as(closed.body()).isEqualTo(200);

        assertThat(admin.indicesStartingWith(prefix + "-"))
                .containsExactly(prefix + "-20241231", prefix + "-20250101", prefix + "-20250102");
        assertThat(admin.indicesStartingWith(prefix + "-2025")).containsExactly(prefix + "-20250101",
                prefix + "-20250102");
        assertThat(admin.indicesStartingWith("nothing-" + prefix)).isEmpty();

        for (String index : created) {
            admin.deleteIndex(index);
        }
        admin.deleteIndex(unrelated);
        assertThat(admin.indicesStartingWith(prefix + "-")).isEmpty();
        assertThat(admin.indexExists(unrelated)).isFalse();
    }

    @Test
    void replicasAndRefreshIntervalAreChangedOnTheIndex() throws Exception {
        String index = "settings-" + shortId();
        admin.createIndex(index, instruments.createIndexBody(0, "-1"));
        assertThat(settings(index)).containsExactly("0", "-1");

        admin.updateSettings(index, 1, "1s");
        assertThat(settings(index)).containsExactly("1", "1s");

        admin.updateSettings(index, 0, "-1");
        assertThat(settings(index)).containsExactly("0", "-1");

        SearchSinkException refused = catchThrowableOfType(SearchSinkException.class,
                () -> admin.updateSettings(index, 0, "soon"));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.getMessage()).contains("index '" + index + "'", "illegal_argument_exception", "soon");
        admin.deleteIndex(index);
        SearchSinkException missing = catchThrowableOfType(SearchSinkException.class,
                () -> admin.updateSettings(index, 0, "1s"));
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.getMessage()).contains("index_not_found_exception");
    }

    @Test
    void documentsAreCountedByRunIdAndReadBackByIdThroughTheIndexOrItsAlias() {
        String alias = "docs-" + shortId();
        String index = alias + "-20250101";
        admin.createIndex(index, instruments.createIndexBody(0, "-1"));
        String oddId = "a/b?c#d %2F é \"q\" \\";
        ObjectNode odd = withRunId(instrument("XS0000000001", "Odd Id Bond", "2030-01-15", "2025-01-02T00:00:00Z"),
                ORIGINAL_RUN);
        ObjectNode apple = withRunId(instrument("US0378331005", "Apple Inc.", "2030-01-15", "2025-01-02T00:00:00Z"),
                ORIGINAL_RUN);
        ObjectNode sap = withRunId(instrument("DE0007164600", "SAP SE", "2031-06-30", "2025-01-02T00:00:00Z"),
                REPLACEMENT_RUN);
        BulkResult result = client.sink().bulk(index, new NdjsonBulk()
                .index(oddId, odd).index("US0378331005", apple).index("DE0007164600", sap).body());
        assertThat(result.items()).allMatch(BulkItemResult::succeeded);
        admin.refresh(index);
        admin.swapAlias(alias, index, Set.of());

        assertThat(admin.countWhere(index, "ingest.run_id", ORIGINAL_RUN)).isEqualTo(2);
        assertThat(admin.countWhere(alias, "ingest.run_id", REPLACEMENT_RUN)).isEqualTo(1);
        assertThat(admin.countWhere(index, "ingest.run_id", "run-never")).isZero();
        assertThat(admin.countWhere(index, "ingest.run_id", "\" OR *")).isZero();

        Map<String, String> sources = admin.sources(alias, List.of(oddId, "XS9999999999", "DE0007164600"));
        assertThat(sources.keySet()).containsExactly(oddId, "DE0007164600");
        assertThat(readTree(sources.get(oddId))).isEqualTo(odd);
        assertThat(readTree(sources.get("DE0007164600"))).isEqualTo(sap);

        List<String> many = IntStream.range(0, 2_345).mapToObj(i -> "XS" + i).collect(Collectors.toList());
        many.add(1_500, "US0378331005");
        assertThat(admin.sources(index, many)).containsOnlyKeys("US0378331005");

        admin.deleteIndex(index);
        SearchSinkException missing = catchThrowableOfType(SearchSinkException.class,
                () -> admin.sources(index, List.of("US0378331005")));
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.getMessage()).contains("index '" + index + "'", "index_not_found_exception");
        SearchSinkException notCounted = catchThrowableOfType(SearchSinkException.class,
                () -> admin.countWhere(index, "ingest.run_id", ORIGINAL_RUN));
        assertThat(notCounted.status()).isEqualTo(404);
    }

    /**
     * Queries the alias back to back until stopped, classifying each answer by the set of ids it returned;
     * anything else (an error status, a missing alias, a mix, nothing) is an anomaly.
     */
    private static final class AliasReader implements Runnable {

        private final String alias;
        private final Map<Set<String>, String> expectedSets;
        private final AtomicBoolean stopped = new AtomicBoolean();
        private final List<String> seen = Collections.synchronizedList(new ArrayList<>());
        private final List<String> anomalies = Collections.synchronizedList(new ArrayList<>());

        AliasReader(String alias, Map<Set<String>, String> expectedSets) {
            this.alias = alias;
            this.expectedSets = Map.copyOf(expectedSets);
        }

        @Override
        public void run() {
            HttpRequest search = HttpRequest.newBuilder(services.openSearch("/" + alias
                            + "/_search?size=100&_source=false&filter_path=hits.hits._id"))
                    .timeout(Duration.ofSeconds(10)).GET().build();
            while (!stopped.get() && anomalies.size() < 20) {
                try {
                    HttpResponse<String> response = JDK_HTTP.send(search, HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() != 200) {
                        anomalies.add("HTTP " + response.statusCode() + ": " + response.body());
                        continue;
                    }
                    Set<String> ids = new TreeSet<>();
                    readTree(response.body()).path("hits").path("hits").forEach(hit -> ids.add(hit.path("_id").asText()));
                    String set = expectedSets.get(ids);
                    if (set == null) {
                        anomalies.add("ids " + ids);
                    } else {
                        seen.add(set);
                    }
                } catch (IOException e) {
                    anomalies.add(e.toString());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    anomalies.add("interrupted");
                    return;
                }
            }
        }

        /** Waits until the last {@code count} reads all saw {@code set}. */
        void awaitReads(String set, int count) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                synchronized (seen) {
                    int n = seen.size();
                    if (n >= count && seen.subList(n - count, n).stream().allMatch(set::equals)) {
                        return;
                    }
                }
                if (anomalies.size() >= 20) {
                    break;
                }
                Thread.sleep(5);
            }
            throw new AssertionError("the reader did not see the " + set + " documents " + count + " times in a row;"
                    + " anomalies: " + anomalies);
        }

        void stop() {
            stopped.set(true);
        }

        int reads() {
            return seen.size();
        }

        List<String> anomalies() {
            return List.copyOf(anomalies);
        }

        /** The sets seen, with consecutive repeats collapsed. */
        List<String> transitions() {
            List<String> transitions = new ArrayList<>();
            synchronized (seen) {
                for (String set : seen) {
                    if (transitions.isEmpty() || !transitions.get(transitions.size() - 1).equals(set)) {
                        transitions.add(set);
                    }
                }
            }
            return transitions;
        }
    }

    /** Creates {@code index} with refresh off and {@code count} documents of {@code runId}; their ids. */
    private static Set<String> createLoadedIndex(String index, String runId, String isinPrefix, int count) {
        admin.createIndex(index, instruments.createIndexBody(0, "-1"));
        NdjsonBulk bulk = new NdjsonBulk();
        Set<String> ids = new TreeSet<>();
        for (int i = 0; i < count; i++) {
            String isin = String.format("%s%09d", isinPrefix, i);
            bulk.index(isin, withRunId(instrument(isin, "Bond " + isin, "2030-01-15", "2025-01-02T00:00:00Z"), runId));
            ids.add(isin);
        }
        assertThat(client.sink().bulk(index, bulk.body()).items()).allMatch(BulkItemResult::succeeded);
        admin.refresh(index);
        assertThat(admin.countWhere(index, "ingest.run_id", runId)).isEqualTo(count);
        return Set.copyOf(ids);
    }

    private static ObjectNode withRunId(ObjectNode document, String runId) {
        ((ObjectNode) document.get("ingest")).put("run_id", runId);
        return document;
    }

    /** {@code index.number_of_replicas} and {@code index.refresh_interval} as the node reports them. */
    private static List<String> settings(String index) throws IOException, InterruptedException {
        HttpResponse<String> response = send(HttpRequest.newBuilder(services.openSearch("/" + index
                + "/_settings?flat_settings=true")).GET());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode settings = readTree(response.body()).path(index).path("settings");
        return List.of(settings.path("index.number_of_replicas").asText(),
                settings.path("index.refresh_interval").asText());
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return JDK_HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
