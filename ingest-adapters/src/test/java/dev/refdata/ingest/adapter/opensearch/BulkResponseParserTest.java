package dev.refdata.ingest.adapter.opensearch;

import dev.refdata.ingest.core.port.out.SearchSink.BulkItemResult;
import dev.refdata.ingest.core.port.out.SearchSink.BulkResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BulkResponseParserTest {

    @Test
    void everyItemOfASuccessfulBulkIsReadInOrder() throws Exception {
        BulkResult result = parse("""
                {"took":30,"errors":false,"items":[
                  {"index":{"_index":"instruments-1","_id":"US0378331005","_version":1,"result":"created",
                            "_shards":{"total":1,"successful":1,"failed":0},"_seq_no":0,"_primary_term":1,"status":201}},
                  {"index":{"_index":"instruments-1","_id":"US5949181045","_version":3,"result":"updated",
                            "_shards":{"total":1,"successful":1,"failed":0},"_seq_no":1,"_primary_term":1,"status":200}},
                  {"delete":{"_index":"instruments-1","_id":"DE0007164600","_version":2,"result":"deleted",
                            "_shards":{"total":1,"successful":1,"failed":0},"_seq_no":2,"_primary_term":1,"status":200}}
                ]}
                """);

        assertThat(result.tookMillis()).isEqualTo(30);
        assertThat(result.items()).containsExactly(
                new BulkItemResult(201, null, null),
                new BulkItemResult(200, null, null),
                new BulkItemResult(200, null, null));
        assertThat(result.items()).allMatch(BulkItemResult::succeeded);
    }

    @Test
    void failedItemsCarryTheirStatusErrorTypeAndReason() throws Exception {
        BulkResult result = parse("""
                {"took":12,"errors":true,"items":[
                  {"index":{"_index":"i","_id":"1","status":201,"result":"created","_version":1}},
                  {"index":{"_index":"i","_id":"2","status":400,"error":{
                      "type":"document_parsing_exception",
                      "reason":"[1:120] failed to parse field [maturity] of type [date] in document with id '2'",
                      "caused_by":{"type":"illegal_argument_exception","reason":"failed to parse date field [2026-13-45]",
                                   "caused_by":{"type":"date_time_parse_exception","reason":"Text '2026-13-45' could not be parsed"}}}}},
                  {"index":{"_index":"i","_id":"3","status":409,"error":{
                      "type":"version_conflict_engine_exception",
                      "reason":"[3]: version conflict, current version [2000] is higher or equal to the one provided [1000]",
                      "index":"i","shard":"0","index_uuid":"abc"}}},
                  {"create":{"_index":"i","_id":"4","status":429,"error":{
                      "type":"es_rejected_execution_exception",
                      "reason":"rejected execution of coordinating operation [shard_detail=[i][0][P], shard_coordinating_and_primary_bytes=0]"}}},
                  {"delete":{"_index":"i","_id":"5","_version":1,"result":"not_found",
                             "_shards":{"total":1,"successful":1,"failed":0},"_seq_no":4,"_primary_term":1,"status":404}},
                  {"update":{"_index":"i","_id":"6","status":503,"error":{"type":"unavailable_shards_exception",
                             "reason":"[i][0] primary shard is not active"}}}
                ]}
                """);

        assertThat(result.tookMillis()).isEqualTo(12);
        assertThat(result.items()).containsExactly(
                new BulkItemResult(201, null, null),
                new BulkItemResult(400, "document_parsing_exception",
                        "[1:120] failed to parse field [maturity] of type [date] in document with id '2'"),
                new BulkItemResult(409, "version_conflict_engine_exception",
                        "[3]: version conflict, current version [2000] is higher or equal to the one provided [1000]"),
                new BulkItemResult(429, "es_rejected_execution_exception",
                        "rejected execution of coordinating operation [shard_detail=[i][0][P], shard_coordinating_and_primary_bytes=0]"),
                new BulkItemResult(404, null, null),
                new BulkItemResult(503, "unavailable_shards_exception", "[i][0] primary shard is not active"));
    }

    @Test
    void itemsAreReadEvenWhenTheErrorsFlagClaimsThereAreNone() throws Exception {
        BulkResult result = parse("""
                {"errors":false,"items":[{"index":{"status":400,"error":{"type":"x","reason":"y"}}}],"took":1}
                """);

        assertThat(result.items()).containsExactly(new BulkItemResult(400, "x", "y"));
    }

    @Test
    void fieldsTheParserDoesNotKnowAreSkipped() throws Exception {
        BulkResult result = parse("""
                {"took":5,"ingest_took":2,"errors":false,"future":{"nested":[1,{"a":[]}]},"items":[
                  {"index":{"status":201,"get":{"_source":{"deep":{"deeper":[{"status":500}]}}},"status_detail":"x"}}
                ]}
                """);

        assertThat(result.items()).containsExactly(new BulkItemResult(201, null, null));
    }

    @Test
    void anErrorGivenAsPlainTextBecomesTheReason() throws Exception {
        BulkResult result = parse("""
                {"took":1,"items":[{"index":{"status":500,"error":"NullPointerException[null]"}}]}
                """);

        assertThat(result.items()).containsExactly(new BulkItemResult(500, null, "NullPointerException[null]"));
    }

    @Test
    void aBulkWithoutItemsHasAnEmptyResult() throws Exception {
        assertThat(parse("{\"took\":0,\"errors\":false,\"items\":[]}").items()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "<html><body>502 Bad Gateway</body></html>",
            "[]",
            "{\"took\":1}",
            "{\"items\":[]}",
            "{\"took\":\"fast\",\"items\":[]}",
            "{\"took\":1,\"items\":{}}",
            "{\"took\":1,\"items\":[{\"index\":{\"_id\":\"1\"}}]}",
            "{\"took\":1,\"items\":[{\"index\":{\"status\":\"201\"}}]}",
            "{\"took\":1,\"items\":[{\"index\":{\"status\":42}}]}",
            "{\"took\":1,\"items\":[\"index\"]}",
            "{\"took\":1,\"items\":[{}]}",
            "{\"took\":1,\"items\":[{\"index\":{\"status\":201}},{\"index\":{\"status\":201}",
            "{\"took\":1,\"items\":[{\"index\":{\"status\":201}}]",
            "{\"took\":1,\"items\":[{\"index\":{\"status\":201},\"delete\":{\"status\":200}}]}",
    })
    void aBodyThatIsNotABulkResponseIsMalformed(String body) {
        assertThatThrownBy(() -> parse(body)).isInstanceOf(MalformedBulkResponseException.class);
    }

    @Test
    void aStreamThatFailsWhileReadingIsAnIoFailureNotAMalformedBody() {
        byte[] start = "{\"took\":1,\"items\":[{\"index\":{\"status\":201}},".getBytes(StandardCharsets.UTF_8);
        InputStream brokenConnection = new InputStream() {
            private int position;

            @Override
            public int read() throws IOException {
                if (position < start.length) {
                    return start[position++];
                }
                throw new IOException("Connection reset");
            }
        };

        assertThatThrownBy(() -> BulkResponseParser.parse(brokenConnection))
                .isInstanceOf(IOException.class)
                .hasMessage("Connection reset");
    }

    private static BulkResult parse(String json) throws IOException, MalformedBulkResponseException {
        return BulkResponseParser.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }
}
