package dev.refdata.ingest.core.domain;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The type of a column's values, which decides both the conversion of a cell and the index mapping. */
public enum ColumnType {
    /** Text kept as is; indexed as a keyword, or as full text with an exact keyword sub-field. */
    STRING,
    /** A whole number that fits in 64 bits. */
    INTEGER,
    /** A decimal number, kept exactly as written in the source. */
    DECIMAL,
    /** {@code true} or {@code false} (case-insensitive). */
    BOOLEAN,
    /** A calendar date, {@code yyyy-MM-dd}. */
    DATE,
    /** An ISO-8601 instant with offset, e.g. {@code 2026-11-27T02:00:00Z}. */
    TIMESTAMP;

    /** Parses a type name as written in a dataset spec ({@code "string"}, {@code "date"}, …). */
    public static ColumnType fromName(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown column type '" + name + "' (expected one of "
                    + Arrays.stream(values()).map(t -> t.name().toLowerCase(Locale.ROOT))
                    .collect(Collectors.joining(", ")) + ")", e);
        }
    }

    public String specName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
