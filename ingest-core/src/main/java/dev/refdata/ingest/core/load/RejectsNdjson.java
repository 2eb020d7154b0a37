package dev.refdata.ingest.core.load;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.refdata.ingest.core.domain.ChunkKey;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The rejects format, one JSON object a line: {@code run}, {@code chunk}, {@code source}, {@code line},
 * {@code reason}, {@code raw} and, for an oversized record of which only the beginning was kept,
 * {@code truncated: true}. The loader writes it and a reload writes it again, so a reload's leftovers can be
 * corrected and reloaded the same way.
 */
final class RejectsNdjson {

    private static final JsonFactory JSON = new JsonFactory();

    private final JsonGenerator json;

    /** Writes into {@code out}; {@link #flush()} before closing it. */
    RejectsNdjson(OutputStream out) {
        try {
            json = JSON.createGenerator(out, JsonEncoding.UTF8);
            json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        json.setRootValueSeparator(null);
    }

    /** Appends the rejects of one chunk read from {@code source}. */
    RejectsNdjson add(ChunkKey chunk, String source, List<RejectedRecord> rejects) {
        try {
            for (RejectedRecord r : rejects) {
                json.writeStartObject();
                json.writeStringField("run", chunk.run().value());
                json.writeNumberField("chunk", chunk.chunk());
                json.writeStringField("source", source);
                json.writeNumberField("line", r.line());
                json.writeStringField("reason", r.reason());
                json.writeStringField("raw", r.raw());
                if (r.truncated()) {
                    json.writeBooleanField("truncated", true);
                }
                json.writeEndObject();
                json.writeRaw('\n');
            }
            json.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    void flush() {
        try {
            json.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The rejects as the bytes of one object. */
    static byte[] of(ChunkKey chunk, String source, List<RejectedRecord> rejects) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new RejectsNdjson(bytes).add(chunk, source, rejects).flush();
        return bytes.toByteArray();
    }
}
