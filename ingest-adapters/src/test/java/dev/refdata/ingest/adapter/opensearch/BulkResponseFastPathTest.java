package dev.refdata.ingest.adapter.opensearch;

import dev.refdata.ingest.core.port.out.SearchSink.BulkItemResult;
import dev.refdata.ingest.core.port.out.SearchSink.BulkResult;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.From;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The byte scan that reads a compact, all-status response ({@link BulkResponseParser#readCompact}) against
 * Jackson's streaming parser: whatever the body, {@link BulkResponseParser#parse} gives what Jackson alone gives
 * (the same items, or a failure for both), and the scan takes only bodies of the exact compact shape.
 */
class BulkResponseFastPathTest {

    /** One item as the server writes it with the loader's filter: its action, status and maybe an error. */
    record Item(String action, int status, String errorType, String reason) {
        String json() {
            StringBuilder s = new StringBuilder("{\"").append(action).append("\":{\"status\":").append(status);
            if (errorType != null) {
                s.append(",\"error\":{\"type\":\"").append(errorType).append("\",\"reason\":")
                        .append(quoted(reason)).append('}');
            }
            return s.append("}}").toString();
        }

        BulkItemResult expected() {
            return new BulkItemResult(status, errorType, errorType == null ? null : reason);
        }
    }

    static String compact(long took, boolean errors, List<Item> items) {
        StringBuilder s = new StringBuilder("{\"took\":").append(took).append(",\"errors\":").append(errors)
                .append(",\"items\":[");
        for (int i = 0; i < items.size(); i++) {
            s.append(i == 0 ? "" : ",").append(items.get(i).json());
        }
        return s.append("]}").toString();
    }

    private static String quoted(String text) {
        StringBuilder s = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                case '\n' -> s.append("\\n");
                default -> s.append(c);
            }
        }
        return s.append('"').toString();
    }

    @Provide
    Arbitrary<Item> items() {
        Arbitrary<String> action = Arbitraries.of("index", "create", "update", "delete");
        Arbitrary<Integer> okStatus = Arbitraries.of(200, 201, 404);
        Arbitrary<Item> ok = Combinators.combine(action, okStatus).as((a, st) -> new Item(a, st, null, null));
        Arbitrary<Item> failed = Combinators.combine(action, Arbitraries.of(400, 409, 429, 500, 503),
                Arbitraries.of("version_conflict_engine_exception", "document_parsing_exception",
                        "es_rejected_execution_exception"),
                Arbitraries.strings().ofMaxLength(40).withChars("ab \"\\\n{}[],:é€"))
                .as(Item::new);
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(9, ok), net.jqwik.api.Tuple.of(1, failed));
    }

    @Property(tries = 2000)
    void anyFilteredResponseReadsAsJacksonReadsIt(@ForAll @Size(max = 60) List<@From("items") Item> items,
                                                   @ForAll @IntRange(min = 0, max = 100_000) int took,
                                                   @ForAll boolean errorsFlag) throws Exception {
        byte[] body = compact(took, errorsFlag, items).getBytes(StandardCharsets.UTF_8);

        BulkResult result = BulkResponseParser.parse(new ByteArrayInputStream(body));

        assertThat(result).isEqualTo(BulkResponseParser.parseWithJackson(body, body.length));
        assertThat(result.items()).containsExactlyElementsOf(items.stream().map(Item::expected).toList());
        assertThat(result.tookMillis()).isEqualTo(took);
        boolean allPlain = items.stream().allMatch(i -> i.errorType() == null);
        assertThat(BulkResponseParser.readCompact(body, body.length) != null)
                .as("the scan takes exactly the responses without errors").isEqualTo(allPlain);
    }

    @Property(tries = 3000)
    void aDisturbedResponseReadsAsJacksonReadsItOrFailsForBoth(@ForAll @Size(max = 60) List<@From("items") Item> items,
                                                               @ForAll @IntRange(min = 0, max = 10_000) int at,
                                                               @ForAll("disturbances") String disturbance,
                                                               @ForAll boolean replace) throws Exception {
        String text = compact(12, false, items);
        int position = Math.min(at, text.length());
        String disturbed = text.substring(0, position) + disturbance
                + text.substring(Math.min(text.length(), position + (replace ? 1 : 0)));
        byte[] body = disturbed.getBytes(StandardCharsets.UTF_8);

        Object jackson;
        try {
            jackson = BulkResponseParser.parseWithJackson(body, body.length);
        } catch (MalformedBulkResponseException e) {
            jackson = MalformedBulkResponseException.class;
        }
        Object ours;
        try {
            ours = BulkResponseParser.parse(new ByteArrayInputStream(body));
        } catch (MalformedBulkResponseException e) {
            ours = MalformedBulkResponseException.class;
        }
        assertThat(ours).isEqualTo(jackson);
        BulkResult scanned = BulkResponseParser.readCompact(body, body.length);
        if (scanned != null) {
            assertThat(scanned).as("the scan never takes what Jackson reads otherwise").isEqualTo(jackson);
        }
    }

    @Provide
    Arbitrary<String> disturbances() {
        return Arbitraries.of("", " ", "\n", "0", "1", "9", "\"", ",", "}", "]", "{", ":", "x", "-",
                "\"error\":{\"type\":\"t\"},", ",\"_id\":\"a\"", "00", "1234", "null");
    }

    @Test
    void theCompactShapeOfASuccessfulFilteredResponseIsReadByTheScan() {
        byte[] body = "{\"took\":7,\"errors\":false,\"items\":[{\"index\":{\"status\":201}},{\"delete\":{\"status\":404}}]}"
                .getBytes(StandardCharsets.UTF_8);

        BulkResult result = BulkResponseParser.readCompact(body, body.length);

        assertThat(result).isEqualTo(new BulkResult(List.of(new BulkItemResult(201, null, null),
                new BulkItemResult(404, null, null)), 7));
    }

    @Test
    void anythingOutsideTheCompactShapeIsLeftToJackson() {
        for (String body : List.of(
                "{\"took\":7,\"errors\":false,\"items\":[{\"index\":{\"status\":201}}]} ",
                "{\"took\": 7,\"errors\":false,\"items\":[{\"index\":{\"status\":201}}]}",
                "{\"took\":7,\"errors\":true,\"items\":[{\"index\":{\"status\":409,\"error\":{\"type\":\"x\"}}}]}",
                "{\"took\":7,\"errors\":false,\"items\":[{\"index\":{\"_id\":\"a\",\"status\":201}}]}",
                "{\"took\":07,\"errors\":false,\"items\":[{\"index\":{\"status\":201}}]}",
                "{\"took\":7,\"errors\":false,\"items\":[{\"index\":{\"status\":2010}}]}",
                "{\"took\":7,\"errors\":false,\"items\":[{\"upsert\":{\"status\":201}}]}",
                "{\"errors\":false,\"took\":7,\"items\":[]}")) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            assertThat(BulkResponseParser.readCompact(bytes, bytes.length)).as(body).isNull();
        }
    }

    @Test
    void aCompactResponseWithNoItemsHasNone() {
        byte[] body = "{\"took\":0,\"errors\":false,\"items\":[]}".getBytes(StandardCharsets.UTF_8);

        assertThat(BulkResponseParser.readCompact(body, body.length)).isEqualTo(new BulkResult(List.of(), 0));
    }
}
