package dev.refdata.ingest.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refdata.ingest.core.port.out.SearchSink.BulkBody;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A {@code _bulk} body for the integration tests, built the way the core builds it: action line, document line,
 * each ending in a newline, no {@code _index} (the sink's URL names the index).
 */
final class NdjsonBulk {

    static final ObjectMapper JSON = new ObjectMapper();

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private int items;

    /** Index {@code document} as {@code id}, versioned externally with {@code version}. */
    NdjsonBulk index(String id, long version, ObjectNode document) {
        ObjectNode meta = JSON.createObjectNode();
        meta.putObject("index").put("_id", id).put("version", version).put("version_type", "external");
        return line(meta).line(document).item();
    }

    /** Index {@code document} as {@code id}, without a version. */
    NdjsonBulk index(String id, ObjectNode document) {
        ObjectNode meta = JSON.createObjectNode();
        meta.putObject("index").put("_id", id);
        return line(meta).line(document).item();
    }

    /** Delete {@code id}, versioned externally with {@code version}. */
    NdjsonBulk delete(String id, long version) {
        ObjectNode meta = JSON.createObjectNode();
        meta.putObject("delete").put("_id", id).put("version", version).put("version_type", "external");
        return line(meta).item();
    }

    /** A raw line, e.g. a deliberately malformed one. */
    NdjsonBulk raw(String line, int countedItems) {
        write(line);
        items += countedItems;
        return this;
    }

    BulkBody body() {
        byte[] bytes = out.toByteArray();
        return new BulkBody(bytes, bytes.length, items);
    }

    /** An instruments document with every column of the built-in spec and the ingest bookkeeping. */
    static ObjectNode instrument(String isin, String name, String maturity, String updatedAt) {
        ObjectNode doc = JSON.createObjectNode()
                .put("isin", isin)
                .put("ticker", isin.substring(2, 6))
                .put("name", name)
                .put("asset_class", "equity")
                .put("currency", "EUR")
                .put("mic", "XETR")
                .put("issuer", name)
                .put("country", isin.substring(0, 2))
                .put("maturity", maturity)
                .put("coupon", 1.25)
                .put("status", "active")
                .put("updated_at", updatedAt);
        doc.putObject("ingest").put("run_id", "it-run").put("source", "instruments.csv").put("line", 2);
        return doc;
    }

    private NdjsonBulk line(ObjectNode node) {
        try {
            write(JSON.writeValueAsString(node));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    private void write(String line) {
        byte[] bytes = (line + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.write(bytes, 0, bytes.length);
    }

    private NdjsonBulk item() {
        items++;
        return this;
    }
}
