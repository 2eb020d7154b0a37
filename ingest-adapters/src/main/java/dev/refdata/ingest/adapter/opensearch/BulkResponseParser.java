package dev.refdata.ingest.adapter.opensearch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.refdata.ingest.core.port.out.SearchSink.BulkItemResult;
import dev.refdata.ingest.core.port.out.SearchSink.BulkResult;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a {@code _bulk} response without building a tree: {@code took}, and per item, in order, the
 * {@code status} and {@code error.type} / {@code error.reason} of its one action ({@code index}, {@code create},
 * {@code update} or {@code delete}). Every item is read whatever the top-level {@code errors} flag says.
 * Everything else (ids, versions, shard counts) is skipped.
 *
 * <p>The loader asks for a filtered response ({@link OpenSearchSink#RESPONSE_FILTER}), and when every item
 * succeeded the server writes it in one exact compact shape, {@code {"took":N,"errors":false,"items":[
 * {"index":{"status":201}},...]}}: that shape is read by a plain byte scan ({@link #readCompact}), which costs
 * the loader a fraction of what Jackson's general parser costs per item and needs no compiling of that parser
 * into machine code. Anything else (an item with an error, another field, white space, a full response) is read
 * by Jackson's streaming parser, which gives the same results for the compact shape too (a differential test
 * holds the two together).
 *
 * <pre>{@code
 * {"took":30,"errors":true,"items":[
 *   {"index":{"_index":"i","_id":"1","status":201,"result":"created",...}},
 *   {"index":{"_index":"i","_id":"2","status":400,"error":{"type":"document_parsing_exception","reason":"..."}}},
 *   {"delete":{"_index":"i","_id":"3","status":404,"result":"not_found",...}}]}
 * }</pre>
 */
final class BulkResponseParser {

    private static final JsonFactory JSON = JsonFactory.builder()
            // a reason quoting a long field value must not fail the whole response
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(64 * 1024 * 1024).build())
            .build();

    /** The common outcomes, shared rather than built once per item. */
    private static final BulkItemResult CREATED = new BulkItemResult(201, null, null);
    private static final BulkItemResult OK = new BulkItemResult(200, null, null);

    private BulkResponseParser() {
    }

    /**
     * @throws MalformedBulkResponseException when the body is not a bulk response
     * @throws IOException                    when reading the stream fails (a transport failure)
     */
    static BulkResult parse(InputStream body) throws IOException, MalformedBulkResponseException {
        byte[] bytes = body.readAllBytes();
        BulkResult compact = readCompact(bytes, bytes.length);
        return compact != null ? compact : parseWithJackson(bytes, bytes.length);
    }

    /** The general path: any valid bulk response, with the messages a malformed one gets. */
    static BulkResult parseWithJackson(byte[] bytes, int length) throws IOException, MalformedBulkResponseException {
        try (JsonParser parser = JSON.createParser(bytes, 0, length)) {
            return parse(parser);
        } catch (JsonProcessingException e) {
            throw new MalformedBulkResponseException("not JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static final byte[] TOOK = ascii("{\"took\":");
    private static final byte[] ERRORS = ascii(",\"errors\":");
    private static final byte[] ITEMS = ascii(",\"items\":[");
    private static final byte[] STATUS = ascii("\":{\"status\":");
    private static final byte[][] ACTIONS = {ascii("{\"index"), ascii("{\"create"), ascii("{\"update"),
            ascii("{\"delete")};

    private static byte[] ascii(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /**
     * The response when it has exactly the compact shape of a filtered response whose items carry only a status:
     * {@code {"took":N,"errors":true|false,"items":[{"<action>":{"status":NNN}},...]}} with no white space and
     * nothing else; {@code null} for anything else (the caller then uses Jackson), never a wrong result.
     */
    static BulkResult readCompact(byte[] b, int length) {
        int[] at = {0};
        if (!match(b, length, at, TOOK)) {
            return null;
        }
        long took = digits(b, length, at, 18);
        if (took < 0 || !match(b, length, at, ERRORS)) {
            return null;
        }
        if (!match(b, length, at, TRUE) && !match(b, length, at, FALSE)) {
            return null;
        }
        if (!match(b, length, at, ITEMS)) {
            return null;
        }
        List<BulkItemResult> items = new ArrayList<>();
        if (at[0] < length && b[at[0]] == ']') {
            at[0]++;
        } else {
            while (true) {
                if (!matchAction(b, length, at) || !match(b, length, at, STATUS)) {
                    return null;
                }
                long status = digits(b, length, at, 3);
                if (status < 100 || status > 599 || !match(b, length, at, ITEM_END)) {
                    return null;
                }
                items.add(status == 201 ? CREATED : status == 200 ? OK : new BulkItemResult((int) status, null, null));
                if (at[0] < length && b[at[0]] == ',') {
                    at[0]++;
                } else if (at[0] < length && b[at[0]] == ']') {
                    at[0]++;
                    break;
                } else {
                    return null;
                }
            }
        }
        if (at[0] != length - 1 || b[at[0]] != '}') {
            return null;
        }
        return new BulkResult(items, took);
    }

    private static final byte[] TRUE = ascii("true");
    private static final byte[] FALSE = ascii("false");
    private static final byte[] ITEM_END = ascii("}}");

    /** An action name between its quotes: {@code {"index}, {@code {"create}, ... followed by the closing quote. */
    private static boolean matchAction(byte[] b, int length, int[] at) {
        for (byte[] action : ACTIONS) {
            if (match(b, length, at, action)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code expected} stands at {@code at[0]}; if so, moves past it. */
    private static boolean match(byte[] b, int length, int[] at, byte[] expected) {
        int from = at[0];
        if (length - from < expected.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if (b[from + i] != expected[i]) {
                return false;
            }
        }
        at[0] = from + expected.length;
        return true;
    }

    /** One to {@code maxDigits} decimal digits at {@code at[0]} (no sign, no leading zero but "0"), or -1. */
    private static long digits(byte[] b, int length, int[] at, int maxDigits) {
        int i = at[0];
        long value = 0;
        while (i < length && i - at[0] < maxDigits && b[i] >= '0' && b[i] <= '9') {
            value = value * 10 + (b[i] - '0');
            i++;
        }
        int count = i - at[0];
        if (count == 0 || (i < length && b[i] >= '0' && b[i] <= '9') || (count > 1 && b[at[0]] == '0')) {
            return -1;
        }
        at[0] = i;
        return value;
    }

    private static BulkResult parse(JsonParser parser) throws IOException, MalformedBulkResponseException {
        expect(parser.nextToken(), JsonToken.START_OBJECT, "the response");
        Long took = null;
        List<BulkItemResult> items = null;
        JsonToken next;
        while ((next = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (field) {
                case "took" -> {
                    expect(value, JsonToken.VALUE_NUMBER_INT, "took");
                    took = parser.getLongValue();
                }
                case "items" -> {
                    expect(value, JsonToken.START_ARRAY, "items");
                    items = parseItems(parser);
                }
                default -> parser.skipChildren();
            }
        }
        expect(next, JsonToken.END_OBJECT, "the end of the response");
        if (items == null) {
            throw new MalformedBulkResponseException("no items array", null);
        }
        if (took == null) {
            throw new MalformedBulkResponseException("no took", null);
        }
        return new BulkResult(items, took);
    }

    private static List<BulkItemResult> parseItems(JsonParser parser) throws IOException, MalformedBulkResponseException {
        List<BulkItemResult> items = new ArrayList<>();
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            int position = items.size();
            expectInItem(token, JsonToken.START_OBJECT, "item ", position, "");
            expectInItem(parser.nextToken(), JsonToken.FIELD_NAME, "item ", position, "'s action");
            String action = parser.currentName();
            JsonToken actionBody = parser.nextToken();
            if (actionBody != JsonToken.START_OBJECT) {
                expect(actionBody, JsonToken.START_OBJECT, "item " + position + " (" + action + ")");
            }
            items.add(parseItem(parser, position));
            expectInItem(parser.nextToken(), JsonToken.END_OBJECT, "the end of item ", position, "");
        }
        return items;
    }

    private static BulkItemResult parseItem(JsonParser parser, int position)
            throws IOException, MalformedBulkResponseException {
        int status = -1;
        String type = null;
        String reason = null;
        JsonToken next;
        while ((next = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if (field.equals("status")) {
                expectInItem(value, JsonToken.VALUE_NUMBER_INT, "item ", position, "'s status");
                status = parser.getIntValue();
            } else if (field.equals("error") && value == JsonToken.START_OBJECT) {
                JsonToken errorNext;
                while ((errorNext = parser.nextToken()) == JsonToken.FIELD_NAME) {
                    String errorField = parser.currentName();
                    JsonToken errorValue = parser.nextToken();
                    if (errorField.equals("type") && errorValue == JsonToken.VALUE_STRING) {
                        type = parser.getText();
                    } else if (errorField.equals("reason") && errorValue == JsonToken.VALUE_STRING) {
                        reason = parser.getText();
                    } else {
                        parser.skipChildren();
                    }
                }
                expectInItem(errorNext, JsonToken.END_OBJECT, "the end of item ", position, "'s error");
            } else if (field.equals("error") && value == JsonToken.VALUE_STRING) {
                reason = parser.getText();
            } else {
                parser.skipChildren();
            }
        }
        expectInItem(next, JsonToken.END_OBJECT, "the end of item ", position, "'s result");
        if (status < 100 || status > 599) {
            throw new MalformedBulkResponseException("item " + position + " has no valid status", null);
        }
        if (type == null && reason == null) {
            if (status == 201) {
                return CREATED;
            }
            if (status == 200) {
                return OK;
            }
        }
        return new BulkItemResult(status, type, reason);
    }

    /**
     * {@link #expect} for a part of item {@code position}: the description is only put together on failure
     * (thousands of items a response, each checked several times).
     */
    private static void expectInItem(JsonToken actual, JsonToken expected, String before, int position, String after)
            throws MalformedBulkResponseException {
        if (actual != expected) {
            expect(actual, expected, before + position + after);
        }
    }

    private static void expect(JsonToken actual, JsonToken expected, String what) throws MalformedBulkResponseException {
        if (actual != expected) {
            throw new MalformedBulkResponseException("expected " + expected + " for " + what + " but found "
                    + (actual == null ? "the end of the body" : actual), null);
        }
    }
}
