package dev.refdata.ingest.it.faults;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refdata.ingest.core.csv.ChunkRecordReader;
import dev.refdata.ingest.core.csv.CsvRecord;
import dev.refdata.ingest.core.domain.ColumnSpec;
import dev.refdata.ingest.core.domain.DatasetSpec;
import dev.refdata.ingest.core.domain.HeaderLayout;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.port.out.ObjectStore;
import dev.refdata.ingest.core.load.BulkBuffer;
import dev.refdata.ingest.core.load.DocumentConverter;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The guarantee's oracle: what the index must hold after a run over a CSV file, worked out from the file itself,
 * and the check that it holds exactly that. Each id's winning record (highest external version; a delete wins
 * by removing the id) must be in the index with that version ({@code _version}) and every column's value as
 * written in the file (an empty cell absent); nothing else may be in the index; and the run report must account
 * for every record read.
 *
 * <p>The index is read with the JDK's own HTTP client ({@code _count}, then {@code _mget} a thousand ids at a
 * time), not through the adapter under test.
 */
final class ExactIndex {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final int IDS_PER_MGET = 1_000;
    private static final int MISMATCHES_SHOWN = 20;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ExactIndex() {
    }

    /** One document the index must hold. */
    record ExpectedDocument(String id, long version, long line, Map<String, String> cells) {
    }

    /**
     * What a file should leave in the index.
     *
     * @param documents the winning upserts by id
     * @param records   data records in the file (every one must be read)
     * @param rejected  records the converter refuses (must be counted as rejected)
     */
    record Expected(Map<String, ExpectedDocument> documents, long records, long rejected, DatasetSpec spec) {
    }

