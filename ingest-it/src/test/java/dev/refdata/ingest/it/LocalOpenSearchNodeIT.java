package dev.refdata.ingest.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refdata.ingest.adapter.opensearch.node.LocalOpenSearchNode;
import dev.refdata.ingest.it.support.TestServices;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The launcher's fault controls on the shared node: a killed node is really gone, and a restart brings it back on
 * the same port with the same data. The node is healthy again when this test ends, for the tests that follow.
 */
class LocalOpenSearchNodeIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void aKilledNodeRestartsOnTheSamePortWithItsData() throws Exception {
        LocalOpenSearchNode node = TestServices.openSearchNode();
        URI url = node.httpUrl();
        String index = "restart-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(send("PUT", url.resolve("/" + index + "/_doc/1?refresh=true"), "{\"isin\":\"US0378331005\"}")
                .statusCode()).isEqualTo(201);

        node.kill();

        assertThat(node.isRunning()).isFalse();
        assertThatThrownBy(() -> send("GET", url, null)).isInstanceOf(ConnectException.class);

        node.restart();

        assertThat(node.isRunning()).isTrue();
        assertThat(node.httpUrl()).isEqualTo(url);
        assertThat(TestServices.endpoints().openSearchUrl()).isEqualTo(url);
        send("GET", url.resolve("/_cluster/health/" + index + "?wait_for_status=yellow&timeout=30s"), null);
        HttpResponse<String> count = send("GET", url.resolve("/" + index + "/_count"), null);
        assertThat(JSON.readTree(count.body()).get("count").asLong()).isEqualTo(1);
    }

    private HttpResponse<String> send(String method, URI uri, String json) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30));
        if (json == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.method(method, HttpRequest.BodyPublishers.ofString(json)).header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
