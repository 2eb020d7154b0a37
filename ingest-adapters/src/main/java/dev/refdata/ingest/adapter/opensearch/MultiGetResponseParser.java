package dev.refdata.ingest.adapter.opensearch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Reads an {@code _mget} response with Jackson's streaming parser: per document, in order, its {@code _id},
 * whether it was {@code found}, its {@code _source} and any {@code error}.
 *
 * <p>A {@code _source} is cut out of the response byte for byte, not parsed and written again: it is the JSON
 * the server stored, with its numbers exactly as they were sent ({@code 1.10} stays {@code 1.10}), as
 * {@code GET /{index}/_source/{id}} returns it.
 *
 * <pre>{@code
 * {"docs":[
 *   {"_index":"i","_id":"1","_version":1,"found":true,"_source":{"isin":"US0378331005",...}},
 *   {"_index":"i","_id":"2","found":false},
 *   {"_index":"i","_id":"3","error":{"type":"index_not_found_exception","reason":"no such index [i]"}}]}
 * }</pre>
 */
final class MultiGetResponseParser {

    private static final JsonFactory JSON = JsonFactory.builder()
            // a stored document may hold a long text field
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(64 * 1024 * 1024).build())
            .build();

    private MultiGetResponseParser() {
    }

    /**
     * One document of the response.
     *
     * @param id     the id asked for
     * @param source the stored {@code _source} JSON, or {@code null} when not found or failed
     * @param error  what went wrong for this document, or {@code null}
     */
    record Document(String id, boolean found, String source, ServerError error) {

        Document {
            Objects.requireNonNull(id, "id");
            if (found && source == null) {
                throw new IllegalArgumentException("document '" + id + "' was found but has no _source");
            }
            if (found && error != null) {
                throw new IllegalArgumentException("document '" + id + "' was found and failed");
            }
        }
    }

    /** A response that is not the {@code _mget} JSON OpenSearch sends. */
    static final class MalformedMultiGetResponseException extends Exception {

        MalformedMultiGetResponseException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    static List<Document> parse(byte[] body) throws MalformedMultiGetResponseException {
        Objects.requireNonNull(body, "body");
        try (JsonParser parser = JSON.createParser(body)) {
            return parse(parser, body);
        } catch (JsonProcessingException e) {
            throw new MalformedMultiGetResponseException("not JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalStateException("reading a byte array cannot fail", e);
        }
    }

    private static List<Document> parse(JsonParser parser, byte[] body)
            throws IOException, MalformedMultiGetResponseException {
        expect(parser.nextToken(), JsonToken.START_OBJECT, "the response");
        List<Document> documents = null;
        JsonToken next;
        while ((next = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if (field.equals("docs")) {
                expect(value, JsonToken.START_ARRAY, "docs");
                documents = parseDocuments(parser, body);
            } else {
                parser.skipChildren();
            }
        }
        expect(next, JsonToken.END_OBJECT, "the end of the response");
        if (documents == null) {
            throw new MalformedMultiGetResponseException("no docs array", null);
        }
        return documents;
    }

    private static List<Document> parseDocuments(JsonParser parser, byte[] body)
            throws IOException, MalformedMultiGetResponseException {
        List<Document> documents = new ArrayList<>();
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            expect(token, JsonToken.START_OBJECT, "document " + documents.size());
            documents.add(parseDocument(parser, body, documents.size()));
        }
        return documents;
    }

    private static Document parseDocument(JsonParser parser, byte[] body, int position)
            throws IOException, MalformedMultiGetResponseException {
        String id = null;
        boolean found = false;
        String source = null;
        ServerError error = null;
        JsonToken next;
        while ((next = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (field) {
                case "_id" -> {
                    expect(value, JsonToken.VALUE_STRING, "document " + position + "'s _id");
                    id = parser.getText();
                }
                case "found" -> {
                    if (value != JsonToken.VALUE_TRUE && value != JsonToken.VALUE_FALSE) {
                        throw new MalformedMultiGetResponseException("document " + position
                                + "'s found is not a boolean but " + value, null);
                    }
                    found = value == JsonToken.VALUE_TRUE;
                }
                case "_source" -> {
                    expect(value, JsonToken.START_OBJECT, "document " + position + "'s _source");
                    source = rawObject(parser, body);
                }
                case "error" -> error = parseError(parser, value, position);
                default -> parser.skipChildren();
            }
        }
        expect(next, JsonToken.END_OBJECT, "the end of document " + position);
        if (id == null) {
            throw new MalformedMultiGetResponseException("document " + position + " has no _id", null);
        }
        if (found && source == null) {
            throw new MalformedMultiGetResponseException("document '" + id + "' was found but has no _source"
                    + " (is _source disabled in the mapping?)", null);
        }
        if (found && error != null) {
            throw new MalformedMultiGetResponseException("document '" + id + "' is both found and failed", null);
        }
        return new Document(id, found, found ? source : null, error);
    }

    /** The object the parser is at, as the bytes it was read from; leaves the parser at its end. */
    private static String rawObject(JsonParser parser, byte[] body) throws IOException {
        long start = parser.currentTokenLocation().getByteOffset();
        parser.skipChildren();
        long end = parser.currentTokenLocation().getByteOffset() + 1;
        return new String(body, Math.toIntExact(start), Math.toIntExact(end - start), StandardCharsets.UTF_8);
    }

    private static ServerError parseError(JsonParser parser, JsonToken value, int position)
            throws IOException, MalformedMultiGetResponseException {
        if (value == JsonToken.VALUE_STRING) {
            return new ServerError(null, parser.getText());
        }
        expect(value, JsonToken.START_OBJECT, "document " + position + "'s error");
        String type = null;
        String reason = null;
        JsonToken next;
        while ((next = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken fieldValue = parser.nextToken();
            if (field.equals("type") && fieldValue == JsonToken.VALUE_STRING) {
                type = parser.getText();
            } else if (field.equals("reason") && fieldValue == JsonToken.VALUE_STRING) {
                reason = parser.getText();
            } else {
                parser.skipChildren();
            }
        }
        expect(next, JsonToken.END_OBJECT, "the end of document " + position + "'s error");
        return new ServerError(type, reason);
    }

    private static void expect(JsonToken actual, JsonToken expected, String what)
            throws MalformedMultiGetResponseException {
        if (actual != expected) {
            throw new MalformedMultiGetResponseException("expected " + expected + " for " + what + " but found "
                    + (actual == null ? "the end of the body" : actual), null);
        }
    }
}
