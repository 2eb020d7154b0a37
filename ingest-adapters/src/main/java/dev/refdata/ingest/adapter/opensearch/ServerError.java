package dev.refdata.ingest.adapter.opensearch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import org.apache.hc.core5.http.HttpEntity;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * What an error response says went wrong: OpenSearch's {@code {"error":{"type":..,"reason":..}}} (or an
 * {@code "error"} string), AWS's {@code {"message":..}}, or the start of a body that is not JSON at all (a load
 * balancer's HTML page).
 *
 * @param type   the error type, e.g. {@code index_not_found_exception}, or {@code null}
 * @param reason the reason, or {@code null} when the response had no body
 */
record ServerError(String type, String reason) {

    /** The most of an error body that is read; the rest is skipped. */
    static final int MAX_BODY_BYTES = 64 * 1024;
    private static final int MAX_TEXT_CHARS = 500;
    private static final JsonFactory JSON = new JsonFactory();
    static final ServerError NONE = new ServerError(null, null);

    /** Reads at most {@value #MAX_BODY_BYTES} bytes of {@code entity} (which may be {@code null}). */
    static ServerError read(HttpEntity entity) throws IOException {
        if (entity == null) {
            return NONE;
        }
        try (InputStream in = entity.getContent()) {
            if (in == null) {
                return NONE;
            }
            return parse(in.readNBytes(MAX_BODY_BYTES));
        }
    }

    static ServerError parse(byte[] body) {
        if (body.length == 0) {
            return NONE;
        }
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() == JsonToken.START_OBJECT) {
                ServerError fromJson = parseObject(parser);
                if (fromJson != null) {
                    return fromJson;
                }
            }
        } catch (JsonProcessingException e) {
            // not JSON (or cut off at the size limit): fall back to the text
        } catch (IOException e) {
            throw new IllegalStateException("reading a byte array cannot fail", e);
        }
        return new ServerError(null, text(body));
    }

    /** {@code "type: reason"}, or whichever of the two is known. */
    String describe() {
        if (type != null && reason != null) {
            return type + ": " + reason;
        }
        return type != null ? type : reason != null ? reason : "(no error body)";
    }

    private static ServerError parseObject(JsonParser parser) throws IOException {
        String message = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if (field.equals("error") && value == JsonToken.START_OBJECT) {
                return parseError(parser);
            } else if (field.equals("error") && value == JsonToken.VALUE_STRING) {
                return new ServerError(null, shorten(parser.getText()));
            } else if ((field.equals("message") || field.equals("Message")) && value == JsonToken.VALUE_STRING) {
                message = shorten(parser.getText());
            } else {
                parser.skipChildren();
            }
        }
        return message == null ? null : new ServerError(null, message);
    }

    private static ServerError parseError(JsonParser parser) throws IOException {
        String type = null;
        String reason = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if (field.equals("type") && value == JsonToken.VALUE_STRING) {
                type = shorten(parser.getText());
            } else if (field.equals("reason") && value == JsonToken.VALUE_STRING) {
                reason = shorten(parser.getText());
            } else {
                parser.skipChildren();
            }
        }
        return new ServerError(type, reason);
    }

    private static String text(byte[] body) {
        return shorten(new String(body, StandardCharsets.UTF_8).replaceAll("\\s+", " ").strip());
    }

    /** Redacted before it is cut, so that a cut can never leave half a secret behind unrecognised. */
    private static String shorten(String text) {
        text = SecretRedaction.redact(text);
        return text.length() <= MAX_TEXT_CHARS ? text : text.substring(0, MAX_TEXT_CHARS) + "...";
    }
}
