package dev.refdata.ingest.core.domain;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Where each of a dataset's columns sits in one file's records, as that file's header says. A header must name
 * every data column exactly once, in any order, and may add the dataset's operation column; anything else is
 * an error that names what is missing, unknown or repeated.
 *
 * @param columnNames the names in file order
 */
public record HeaderLayout(List<String> columnNames) {

    public HeaderLayout {
        columnNames = List.copyOf(Objects.requireNonNull(columnNames, "columnNames"));
    }

    /** The layout of a file without a header: the data columns in declared order, no operation column. */
    public static HeaderLayout declaredOrder(DatasetSpec spec) {
        return new HeaderLayout(spec.columnNames());
    }

    /**
     * Checks a header against the spec.
     *
     * @return the layout
     * @throws IllegalArgumentException naming missing, unknown and duplicate columns
     */
    public static HeaderLayout resolve(DatasetSpec spec, List<String> header) {
        List<String> problems = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Set<String> duplicates = new LinkedHashSet<>();
        Set<String> unknown = new LinkedHashSet<>();
        Set<String> known = new HashSet<>(spec.columnNames());
        spec.operation().ifPresent(known::add);
        for (String raw : header) {
            String name = raw == null ? "" : raw.trim();
            if (!seen.add(name)) {
                duplicates.add(name);
            }
            if (!known.contains(name)) {
                unknown.add(name.isEmpty() ? "(empty)" : name);
            }
        }
        List<String> missing = new ArrayList<>();
        for (String name : spec.columnNames()) {
            if (!seen.contains(name)) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            problems.add("missing columns " + missing);
        }
        if (!unknown.isEmpty()) {
            problems.add("unknown columns " + unknown);
        }
        if (!duplicates.isEmpty()) {
            problems.add("duplicate columns " + duplicates);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("header does not match dataset '" + spec.name() + "': "
                    + String.join("; ", problems) + " (expected " + String.join(",", spec.columnNames())
                    + spec.operation().map(op -> " optionally followed by " + op).orElse("") + ")");
        }
        return new HeaderLayout(header.stream().map(String::trim).toList());
    }

    public int width() {
        return columnNames.size();
    }

    /** Position of a column in a record, or -1 when the file does not carry it. */
    public int positionOf(String column) {
        return positions().getOrDefault(column, -1);
    }

    private Map<String, Integer> positions() {
        Map<String, Integer> positions = new HashMap<>();
        for (int i = 0; i < columnNames.size(); i++) {
            positions.put(columnNames.get(i), i);
        }
        return positions;
    }
}
