package dev.refdata.ingest.core.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.refdata.ingest.core.domain.ColumnCheck;
import dev.refdata.ingest.core.domain.ColumnSpec;
import dev.refdata.ingest.core.domain.ColumnType;
import dev.refdata.ingest.core.domain.CsvDialect;
import dev.refdata.ingest.core.domain.DatasetSpec;
import dev.refdata.ingest.core.domain.IndexSettings;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads a {@link DatasetSpec} from JSON or YAML. Unknown keys are errors (a typo must not silently change
 * what is loaded), and every message names the file and the path of the offending entry.
 *
 * <pre>
 * name: instruments
 * csv: { delimiter: ",", quote: "\"", header: true }
 * columns:
 *   - { name: isin, type: string, required: true, check: isin }
 *   - { name: name, type: string, fullText: true }
 * id: [isin]
 * version: updated_at      # optional
 * operation: op            # optional
 * index: { alias: instruments, shards: 1, replicas: 1 }
 * </pre>
 */
public final class DatasetSpecParser {

    public enum Format { JSON, YAML }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static final Set<String> TOP_KEYS = Set.of("name", "csv", "columns", "id", "version", "operation", "index");
    private static final Set<String> CSV_KEYS = Set.of("delimiter", "quote", "header");
    private static final Set<String> COLUMN_KEYS = Set.of("name", "type", "required", "fullText", "maxLength", "check");
    private static final Set<String> INDEX_KEYS = Set.of("alias", "shards", "replicas");

    private DatasetSpecParser() {
    }

    /** The format implied by a file name: {@code .yaml}/{@code .yml} is YAML, anything else JSON. */
    public static Format formatOf(String fileName) {
        String lower = fileName.toLowerCase(java.util.Locale.ROOT);
        return lower.endsWith(".yaml") || lower.endsWith(".yml") ? Format.YAML : Format.JSON;
    }

    public static DatasetSpec parse(String source, InputStream in, Format format) {
        JsonNode root;
        try {
            root = (format == Format.YAML ? YAML : JSON).readTree(in);
        } catch (JsonProcessingException e) {
            throw new InvalidDatasetSpecException("dataset spec " + source + ": not valid " + format + " at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ": "
                    + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new InvalidDatasetSpecException("dataset spec " + source + ": cannot be read: " + e.getMessage(), e);
        }
        return new Reading(source).spec(root);
    }

    /** One parse, carrying the source name into every message. */
    private record Reading(String source) {

        DatasetSpec spec(JsonNode root) {
            ObjectNode top = object(root, "");
            onlyKeys(top, TOP_KEYS, "");
            String name = text(top, "name", "", true);
            ObjectNode csv = top.has("csv") ? object(top.get("csv"), "csv") : JSON.createObjectNode();
            onlyKeys(csv, CSV_KEYS, "csv");
            CsvDialect dialect = attempt("csv", () -> new CsvDialect(
                    singleChar(csv, "delimiter", ','), singleChar(csv, "quote", '"'),
                    bool(csv, "header", true, "csv")));
            JsonNode columnsNode = required(top, "columns", "");
            if (!columnsNode.isArray()) {
                throw fail("columns", "must be a list of columns");
            }
            List<ColumnSpec> columns = new ArrayList<>();
            for (int i = 0; i < columnsNode.size(); i++) {
                columns.add(column(columnsNode.get(i), "columns[" + i + "]"));
            }
            List<String> ids = new ArrayList<>();
            JsonNode idNode = required(top, "id", "");
            if (idNode.isTextual()) {
                ids.add(idNode.asText());
            } else if (idNode.isArray()) {
                for (JsonNode n : idNode) {
                    if (!n.isTextual()) {
                        throw fail("id", "must list column names");
                    }
                    ids.add(n.asText());
                }
            } else {
                throw fail("id", "must be a column name or a list of column names");
            }
            String version = text(top, "version", "", false);
            String operation = text(top, "operation", "", false);
            ObjectNode indexNode = object(required(top, "index", ""), "index");
            onlyKeys(indexNode, INDEX_KEYS, "index");
            IndexSettings index = attempt("index", () -> new IndexSettings(
                    text(indexNode, "alias", "index", true),
                    integer(indexNode, "shards", 1, "index"),
                    integer(indexNode, "replicas", 1, "index")));
            return attempt("", () -> new DatasetSpec(name, dialect, columns, ids, version, operation, index));
        }

        private ColumnSpec column(JsonNode node, String path) {
            ObjectNode c = object(node, path);
            onlyKeys(c, COLUMN_KEYS, path);
            String name = text(c, "name", path, true);
            String where = path + " (" + name + ")";
            ColumnType type = attempt(where + ".type", () -> ColumnType.fromName(text(c, "type", path, true)));
            ColumnCheck check = c.has("check")
                    ? attempt(where + ".check", () -> ColumnCheck.fromName(text(c, "check", path, true)))
                    : ColumnCheck.NONE;
            return attempt(where, () -> new ColumnSpec(name, type, bool(c, "required", false, path),
                    bool(c, "fullText", false, path), integer(c, "maxLength", ColumnSpec.DEFAULT_MAX_LENGTH, path),
                    check));
        }

        private <T> T attempt(String path, java.util.function.Supplier<T> build) {
            try {
                return build.get();
            } catch (InvalidDatasetSpecException e) {
                throw e;
            } catch (IllegalArgumentException e) {
                throw fail(path, e.getMessage());
            }
        }

        private ObjectNode object(JsonNode node, String path) {
            if (node == null || !node.isObject()) {
                throw fail(path, "must be an object");
            }
            return (ObjectNode) node;
        }

        private JsonNode required(ObjectNode node, String key, String path) {
            JsonNode v = node.get(key);
            if (v == null || v.isNull()) {
                throw fail(join(path, key), "is required");
            }
            return v;
        }

        private void onlyKeys(ObjectNode node, Set<String> allowed, String path) {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!allowed.contains(key)) {
                    throw fail(join(path, key), "unknown key (allowed: " + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
                }
            }
        }

        private String text(ObjectNode node, String key, String path, boolean required) {
            JsonNode v = node.get(key);
            if (v == null || v.isNull()) {
                if (required) {
                    throw fail(join(path, key), "is required");
                }
                return null;
            }
            if (!v.isTextual()) {
                throw fail(join(path, key), "must be a string");
            }
            return v.asText();
        }

        private char singleChar(ObjectNode node, String key, char fallback) {
            String s = text(node, key, "csv", false);
            if (s == null) {
                return fallback;
            }
            if (s.length() != 1) {
                throw fail("csv." + key, "must be exactly one character, got '" + s + "'");
            }
            return s.charAt(0);
        }

        private boolean bool(ObjectNode node, String key, boolean fallback, String path) {
            JsonNode v = node.get(key);
            if (v == null || v.isNull()) {
                return fallback;
            }
            if (!v.isBoolean()) {
                throw fail(join(path, key), "must be true or false");
            }
            return v.asBoolean();
        }

        private int integer(ObjectNode node, String key, int fallback, String path) {
            JsonNode v = node.get(key);
            if (v == null || v.isNull()) {
                return fallback;
            }
            if (!v.canConvertToInt() || !v.isIntegralNumber()) {
                throw fail(join(path, key), "must be a whole number");
            }
            return v.asInt();
        }

        private static String join(String path, String key) {
            return path.isEmpty() ? key : path + "." + key;
        }

        private InvalidDatasetSpecException fail(String path, String problem) {
            return new InvalidDatasetSpecException("dataset spec " + source + (path.isEmpty() ? "" : ": " + path)
                    + ": " + problem);
        }
    }
}
