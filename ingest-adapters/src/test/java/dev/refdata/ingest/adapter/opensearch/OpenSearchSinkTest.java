package dev.refdata.ingest.adapter.opensearch;

import dev.refdata.ingest.adapter.opensearch.FakeHttpPeer.Received;
import dev.refdata.ingest.adapter.opensearch.MisbehavingPeer.Behaviour;
import dev.refdata.ingest.core.port.out.SearchSink;
import dev.refdata.ingest.core.port.out.SearchSink.BulkBody;
import dev.refdata.ingest.core.port.out.SearchSink.BulkItemResult;
import dev.refdata.ingest.core.port.out.SearchSink.BulkResult;
import dev.refdata.ingest.core.port.out.SearchSink.SearchSinkException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The sink against a fake network peer: what goes over the wire, and how each kind of failure is reported. */
class OpenSearchSinkTest {

    private static final String NDJSON = """
            {"index":{"_id":"US0378331005"}}
            {"isin":"US0378331005","name":"Apple Inc."}
            {"delete":{"_id":"DE0007164600"}}
            """;
    private static final String TWO_ITEMS_OK = """
            {"took":7,"errors":true,"items":[
              {"index":{"_index":"instruments","_id":"US0378331005","status":201,"result":"created"}},
              {"delete":{"_index":"instruments","_id":"DE0007164600","status":404,"result":"not_found"}}]}
            """;

    @Test
    void theBodyGoesToTheIndexsBulkEndpointAsNdjsonWithoutTheBytesBeyondItsLength() {
        try (FakeHttpPeer peer = FakeHttpPeer.answering(200, TWO_ITEMS_OK);
             OpenSearchHttpClient client = OpenSearchSinks.create(settings(peer.url()).build())) {

            BulkResult result = client.sink().bulk("instruments-20250101", paddedBody(NDJSON, 2));

            Received request = peer.last();
            assertThat(request.method()).isEqualTo("POST");
            assertThat(request.path()).isEqualTo("/instruments-20250101/_bulk");
            assertThat(request.query()).isEqualTo("filter_path=took,errors,items.*.status,items.*.error,error,status");
            assertThat(request.header("Content-Type")).isEqualTo("application/x-ndjson");
            assertThat(request.header("Content-Encoding")).isNull();
            assertThat(request.bodyText()).isEqualTo(NDJSON);
            assertThat(result.tookMillis()).isEqualTo(7);
            assertThat(result.items()).containsExactly(new BulkItemResult(201, null, null),
                    new BulkItemResult(404, null, null));
        }
    }

