package dev.refdata.ingest.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.refdata.ingest.adapter.opensearch.ConnectionPoolStats;
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
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.refdata.ingest.it.NdjsonBulk.JSON;
import static dev.refdata.ingest.it.NdjsonBulk.instrument;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The OpenSearch sink and index admin against the real OpenSearch distribution: every item's own outcome, gzip,
 * connection reuse, and what happens to a bulk for an index nobody created.
 */
class OpenSearchSinkIT {

    private static final String APPLE = "US0378331005";
    private static final String MICROSOFT = "US5949181045";
    private static final String SAP = "DE0007164600";
    private static final String BAE = "GB0002634946";
    private static final String TOTAL = "FR0000120271";

    private static ServiceEndpoints services;
    private static OpenSearchHttpClient client;
    private static OpenSearchHttpClient gzipClient;
    private static OpenSearchIndexAdmin admin;
    private static IndexMapping instruments;

    @BeforeAll
    static void connect() {
        services = TestServices.endpoints();
        OpenSearchClientSettings settings = OpenSearchClientSettings.builder(services.openSearchUrl())
                .maxConnections(4)
                .build();
        client = OpenSearchSinks.create(settings);
        gzipClient = OpenSearchSinks.create(settings.withGzip(true));
        admin = client.admin();
        instruments = IndexMapping.of(DatasetCatalog.builtIn().get("instruments"));
    }

    @AfterAll
    static void close() {
        if (client != null) {
            client.close();
        }
        if (gzipClient != null) {
            gzipClient.close();
        }
    }

    @Test
    void aBulkReportsEachItemsOwnOutcomeInOrder() {
        String index = createInstrumentsIndex("sink-items");

        BulkResult result = client.sink().bulk(index, mixedBulk().body());

        assertThat(result.items()).extracting(BulkItemResult::status)
                .containsExactly(201, 201, 400, 404, 409, 400);
        List<BulkItemResult> items = result.items();
        assertThat(items.get(0).errorType()).isNull();
        assertThat(items.get(2).errorType()).isEqualTo("mapper_parsing_exception");
        assertThat(items.get(2).reason()).contains("maturity", "15/01/2030");
        assertThat(items.get(3).errorType()).as("a delete of a missing id is not an error").isNull();
        assertThat(items.get(4).errorType()).isEqualTo("version_conflict_engine_exception");
        assertThat(items.get(4).reason()).contains("version conflict");
        assertThat(items.get(5).errorType()).isEqualTo("strict_dynamic_mapping_exception");
        assertThat(items.get(5).reason()).contains("rating");
        assertThat(result.tookMillis()).isNotNegative();

        admin.refresh(index);
        assertThat(admin.count(index)).isEqualTo(2);
        JsonNode apple = readTree(admin.source(index, APPLE).orElseThrow());
        assertThat(apple.get("name").asText()).as("the older version lost").isEqualTo("Apple Inc.");
        assertThat(admin.source(index, SAP)).isEmpty();
    }

    @Test
    void aDateWithAnOutOfRangeMonthOrDayIsRolledOverNotRejected() {
        // OpenSearch 2.19's strict_date checks the shape yyyy-MM-dd, not the calendar: 2026-13-45 is indexed as
        // 2027-02-14. Only the pipeline's own conversion can refuse such a value.
        String index = createInstrumentsIndex("sink-dates");

        BulkResult result = client.sink().bulk(index, new NdjsonBulk()
                .index(SAP, 1, instrument(SAP, "SAP SE", "2026-13-45", "2025-01-02T00:00:00Z"))
                .index(BAE, 1, instrument(BAE, "BAE Systems", "2026-02-30", "2025-01-02T00:00:00Z"))
                .body());

        assertThat(result.items()).extracting(BulkItemResult::status).containsExactly(201, 201);
        admin.refresh(index);
        assertThat(storedMaturity(index, SAP)).isEqualTo("2027-02-14");
        assertThat(storedMaturity(index, BAE)).isEqualTo("2026-03-02");
    }

