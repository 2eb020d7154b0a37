package dev.refdata.ingest.core.domain;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Everything the pipeline knows about one reference-data feed: its CSV dialect, its columns, which columns
 * identify a document, which one versions it, which one says whether a record is an upsert or a delete, and
 * where it is indexed.
 *
 * @param name            the dataset's name, e.g. {@code instruments}
 * @param dialect         how the CSV is written
 * @param columns         the data columns; a file's header must name each of them exactly once, in any order
 * @param idColumns       the column(s) whose values, joined, form the document id; each is required
 * @param versionColumn   the column used for external versioning (a timestamp or an integer), or {@code null}
 * @param operationColumn an optional extra column ({@code upsert}, {@code delete}, empty = upsert) that a
 *                        file may carry after the data columns, or {@code null}
 * @param index           alias, shards and replicas
 */
public record DatasetSpec(String name, CsvDialect dialect, List<ColumnSpec> columns, List<String> idColumns,
                          String versionColumn, String operationColumn, IndexSettings index) {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,62}");
    /** Field holding the pipeline's own bookkeeping in every document (run id, source line). */
    public static final String INGEST_FIELD = "ingest";

    public DatasetSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dialect, "dialect");
        Objects.requireNonNull(index, "index");
        columns = List.copyOf(Objects.requireNonNull(columns, "columns"));
        idColumns = List.copyOf(Objects.requireNonNull(idColumns, "idColumns"));
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("dataset name '" + name
                    + "' must be lower case letters, digits, '_' or '-', starting with a letter");
        }
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("dataset '" + name + "' has no columns");
        }
        Map<String, ColumnSpec> byName = new LinkedHashMap<>();
        for (ColumnSpec c : columns) {
            if (byName.put(c.name(), c) != null) {
                throw new IllegalArgumentException("dataset '" + name + "': column '" + c.name() + "' appears twice");
            }
            if (c.name().equals(INGEST_FIELD)) {
                throw new IllegalArgumentException("dataset '" + name + "': column name '" + INGEST_FIELD
                        + "' is reserved for the pipeline's bookkeeping");
            }
        }
        if (idColumns.isEmpty()) {
            throw new IllegalArgumentException("dataset '" + name + "' names no id column");
        }
        Set<String> seenIds = new HashSet<>();
        for (String id : idColumns) {
            ColumnSpec c = byName.get(id);
            if (c == null) {
                throw new IllegalArgumentException("dataset '" + name + "': id column '" + id + "' is not a column");
            }
            if (!c.required()) {
                throw new IllegalArgumentException("dataset '" + name + "': id column '" + id + "' must be required");
            }
            if (!seenIds.add(id)) {
                throw new IllegalArgumentException("dataset '" + name + "': id column '" + id + "' named twice");
            }
        }
        if (versionColumn != null) {
            ColumnSpec v = byName.get(versionColumn);
            if (v == null) {
                throw new IllegalArgumentException("dataset '" + name + "': version column '" + versionColumn
                        + "' is not a column");
            }
            if (v.type() != ColumnType.TIMESTAMP && v.type() != ColumnType.INTEGER) {
                throw new IllegalArgumentException("dataset '" + name + "': version column '" + versionColumn
                        + "' must be a timestamp or an integer, not " + v.type().specName());
            }
            if (!v.required()) {
                throw new IllegalArgumentException("dataset '" + name + "': version column '" + versionColumn
                        + "' must be required (a document without a version cannot be ordered)");
            }
        }
        if (operationColumn != null) {
            if (!NAME.matcher(operationColumn).matches() || operationColumn.contains("-")) {
                throw new IllegalArgumentException("dataset '" + name + "': operation column name '"
                        + operationColumn + "' is not a valid column name");
            }
            if (byName.containsKey(operationColumn) || operationColumn.equals(INGEST_FIELD)) {
                throw new IllegalArgumentException("dataset '" + name + "': operation column '" + operationColumn
                        + "' must not also be a data column");
            }
        }
    }

    public Optional<ColumnSpec> column(String columnName) {
        return columns.stream().filter(c -> c.name().equals(columnName)).findFirst();
    }

    public Optional<ColumnSpec> version() {
        return versionColumn == null ? Optional.empty() : column(versionColumn);
    }

    public Optional<String> operation() {
        return Optional.ofNullable(operationColumn);
    }

    /** The column names in declaration order. */
    public List<String> columnNames() {
        List<String> names = new ArrayList<>(columns.size());
        for (ColumnSpec c : columns) {
            names.add(c.name());
        }
        return names;
    }
}