    @Test
    void withGzipTheSameBodyGoesCompressedAndSaysSo() throws IOException {
        try (FakeHttpPeer peer = FakeHttpPeer.answering(200, TWO_ITEMS_OK);
             OpenSearchHttpClient client = OpenSearchSinks.create(settings(peer.url()).gzip(true).build())) {

            BulkResult result = client.sink().bulk("instruments", paddedBody(NDJSON, 2));

            Received request = peer.last();
            assertThat(request.header("Content-Encoding")).isEqualTo("gzip");
            assertThat(request.header("Content-Type")).isEqualTo("application/x-ndjson");
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(request.body()))) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(NDJSON);
            }
            assertThat(result.items()).hasSize(2);
        }
    }

    @Test
    void aRejectedBulkIsRetryableAndDoesNotCostItsConnection() {
        String rejected = """
                {"error":{"root_cause":[{"type":"es_rejected_execution_exception","reason":"rejected execution of \
                coordinating operation"}],"type":"es_rejected_execution_exception","reason":"rejected execution of \
                coordinating operation"},"status":429}""";
        try (FakeHttpPeer peer = FakeHttpPeer.answering(429, rejected);
             OpenSearchHttpClient client = OpenSearchSinks.create(settings(peer.url()).build())) {

            for (int attempt = 0; attempt < 3; attempt++) {
                SearchSinkException e = catchThrowableOfType(SearchSinkException.class,
                        () -> client.sink().bulk("instruments", paddedBody(NDJSON, 2)));

                assertThat(e.status()).isEqualTo(429);
                assertThat(e.retryable()).isTrue();
                assertThat(e.getMessage())
                        .contains("bulk of 2 items to index 'instruments' at " + peer.url())
                        .contains("HTTP 429 es_rejected_execution_exception: rejected execution of coordinating operation");
            }
            assertThat(peer.connectionsUsed()).isEqualTo(1);
            assertThat(client.poolStats().opened()).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "HTTP {0} -> retryable {1}")
    @CsvSource({
            "502, true,  ''",
            "503, true,  '{\"error\":{\"type\":\"cluster_block_exception\",\"reason\":\"blocked by: [SERVICE_UNAVAILABLE/1/state not recovered / initialized];\"},\"status\":503}'",
            "504, true,  '<html><body><h1>504 Gateway Time-out</h1></body></html>'",
            "400, false, '{\"error\":{\"type\":\"illegal_argument_exception\",\"reason\":\"Malformed action/metadata line [1]\"},\"status\":400}'",
            "401, false, '{\"error\":{\"type\":\"security_exception\",\"reason\":\"missing authentication credentials\"},\"status\":401}'",
            "403, false, '{\"message\":\"The security token included in the request is invalid.\"}'",
            "404, false, '{\"error\":{\"type\":\"index_not_found_exception\",\"reason\":\"no such index [instruments]\"},\"status\":404}'",
            "413, false, '{\"Message\":\"Request size exceeded 10485760 bytes\"}'",
            "500, false, '{\"error\":{\"type\":\"null_pointer_exception\",\"reason\":null},\"status\":500}'",
    })
    void aWholeRequestFailureIsClassifiedByItsStatusAndCarriesTheServersWords(int status, boolean retryable,
                                                                              String body) {
        try (FakeHttpPeer peer = FakeHttpPeer.answering(status, body);
             OpenSearchHttpClient client = OpenSearchSinks.create(settings(peer.url()).build())) {

            SearchSinkException e = catchThrowableOfType(SearchSinkException.class,
                    () -> client.sink().bulk("instruments", paddedBody(NDJSON, 2)));

            assertThat(e.status()).isEqualTo(status);
            assertThat(e.retryable()).isEqualTo(retryable);
            assertThat(e.getMessage()).contains("HTTP " + status);
            ServerError expected = ServerError.parse(body.getBytes(StandardCharsets.UTF_8));
            if (expected.type() != null) {
                assertThat(e.getMessage()).contains(expected.type());
            }
            if (expected.reason() != null) {
                assertThat(e.getMessage()).contains(expected.reason());
            }
        }
    }

    @Test
    void aResponseWithADifferentNumberOfItemsThanWereSentIsNotTrusted() {
        try (FakeHttpPeer peer = FakeHttpPeer.answering(200, TWO_ITEMS_OK);
             OpenSearchHttpClient client = OpenSearchSinks.create(settings(peer.url()).build())) {

            SearchSinkException e = catchThrowableOfType(SearchSinkException.class,
                    () -> client.sink().bulk("instruments", paddedBody(NDJSON + NDJSON, 4)));

            assertThat(e.retryable()).isFalse();
            assertThat(e.getMessage()).contains("2 item results for 4 items sent");
        }
    }

    @Test
    void aSuccessStatusWithABodyThatIsNotABulkResponseIsNotRetryable() {
        try (FakeHttpPeer peer = FakeHttpPeer.answering(200, "<html>maintenance</html>");
             OpenSearchHttpClient client = OpenSearchSinks.create(settings(peer.url()).build())) {

            SearchSinkException e = catchThrowableOfType(SearchSinkException.class,
                    () -> client.sink().bulk("instruments", paddedBody(NDJSON, 2)));

            assertThat(e.status()).isEqualTo(200);
            assertThat(e.retryable()).isFalse();
            assertThat(e.getMessage()).contains("unreadable response");
        }
    }

    @Test
    void aPeerThatClosesTheConnectionWithoutAnsweringIsARetryableTransportFailure() {
        try (MisbehavingPeer peer = MisbehavingPeer.start(Behaviour.CLOSE_WITHOUT_ANSWER);
             OpenSearchHttpClient client = OpenSearchSinks.create(settings(peer.url()).build())) {

            SearchSinkException e = catchThrowableOfType(SearchSinkException.class,
                    () -> client.sink().bulk("instruments", paddedBody(NDJSON, 2)));

            assertThat(e.status()).isZero();
            assertThat(e.retryable()).isTrue();
            assertThat(e.getMessage()).contains("failed without a response");
        }
    }

    @Test
    void aPeerThatNeverAnswersTimesOutRetryably() {
        try (MisbehavingPeer peer = MisbehavingPeer.start(Behaviour.NEVER_ANSWER);
             OpenSearchHttpClient client = OpenSearchSinks.create(settings(peer.url())
                     .responseTimeout(Duration.ofMillis(300)).build())) {
            long start = System.nanoTime();

            SearchSinkException e = catchThrowableOfType(SearchSinkException.class,
                    () -> client.sink().bulk("instruments", paddedBody(NDJSON, 2)));

            assertThat(e.status()).isZero();
            assertThat(e.retryable()).isTrue();
            assertThat(e.getCause()).isInstanceOf(java.net.SocketTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void aRefusedConnectionIsRetryable() throws IOException {
        URI nobodyListens;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nobodyListens = URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
        try (OpenSearchHttpClient client = OpenSearchSinks.create(settings(nobodyListens).build())) {

            SearchSinkException e = catchThrowableOfType(SearchSinkException.class,
                    () -> client.sink().bulk("instruments", paddedBody(NDJSON, 2)));

            assertThat(e.status()).isZero();
            assertThat(e.retryable()).isTrue();
            assertThat(e.getMessage()).containsIgnoringCase("refused");
        }
    }

    @Test
    void connectionsAreReusedWhileTheyAreYoungerThanTheIdleLimit() {
        try (FakeHttpPeer peer = FakeHttpPeer.answering(200, TWO_ITEMS_OK);
             OpenSearchHttpClient client = OpenSearchSinks.create(settings(peer.url()).build())) {

            for (int i = 0; i < 20; i++) {
                client.sink().bulk("instruments", paddedBody(NDJSON, 2));
            }

            assertThat(peer.connectionsUsed()).isEqualTo(1);
            assertThat(client.poolStats()).isEqualTo(new ConnectionPoolStats(0, 1, 0, 4, 1));
        }
    }

    @Test
    void aConnectionIdleForLongerThanTheLimitIsClosedWhenLeasedNotReused() throws InterruptedException {
        // No background evictor: only the check made when a request takes a connection from the pool can
        // keep the idle connection from being reused, as in a Lambda container that was frozen.
        try (FakeHttpPeer peer = FakeHttpPeer.answering(200, TWO_ITEMS_OK);
             OpenSearchHttpClient client = OpenSearchSinks.create(settings(peer.url())
                     .maxIdleTime(Duration.ofMillis(200)).backgroundEviction(false).build())) {

            client.sink().bulk("instruments", paddedBody(NDJSON, 2));
            assertThat(client.poolStats().available()).isEqualTo(1);
            Thread.sleep(400);
            client.sink().bulk("instruments", paddedBody(NDJSON, 2));

            assertThat(peer.connectionsUsed()).isEqualTo(2);
            assertThat(client.poolStats().opened()).isEqualTo(2);
            assertThat(client.poolStats().available()).isEqualTo(1);
        }
    }

    @Test
    void withBackgroundEvictionAnIdleConnectionIsClosedEvenWhenNoRequestComes() throws InterruptedException {
        try (FakeHttpPeer peer = FakeHttpPeer.answering(200, TWO_ITEMS_OK);
             OpenSearchHttpClient client = OpenSearchSinks.create(settings(peer.url())
                     .maxIdleTime(Duration.ofMillis(200)).backgroundEviction(true).build())) {

            client.sink().bulk("instruments", paddedBody(NDJSON, 2));
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (client.poolStats().available() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }

            assertThat(client.poolStats().available()).isZero();
            assertThat(client.poolStats().opened()).isEqualTo(1);
        }
    }

    @Test
    void requestsAreSpreadRoundRobinOverTheUrls() {
        try (FakeHttpPeer first = FakeHttpPeer.answering(200, TWO_ITEMS_OK);
             FakeHttpPeer second = FakeHttpPeer.answering(200, TWO_ITEMS_OK);
             OpenSearchHttpClient client = OpenSearchSinks.create(
                     OpenSearchClientSettings.builder(List.of(first.url(), second.url())).build())) {

            for (int i = 0; i < 4; i++) {
                client.sink().bulk("instruments", paddedBody(NDJSON, 2));
            }

            assertThat(first.received()).hasSize(2);
            assertThat(second.received()).hasSize(2);
        }
    }

    @Test
    void basicCredentialsAreSentWithTheFirstRequestAndNeverAppearInAFailure() {
        String unauthorized = "{\"error\":{\"type\":\"security_exception\",\"reason\":\"unable to authenticate user [loader]\"},\"status\":401}";
        try (FakeHttpPeer peer = FakeHttpPeer.answering(401, unauthorized);
             OpenSearchHttpClient client = OpenSearchSinks.create(settings(peer.url())
                     .basicAuth("loader", "pa55word").build())) {

            SearchSinkException e = catchThrowableOfType(SearchSinkException.class,
                    () -> client.sink().bulk("instruments", paddedBody(NDJSON, 2)));

            String encoded = Base64.getEncoder().encodeToString("loader:pa55word".getBytes(StandardCharsets.UTF_8));
            assertThat(peer.received()).hasSize(1);
            assertThat(peer.last().header("Authorization")).isEqualTo("Basic " + encoded);
            assertThat(e.retryable()).isFalse();
            assertThat(e.getMessage()).contains("security_exception").doesNotContain("pa55word").doesNotContain(encoded);
            assertThat(client.toString()).doesNotContain("pa55word");
        }
    }

    @Test
    void anEmptyBodyIsAnsweredWithoutARequest() {
        try (FakeHttpPeer peer = FakeHttpPeer.answering(200, TWO_ITEMS_OK);
             OpenSearchHttpClient client = OpenSearchSinks.create(settings(peer.url()).build())) {

            BulkResult result = client.sink().bulk("instruments", new BulkBody(new byte[0], 0, 0));

            assertThat(result.items()).isEmpty();
            assertThat(peer.received()).isEmpty();
        }
    }

    @Test
    void anIndexNameThatWouldChangeThePathIsRefusedBeforeSending() {
        try (FakeHttpPeer peer = FakeHttpPeer.answering(200, TWO_ITEMS_OK);
             OpenSearchHttpClient client = OpenSearchSinks.create(settings(peer.url()).build())) {
            SearchSink sink = client.sink();

            assertThatThrownBy(() -> sink.bulk("instruments/_doc", paddedBody(NDJSON, 2)))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> sink.bulk("..", paddedBody(NDJSON, 2)))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> sink.bulk(" ", paddedBody(NDJSON, 2)))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(peer.received()).isEmpty();
        }
    }

    private static OpenSearchClientSettings.Builder settings(URI url) {
        return OpenSearchClientSettings.builder(url).maxConnections(4).responseTimeout(Duration.ofSeconds(10));
    }

    /** The NDJSON in a larger array whose extra bytes must never be sent. */
    private static BulkBody paddedBody(String ndjson, int items) {
        byte[] text = ndjson.getBytes(StandardCharsets.UTF_8);
        byte[] padded = Arrays.copyOf(text, text.length + 32);
        Arrays.fill(padded, text.length, padded.length, (byte) '#');
        return new BulkBody(padded, text.length, items);
    }
}
