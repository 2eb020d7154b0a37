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
 * Reads a {@code _bulk} response with Jackson's streaming parser, without building a tree: {@code took}, and
 * per item, in order, the {@code status} and {@code error.type} / {@code error.reason} of its one action
 * ({@code index}, {@code create}, {@code update} or {@code delete}). Every item is read whatever the
 * top-level {@code errors} flag says. Everything else (ids, versions, shard counts) is skipped.
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
        try (JsonParser parser = JSON.createParser(body)) {
            return parse(parser);
        } catch (JsonProcessingException e) {
            throw new MalformedBulkResponseException("not JSON: " + e.getOriginalMessage(), e);
        }
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
