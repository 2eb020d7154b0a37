package dev.refdata.ingest.adapter.opensearch;

import dev.refdata.ingest.adapter.opensearch.MultiGetResponseParser.Document;
import dev.refdata.ingest.adapter.opensearch.MultiGetResponseParser.MalformedMultiGetResponseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading {@code _mget} responses: found, missing and failed documents, and sources cut out byte for byte. */
class MultiGetResponseParserTest {

    @Test
    void eachDocumentIsReadInOrderWithItsSourceExactlyAsTheServerSentIt() throws Exception {
        String source = "{ \"isin\" : \"US0378331005\", \"coupon\": 1.10, \"big\": 12345678901234567890,"
                + " \"name\": \"Caf\\u00e9 \\\"Ünïcödé\\\" 😀\", \"nested\": {\"list\": [1, {\"x\": null}]} }";
        String body = "{\"docs\":[\n"
                + "  {\"_index\":\"i\",\"_id\":\"US0378331005\",\"_version\":3,\"_seq_no\":0,\"_primary_term\":1,"
                + "\"found\":true,\"_source\":" + source + "},\n"
                + "  {\"_index\":\"i\",\"_id\":\"XS0000000000\",\"found\":false},\n"
                + "  {\"_index\":\"i\",\"_id\":\"a/b\",\"error\":{\"root_cause\":[{\"type\":\"x\"}],"
                + "\"type\":\"no_shard_available_action_exception\",\"reason\":\"No shard available\"}}]}";

        List<Document> documents = MultiGetResponseParser.parse(body.getBytes(StandardCharsets.UTF_8));

        assertThat(documents).containsExactly(
                new Document("US0378331005", true, source, null),
                new Document("XS0000000000", false, null, null),
                new Document("a/b", false, null,
                        new ServerError("no_shard_available_action_exception", "No shard available")));
    }

    @Test
    void fieldsMayComeInAnyOrder() throws Exception {
        String body = "{\"docs\":[{\"_source\":{\"a\":1},\"found\":true,\"_id\":\"1\"}],\"took\":1}";

        assertThat(MultiGetResponseParser.parse(body.getBytes(StandardCharsets.UTF_8)))
                .containsExactly(new Document("1", true, "{\"a\":1}", null));
    }

    @Test
    void noDocumentsIsAnEmptyList() throws Exception {
        assertThat(MultiGetResponseParser.parse("{\"docs\":[]}".getBytes(StandardCharsets.UTF_8))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "<html>maintenance</html>",
            "[]",
            "{\"took\":1}",
            "{\"docs\":{}}",
            "{\"docs\":[{\"found\":false}]}",
            "{\"docs\":[{\"_id\":\"1\",\"found\":true}]}",
            "{\"docs\":[{\"_id\":\"1\",\"found\":\"yes\",\"_source\":{}}]}",
            "{\"docs\":[{\"_id\":\"1\",\"found\":true,\"_source\":\"text\"}]}",
            "{\"docs\":[{\"_id\":\"1\",\"found\":true,\"_source\":{\"a\":1}",
    })
    void whatIsNotAnMgetResponseIsRefused(String body) {
        assertThatThrownBy(() -> MultiGetResponseParser.parse(body.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedMultiGetResponseException.class);
    }
}
