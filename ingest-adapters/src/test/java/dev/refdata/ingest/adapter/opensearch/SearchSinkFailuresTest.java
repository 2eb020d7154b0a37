package dev.refdata.ingest.adapter.opensearch;

import dev.refdata.ingest.core.port.out.SearchSink.SearchSinkException;
import org.apache.hc.client5.http.ClientProtocolException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.HttpHostConnectException;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.ConnectionRequestTimeoutException;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;

import static org.assertj.core.api.Assertions.assertThat;

class SearchSinkFailuresTest {

    @ParameterizedTest
    @ValueSource(ints = {429, 502, 503, 504})
    void overloadAndGatewayStatusesAreRetryable(int status) {
        SearchSinkException e = SearchSinkFailures.forStatus("bulk", status, ServerError.NONE);

        assertThat(e.status()).isEqualTo(status);
        assertThat(e.retryable()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403, 404, 405, 409, 413, 500, 501})
    void statusesWhereTheSameRequestFailsTheSameWayAreNotRetryable(int status) {
        SearchSinkException e = SearchSinkFailures.forStatus("bulk", status, ServerError.NONE);

        assertThat(e.status()).isEqualTo(status);
        assertThat(e.retryable()).isFalse();
    }

    @Test
    void theMessageCarriesTheServersErrorTypeAndReason() {
        ServerError error = ServerError.parse(bytes("""
                {"error":{"root_cause":[{"type":"index_not_found_exception","reason":"no such index [x]"}],
                 "type":"index_not_found_exception","reason":"no such index [x]","index":"x"},"status":404}
                """));

        SearchSinkException e = SearchSinkFailures.forStatus("bulk of 2 items to index 'x' at http://127.0.0.1:9200",
                404, error);

        assertThat(e.getMessage()).isEqualTo("bulk of 2 items to index 'x' at http://127.0.0.1:9200 failed: "
                + "HTTP 404 index_not_found_exception: no such index [x]");
    }

    @Test
    void serverErrorsAreReadFromEveryShapeOfErrorBody() {
        assertThat(ServerError.parse(bytes("{\"error\":{\"type\":\"es_rejected_execution_exception\","
                + "\"reason\":\"rejected execution\"},\"status\":429}")))
                .isEqualTo(new ServerError("es_rejected_execution_exception", "rejected execution"));
        assertThat(ServerError.parse(bytes("{\"error\":\"Incorrect HTTP method for uri [/x/_bulk]\",\"status\":405}")))
                .isEqualTo(new ServerError(null, "Incorrect HTTP method for uri [/x/_bulk]"));
        assertThat(ServerError.parse(bytes("{\"message\":\"The security token included in the request is invalid.\"}")))
                .isEqualTo(new ServerError(null, "The security token included in the request is invalid."));
        assertThat(ServerError.parse(bytes("{\"Message\":\"User: anonymous is not authorized\"}")))
                .isEqualTo(new ServerError(null, "User: anonymous is not authorized"));
        assertThat(ServerError.parse(bytes("<html>\n<head><title>502 Bad Gateway</title></head>\n</html>")))
                .isEqualTo(new ServerError(null, "<html> <head><title>502 Bad Gateway</title></head> </html>"));
        assertThat(ServerError.parse(new byte[0])).isEqualTo(ServerError.NONE);
        assertThat(ServerError.NONE.describe()).isEqualTo("(no error body)");
    }

    @Test
    void aLongReasonIsShortened() {
        ServerError error = ServerError.parse(bytes("{\"error\":{\"type\":\"t\",\"reason\":\"" + "x".repeat(5000) + "\"}}"));

        assertThat(error.reason()).hasSizeLessThan(600).endsWith("...");
    }

    @Test
    void transportFailuresWithoutAResponseAreRetryable() {
        IOException[] failures = {
                new NoHttpResponseException("127.0.0.1:9200 failed to respond"),
                new SocketException("Connection reset"),
                new SocketTimeoutException("Read timed out"),
                new ConnectTimeoutException("Connect to http://127.0.0.1:9200 timed out"),
                new HttpHostConnectException("Connect to http://127.0.0.1:9200 failed: Connection refused"),
                new ConnectException("Connection refused"),
                new ConnectionClosedException("Premature end of Content-Length delimited message body"),
                new ConnectionRequestTimeoutException("Timeout deadline: 60000 MILLISECONDS, actual: 60001 MILLISECONDS"),
                new UnknownHostException("search-domain.eu-west-1.es.amazonaws.com"),
                new SSLHandshakeException("Remote host terminated the handshake") {{
                    initCause(new SocketException("Connection reset"));
                }},
        };
        for (IOException failure : failures) {
            SearchSinkException e = SearchSinkFailures.forTransport("bulk", failure);

            assertThat(e.retryable()).as("%s", failure).isTrue();
            assertThat(e.status()).isZero();
            assertThat(e.getCause()).isSameAs(failure);
            assertThat(e.getMessage()).contains("bulk failed without a response", failure.getClass().getSimpleName());
        }
    }

    @Test
    void certificateAndProtocolFailuresAreNotRetryable() {
        SSLHandshakeException untrusted = new SSLHandshakeException("PKIX path building failed");
        untrusted.initCause(new CertificateException("unable to find valid certification path"));

        assertThat(SearchSinkFailures.forTransport("bulk", untrusted).retryable()).isFalse();
        assertThat(SearchSinkFailures.forTransport("bulk", new ClientProtocolException("Invalid status line")).retryable())
                .isFalse();
    }

    @Test
    void aFailureOnAnInterruptedThreadIsNotRetryableAndKeepsTheInterrupt() {
        Thread.currentThread().interrupt();
        try {
            SearchSinkException e = SearchSinkFailures.forTransport("bulk", new IOException("Request aborted"));

            assertThat(e.retryable()).isFalse();
            assertThat(e.getMessage()).contains("interrupted");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
