package dev.refdata.ingest.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refdata.ingest.it.support.ServiceEndpoints;
import dev.refdata.ingest.it.support.TestServices;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenSearch behaviour the loader relies on, against the real distribution over plain HTTP: strict explicit
 * mappings, and a {@code _bulk} that fails one document without failing the others.
 */
class OpenSearchServiceIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MAPPING = """
            {
              "settings": { "number_of_shards": 1, "number_of_replicas": 0 },
              "mappings": {
                "dynamic": "strict",
                "properties": {
                  "isin":       { "type": "keyword" },
                  "name":       { "type": "text" },
                  "valid_from": { "type": "date", "format": "strict_date" }
                }
              }
            }
            """;

    private static ServiceEndpoints services;
    private static HttpClient http;

    @BeforeAll
    static void connect() {
        services = TestServices.endpoints();
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Test
    void theNodeIsTheOpenSearchDistribution() throws Exception {
        HttpResponse<String> response = send("GET", "/", null, null);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode version = JSON.readTree(response.body()).get("version");
        assertThat(version.get("distribution").asText()).isEqualTo("opensearch");
        assertThat(version.get("number").asText()).isEqualTo("2.19.6");
    }

    @Test
    void aBulkWithOneUnparseableDateRejectsOnlyThatDocument() throws Exception {
        String index = createIndex("instruments-bulk");
        List<String> lines = new ArrayList<>();
        String[][] docs = {
                {"US0378331005", "Apple Inc.", "2026-01-02"},
                {"US5949181045", "Microsoft Corp.", "2026-01-03"},
                {"DE0007164600", "SAP SE", "not-a-date"},
                {"GB0002634946", "BAE Systems", "2026-01-05"},
                {"FR0000120271", "TotalEnergies", "2026-01-06"},
        };
        for (String[] doc : docs) {
            lines.add("{\"index\":{\"_index\":\"" + index + "\",\"_id\":\"" + doc[0] + "\"}}");
            lines.add(JSON.writeValueAsString(JSON.createObjectNode()
                    .put("isin", doc[0]).put("name", doc[1]).put("valid_from", doc[2])));
        }

        HttpResponse<String> response = send("POST", "/_bulk", String.join("\n", lines) + "\n", "application/x-ndjson");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("errors").asBoolean()).isTrue();
        List<JsonNode> items = new ArrayList<>();
        body.get("items").forEach(item -> items.add(item.get("index")));
        assertThat(items).hasSize(docs.length);
        List<JsonNode> failed = items.stream().filter(item -> item.has("error")).toList();
        assertThat(failed).hasSize(1);
        JsonNode failure = failed.get(0);
        assertThat(failure.get("_id").asText()).isEqualTo("DE0007164600");
        assertThat(failure.get("status").asInt()).isEqualTo(400);
        assertThat(failure.get("error").get("type").asText())
                .isIn("document_parsing_exception", "mapper_parsing_exception");
        assertThat(items.stream().filter(item -> !item.has("error")))
                .allSatisfy(item -> {
                    assertThat(item.get("status").asInt()).isEqualTo(201);
                    assertThat(item.get("result").asText()).isEqualTo("created");
                });

        assertThat(send("POST", "/" + index + "/_refresh", null, null).statusCode()).isEqualTo(200);
        HttpResponse<String> count = send("GET", "/" + index + "/_count", null, null);
        assertThat(JSON.readTree(count.body()).get("count").asLong()).isEqualTo(docs.length - 1);
    }

    @Test
    void aStrictMappingRejectsAFieldItDoesNotDeclare() throws Exception {
        String index = createIndex("instruments-strict");

        HttpResponse<String> response = send("PUT", "/" + index + "/_doc/US0378331005?refresh=true",
                "{\"isin\":\"US0378331005\",\"ticker\":\"AAPL\"}", "application/json");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).get("error").get("type").asText())
                .isEqualTo("strict_dynamic_mapping_exception");
        HttpResponse<String> count = send("GET", "/" + index + "/_count", null, null);
        assertThat(JSON.readTree(count.body()).get("count").asLong()).isZero();
    }

    private static String createIndex(String prefix) throws IOException, InterruptedException {
        String index = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> created = send("PUT", "/" + index, MAPPING, "application/json");
        assertThat(created.statusCode()).as("create index: %s", created.body()).isEqualTo(200);
        return index;
    }

    private static HttpResponse<String> send(String method, String path, String body, String contentType)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(services.openSearch(path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