    @Test
    void gzipGivesTheSameOutcomes() {
        String plainIndex = createInstrumentsIndex("sink-plain");
        String gzipIndex = createInstrumentsIndex("sink-gzip");

        BulkResult plain = client.sink().bulk(plainIndex, mixedBulk().body());
        BulkResult gzipped = gzipClient.sink().bulk(gzipIndex, mixedBulk().body());

        assertThat(gzipped.items()).extracting(BulkItemResult::status, BulkItemResult::errorType)
                .isEqualTo(plain.items().stream().map(i -> org.assertj.core.groups.Tuple.tuple(i.status(), i.errorType()))
                        .toList());
        admin.refresh(gzipIndex);
        assertThat(admin.count(gzipIndex)).isEqualTo(2);
        assertThat(admin.source(gzipIndex, APPLE).map(OpenSearchSinkIT::readTree))
                .isEqualTo(admin.source(plainIndex, APPLE).map(OpenSearchSinkIT::readTree));
    }

    @Test
    void manyBulksFromManyThreadsShareAFewPooledConnections() throws Exception {
        String index = createInstrumentsIndex("sink-pool");
        int threads = 4;
        int bulksPerThread = 25;
        long openedBefore = serverConnectionsOpened();
        try (OpenSearchHttpClient pooled = OpenSearchSinks.create(OpenSearchClientSettings
                .builder(services.openSearchUrl()).maxConnections(threads).build())) {
            ExecutorService executor = Executors.newFixedThreadPool(threads);
            try {
                List<Future<BulkResult>> results = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    for (int b = 0; b < bulksPerThread; b++) {
                        int bulk = b;
                        results.add(executor.submit(() -> pooled.sink().bulk(index, tenDocuments(thread, bulk).body())));
                    }
                }
                for (Future<BulkResult> result : results) {
                    assertThat(result.get().items()).hasSize(10).allMatch(BulkItemResult::succeeded);
                }
            } finally {
                executor.shutdownNow();
            }

            ConnectionPoolStats stats = pooled.poolStats();
            assertThat(stats.opened()).as("connections opened for %d bulks: %s", threads * bulksPerThread, stats)
                    .isBetween(1L, (long) threads);
            assertThat(stats.leased()).isZero();
            assertThat(stats.pending()).isZero();
            assertThat(stats.available()).isBetween(1, threads);
            assertThat(stats.max()).isEqualTo(threads);
        }
        // the node saw as few new connections: at most the pool's, plus the one this test reads the stats with
        assertThat(serverConnectionsOpened() - openedBefore).isLessThanOrEqualTo(threads + 1);
        admin.refresh(index);
        assertThat(admin.count(index)).isEqualTo(threads * bulksPerThread * 10L);
    }

    @Test
    void aBulkToAnIndexNobodyCreatedCreatesItWithGuessedMappings() throws Exception {
        // action.auto_create_index is on by default: the bulk succeeds into an index whose mapping OpenSearch
        // guessed from the first documents, not IndexMapping's. The run must create its index before loading.
        String index = "sink-missing-" + shortId();
        assertThat(admin.indexExists(index)).isFalse();

        BulkResult result = client.sink().bulk(index, new NdjsonBulk()
                .index(APPLE, 1000, instrument(APPLE, "Apple Inc.", "2030-01-15", "2025-01-02T03:04:05Z")).body());

        assertThat(result.items()).extracting(BulkItemResult::status).containsExactly(201);
        assertThat(admin.indexExists(index)).isTrue();
        JsonNode isin = readTree(get("/" + index + "/_mapping").body())
                .path(index).path("mappings").path("properties").path("isin");
        assertThat(isin.path("type").asText()).as("a guessed mapping: %s", isin).isEqualTo("text");
        assertThat(admin.deleteIndex(index)).isTrue();
    }

    @Test
    void aMalformedBulkFailsAsAWholeWithTheServersReasonAndIsNotRetryable() {
        String index = createInstrumentsIndex("sink-malformed");

        SearchSinkException e = catchThrowableOfType(SearchSinkException.class,
                () -> client.sink().bulk(index, new NdjsonBulk().raw("{\"upsert\":{\"_id\":\"1\"}}", 1)
                        .raw("{\"isin\":\"US0378331005\"}", 0).body()));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("HTTP 400", "illegal_argument_exception", "Malformed action/metadata line [1]");
    }

    @Test
    void theAdminCreatesChecksAliasesCountsAndDeletesIndices() {
        String index = createInstrumentsIndex("admin");
        String alias = "instruments-alias-" + shortId();

        assertThat(admin.indexExists(index)).isTrue();
        SearchSinkException exists = catchThrowableOfType(SearchSinkException.class,
                () -> admin.createIndex(index, instruments.createIndexBody(0, "1s")));
        assertThat(exists.status()).isEqualTo(400);
        assertThat(exists.retryable()).isFalse();
        assertThat(exists.getMessage()).contains("resource_already_exists_exception");

        assertThat(admin.aliasTargets(alias)).isEmpty();
        admin.putAlias(index, alias);
        assertThat(admin.aliasTargets(alias)).containsExactly(index);

        client.sink().bulk(alias, new NdjsonBulk()
                .index(TOTAL, 1, instrument(TOTAL, "TotalEnergies SE", "2031-06-30", "2025-01-02T00:00:00Z")).body());
        admin.refresh(alias);
        assertThat(admin.count(alias)).isEqualTo(1);
        assertThat(admin.count(index)).isEqualTo(1);
        assertThat(admin.source(index, "XS0000000000")).isEmpty();

        assertThat(admin.deleteIndex(index)).isTrue();
        assertThat(admin.indexExists(index)).isFalse();
        assertThat(admin.deleteIndex(index)).isFalse();
        assertThat(admin.aliasTargets(alias)).isEmpty();
        SearchSinkException missing = catchThrowableOfType(SearchSinkException.class, () -> admin.source(index, TOTAL));
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.retryable()).isFalse();
        assertThat(missing.getMessage()).contains("index_not_found_exception");
    }

    /**
     * Two new documents, an unparseable date, a delete of an id that was never indexed, an older external
     * version of the first document, and a field the strict mapping does not know.
     */
    private static NdjsonBulk mixedBulk() {
        return new NdjsonBulk()
                .index(APPLE, 2000, instrument(APPLE, "Apple Inc.", "2030-01-15", "2025-01-02T00:00:00Z"))
                .index(MICROSOFT, 2000, instrument(MICROSOFT, "Microsoft Corp.", "2031-02-28", "2025-01-02T00:00:00Z"))
                .index(SAP, 2000, instrument(SAP, "SAP SE", "15/01/2030", "2025-01-02T00:00:00Z"))
                .delete(BAE, 2000)
                .index(APPLE, 1000, instrument(APPLE, "Apple (stale)", "2030-01-15", "2025-01-01T00:00:00Z"))
                .index(TOTAL, 2000, instrument(TOTAL, "TotalEnergies SE", "2031-06-30", "2025-01-02T00:00:00Z")
                        .put("rating", "AA"));
    }

    private static NdjsonBulk tenDocuments(int thread, int bulk) {
        NdjsonBulk ndjson = new NdjsonBulk();
        for (int i = 0; i < 10; i++) {
            String isin = String.format("XS%02d%03d%05d", thread, bulk, i);
            ndjson.index(isin, 1, instrument(isin, "Bond " + isin, "2030-01-15", "2025-01-02T00:00:00Z"));
        }
        return ndjson;
    }

    private static String createInstrumentsIndex(String prefix) {
        String index = "instruments-" + prefix + "-" + shortId();
        admin.createIndex(index, instruments.createIndexBody(0, "1s"));
        return index;
    }

    /** The maturity as OpenSearch indexed it (its doc value), not as it was sent. */
    private static String storedMaturity(String index, String id) {
        try {
            JsonNode hit = readTree(get("/" + index + "/_search?q=_id:" + id + "&docvalue_fields=maturity").body())
                    .path("hits").path("hits").path(0);
            return hit.path("fields").path("maturity").path(0).asText();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static long serverConnectionsOpened() throws IOException, InterruptedException {
        JsonNode nodes = readTree(get("/_nodes/stats/http").body()).path("nodes");
        long opened = 0;
        for (JsonNode node : nodes) {
            opened += node.path("http").path("total_opened").asLong();
        }
        return opened;
    }

    private static final HttpClient JDK_HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return JDK_HTTP.send(HttpRequest.newBuilder(services.openSearch(path)).timeout(Duration.ofSeconds(30)).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