    /** Works out the expected documents of a CSV file (header line first) of {@code spec}. */
    static Expected of(byte[] csv, DatasetSpec spec) {
        int headerEnd = indexOf(csv, (byte) '\n') + 1;
        if (headerEnd == 0) {
            throw new IllegalArgumentException("no header line");
        }
        List<String> header = Arrays.asList(new String(csv, 0, headerEnd, StandardCharsets.UTF_8).strip().split(","));
        HeaderLayout layout = HeaderLayout.resolve(spec, header);
        DocumentConverter converter = new DocumentConverter(spec, layout, "oracle", "oracle");
        Map<String, ExpectedDocument> winners = new LinkedHashMap<>();
        Map<String, Long> versions = new LinkedHashMap<>();
        long records = 0;
        long rejected = 0;
        try (ChunkRecordReader reader = new ChunkRecordReader(
                new ByteArrayInputStream(csv, headerEnd, csv.length - headerEnd), spec.dialect(), headerEnd, 2)) {
            CsvRecord record;
            BulkBuffer scratch = new BulkBuffer(1 << 16);
            while ((record = reader.next()) != null) {
                records++;
                if (records % 1_000 == 0) {
                    scratch = new BulkBuffer(1 << 16);
                }
                if (converter.append(record, scratch) != null) {
                    rejected++;
                    continue;
                }
                String id = converter.lastId();
                long version = converter.lastVersion();
                Long current = versions.get(id);
                if (current != null && version <= current) {
                    continue; // external versioning: an equal or older version is a conflict, the first stays
                }
                versions.put(id, version);
                if (converter.lastOperation() == DocumentConverter.Operation.DELETE) {
                    winners.remove(id);
                } else {
                    Map<String, String> cells = new LinkedHashMap<>();
                    for (ColumnSpec column : spec.columns()) {
                        cells.put(column.name(), record.field(layout.positionOf(column.name())));
                    }
                    winners.put(id, new ExpectedDocument(id, version, record.line(), cells));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return requireNonEmpty(new Expected(Map.copyOf(winners), records, rejected, spec));
    }

    /**
     * Asserts that {@code index} (an index or an alias of one) at {@code openSearch} holds exactly the expected
     * documents: the same number, each with its version and every field's value. Refreshes the index first.
     */
    static void assertExact(URI openSearch, String index, Expected expected) {
        send(openSearch, "POST", "/" + index + "/_refresh", null);
        long count = send(openSearch, "GET", "/" + index + "/_count", null).get("count").asLong();
        assertMatching(openSearch, index, expected, List.copyOf(expected.documents().keySet()));
        assertThat(count).as("documents in %s: exactly the expected ones, nothing more", index)
                .isEqualTo(expected.documents().size());
    }

    /**
     * Asserts that every expected document {@code covered} accepts is in the index as expected (the index may hold
     * more): what a checkpoint claims must have been acknowledged by OpenSearch.
     *
     * @return how many documents were checked
     */
    static int assertPresent(URI openSearch, String index, Expected expected, Predicate<ExpectedDocument> covered) {
        send(openSearch, "POST", "/" + index + "/_refresh", null);
        List<String> ids = expected.documents().values().stream().filter(covered).map(ExpectedDocument::id).toList();
        assertMatching(openSearch, index, expected, ids);
        return ids.size();
    }

    private static void assertMatching(URI openSearch, String index, Expected expected, List<String> ids) {
        List<String> mismatches = new ArrayList<>();
        long mismatched = 0;
        for (int from = 0; from < ids.size(); from += IDS_PER_MGET) {
            List<String> batch = ids.subList(from, Math.min(ids.size(), from + IDS_PER_MGET));
            ObjectNode body = JSON.createObjectNode();
            ArrayNode idArray = body.putArray("ids");
            batch.forEach(idArray::add);
            JsonNode docs = send(openSearch, "POST", "/" + index + "/_mget", body.toString()).get("docs");
            assertThat(docs).as("_mget answered every id").hasSize(batch.size());
            for (JsonNode doc : docs) {
                String problem = compare(expected.documents().get(doc.get("_id").asText()), doc, expected.spec());
                if (problem != null) {
                    mismatched++;
                    if (mismatches.size() < MISMATCHES_SHOWN) {
                        mismatches.add(problem);
                    }
                }
            }
        }
        assertThat(mismatches).as("%d of %d documents differ from the source, e.g.", mismatched, ids.size()).isEmpty();
    }

    /**
     * Asserts that the run report at {@code report} accounts for every record of the file: read = the file's
     * records = indexed + deleted + stale + rejected, the expected rejects, every chunk COMPLETED with balanced
     * counters that add up to the totals.
     */
    static void assertReportAccounts(ObjectStore objects, ObjectRef report, Expected expected) {
        JsonNode json;
        try (InputStream in = objects.open(report)) {
            json = JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the run report " + report, e);
        }
        JsonNode totals = json.get("totals");
        long read = totals.get("read").asLong();
        assertThat(json.get("expectedRecords").asLong()).as("records planned").isEqualTo(expected.records());
        assertThat(read).as("records read").isEqualTo(expected.records());
        assertThat(totals.get("indexed").asLong() + totals.get("deleted").asLong() + totals.get("stale").asLong()
                + totals.get("rejected").asLong()).as("read = indexed + deleted + stale + rejected: %s", totals)
                .isEqualTo(read);
        assertThat(totals.get("rejected").asLong()).as("rejected").isEqualTo(expected.rejected());
        long readByChunks = 0;
        for (JsonNode chunk : json.get("chunks")) {
            assertThat(chunk.get("status").asText()).as("chunk %s", chunk.get("chunk")).isEqualTo("COMPLETED");
            JsonNode c = chunk.get("counters");
            assertThat(c.get("read").asLong()).as("chunk %s read its planned records", chunk.get("chunk"))
                    .isEqualTo(chunk.get("plannedRecords").asLong())
                    .isEqualTo(c.get("indexed").asLong() + c.get("deleted").asLong() + c.get("stale").asLong()
                            + c.get("rejected").asLong());
            readByChunks += c.get("read").asLong();
        }
        assertThat(readByChunks).as("the chunks add up to the totals").isEqualTo(read);
    }

    private static String compare(ExpectedDocument expected, JsonNode doc, DatasetSpec spec) {
        String id = doc.get("_id").asText();
        if (!doc.path("found").asBoolean()) {
            return id + ": missing";
        }
        if (doc.get("_version").asLong() != expected.version()) {
            return id + ": _version " + doc.get("_version").asLong() + ", expected " + expected.version();
        }
        JsonNode source = doc.get("_source");
        for (ColumnSpec column : spec.columns()) {
            String cell = expected.cells().get(column.name());
            JsonNode field = source.get(column.name());
            if (cell.isEmpty()) {
                if (field != null) {
                    return id + "." + column.name() + ": " + field + ", expected absent";
                }
                continue;
            }
            if (field == null) {
                return id + "." + column.name() + ": absent, expected " + cell;
            }
            boolean equal = switch (column.type()) {
                case DECIMAL, INTEGER -> field.decimalValue().compareTo(new BigDecimal(cell)) == 0;
                case BOOLEAN -> field.asBoolean() == Boolean.parseBoolean(cell.toLowerCase(java.util.Locale.ROOT));
                case STRING, DATE, TIMESTAMP -> field.asText().equals(cell);
            };
            if (!equal) {
                return id + "." + column.name() + ": " + field + ", expected " + cell;
            }
        }
        if (source.at("/ingest/line").asLong() != expected.line()) {
            return id + ": ingest.line " + source.at("/ingest/line") + ", expected " + expected.line();
        }
        return null;
    }

    private static JsonNode send(URI node, String method, String path, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(node.resolve(path)).timeout(Duration.ofSeconds(60));
        if (json == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.method(method, HttpRequest.BodyPublishers.ofString(json))
                    .header("Content-Type", "application/json");
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new AssertionError(method + " " + path + ": HTTP " + response.statusCode() + " " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static Expected requireNonEmpty(Expected expected) {
        Objects.requireNonNull(expected, "expected");
        if (expected.documents().isEmpty()) {
            throw new IllegalArgumentException("an empty expectation proves nothing");
        }
        return expected;
    }
}
