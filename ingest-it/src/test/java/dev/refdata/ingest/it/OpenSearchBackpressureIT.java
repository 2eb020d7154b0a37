package dev.refdata.ingest.it;

import dev.refdata.ingest.adapter.opensearch.OpenSearchClientSettings;
import dev.refdata.ingest.adapter.opensearch.OpenSearchHttpClient;
import dev.refdata.ingest.adapter.opensearch.OpenSearchSinks;
import dev.refdata.ingest.adapter.opensearch.node.LocalOpenSearchNode;
import dev.refdata.ingest.adapter.opensearch.node.LocalOpenSearchSettings;
import dev.refdata.ingest.core.port.out.SearchSink.BulkBody;
import dev.refdata.ingest.core.port.out.SearchSink.BulkItemResult;
import dev.refdata.ingest.core.port.out.SearchSink.BulkResult;
import dev.refdata.ingest.core.port.out.SearchSink.SearchSinkException;
import dev.refdata.ingest.it.support.TestServices;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.refdata.ingest.it.NdjsonBulk.instrument;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real back-pressure: a second OpenSearch node with one write thread, a write queue of one and room for about two
 * bulks in its coordinating memory, driven by eight threads sending bulks at once until it sheds load both ways:
 * whole requests refused with HTTP 429 (indexing pressure), and single items refused with status 429 inside an
 * HTTP 200 (the write queue). The sink reports the first as a retryable {@code SearchSinkException} and the
 * second as items with status 429, which the loader retries.
 */
class OpenSearchBackpressureIT {

    private static final Logger LOG = LoggerFactory.getLogger(OpenSearchBackpressureIT.class);
    private static final int THREADS = 8;
    private static final int DOCUMENTS_PER_BULK = 200;
    private static final Duration DRIVE_AT_MOST = Duration.ofSeconds(20);
    private static final String INDEX_BODY = """
            {"settings":{"index":{"number_of_shards":4,"number_of_replicas":0,"refresh_interval":"-1"}}}""";

    @Test
    void aNodeThatShedsLoadAnswers429sThatAreReportedAsRetryable() throws Exception {
        LocalOpenSearchNode node = LocalOpenSearchNode.start(LocalOpenSearchSettings
                .builder(TestServices.servicesDirectory().resolve("opensearch-backpressure"))
                .setting("thread_pool.write.size", "1")
                .setting("thread_pool.write.queue_size", "1")
                // about two bulks of 200 documents in flight at once; a third is refused as a whole
                .setting("indexing_pressure.memory.limit", "150kb")
                .build());
        try (OpenSearchHttpClient client = OpenSearchSinks.create(OpenSearchClientSettings.builder(node.httpUrl())
                .maxConnections(THREADS).build())) {
            client.admin().createIndex("backpressure", INDEX_BODY);

            Observed observed = drive(client);

            LOG.info("Back-pressure after {} bulks: {} rejected as a whole (e.g. {}), item statuses {}, rejected item"
                            + " types {}", observed.bulks, observed.wholeRequestFailures.size(),
                    observed.wholeRequestFailures.stream().findFirst().map(Throwable::getMessage).orElse("none"),
                    observed.itemStatuses, observed.rejectedItemTypes);
            assertThat(observed.wholeRequestRejections() + observed.itemRejections())
                    .as("429s from a node with a write queue of one under %d concurrent bulks", THREADS)
                    .isPositive();
            assertThat(observed.wholeRequestFailures)
                    .as("every whole-request failure is a retryable rejection")
                    .allSatisfy(e -> {
                        assertThat(e.status()).isEqualTo(429);
                        assertThat(e.retryable()).isTrue();
                        assertThat(e.getMessage()).contains("rejected_execution_exception");
                    });
            assertThat(observed.itemStatuses.keySet())
                    .as("items either succeed or are rejected, nothing else")
                    .allMatch(status -> status == 201 || status == 429);
            assertThat(observed.rejectedItemTypes)
                    .allMatch(type -> type.equals("es_rejected_execution_exception")
                            || type.equals("rejected_execution_exception"));
        } finally {
            node.close();
        }
    }

    private static Observed drive(OpenSearchHttpClient client) throws Exception {
        Observed observed = new Observed();
        Instant deadline = Instant.now().plus(DRIVE_AT_MOST);
        AtomicInteger bulkNumber = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService executor = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> drivers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                drivers.add(executor.submit(() -> {
                    start.await();
                    while (Instant.now().isBefore(deadline) && !observed.sawEnough()) {
                        BulkBody body = bulk(bulkNumber.incrementAndGet());
                        try {
                            BulkResult result = client.sink().bulk("backpressure", body);
                            observed.record(result);
                        } catch (SearchSinkException e) {
                            observed.record(e);
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> driver : drivers) {
                driver.get(DRIVE_AT_MOST.toSeconds() + 30, TimeUnit.SECONDS);
            }
        } finally {
            executor.shutdownNow();
        }
        return observed;
    }

    private static BulkBody bulk(int number) {
        NdjsonBulk ndjson = new NdjsonBulk();
        for (int i = 0; i < DOCUMENTS_PER_BULK; i++) {
            String isin = String.format("XS%05d%05d", number % 100_000, i);
            ndjson.index(isin, instrument(isin, "Bond " + isin, "2030-01-15", "2025-01-02T00:00:00Z"));
        }
        return ndjson.body();
    }

    /** What the drivers saw; thread-safe. */
    private static final class Observed {
        final ConcurrentLinkedQueue<SearchSinkException> wholeRequestFailures = new ConcurrentLinkedQueue<>();
        final Map<Integer, Integer> itemStatuses = new TreeMap<>();
        final Set<String> rejectedItemTypes = new TreeSet<>();
        int bulks;

        synchronized void record(BulkResult result) {
            bulks++;
            for (BulkItemResult item : result.items()) {
                itemStatuses.merge(item.status(), 1, Integer::sum);
                if (item.status() == 429) {
                    rejectedItemTypes.add(item.errorType());
                }
            }
        }

        synchronized void record(SearchSinkException e) {
            bulks++;
            wholeRequestFailures.add(e);
        }

        synchronized long itemRejections() {
            return itemStatuses.getOrDefault(429, 0);
        }

        long wholeRequestRejections() {
            return wholeRequestFailures.stream().filter(e -> e.status() == 429).count();
        }

        /** Both kinds of rejection seen, and enough of them to have seen the node shed load for a while. */
        boolean sawEnough() {
            long items = itemRejections();
            long whole = wholeRequestRejections();
            return items > 0 && whole > 0 && items + whole >= 200;
        }
    }
}
