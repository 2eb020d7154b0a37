package dev.refdata.ingest.core.domain;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One column of a feed.
 *
 * @param name      the header name, also the document field name
 * @param type      how the cell is converted and indexed
 * @param required  whether an empty cell makes the record a reject
 * @param fullText  for strings: index as analysed text with an exact {@code keyword} sub-field
 * @param maxLength the largest number of characters a cell may hold (a larger one is a reject)
 * @param check     an extra validity check
 */
public record ColumnSpec(String name, ColumnType type, boolean required, boolean fullText, int maxLength,
                         ColumnCheck check) {

    /** Field names OpenSearch accepts as plain document fields, and that are safe in paths and logs. */
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");
    public static final int DEFAULT_MAX_LENGTH = 32_766 / 4;

    public ColumnSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(check, "check");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("column name '" + name
                    + "' must be lower case letters, digits and '_', starting with a letter, at most 63 characters");
        }
        if (fullText && type != ColumnType.STRING) {
            throw new IllegalArgumentException("column '" + name + "': full text applies to string columns only");
        }
        if (maxLength < 1) {
            throw new IllegalArgumentException("column '" + name + "': maxLength must be positive");
        }
    }

    public static ColumnSpec of(String name, ColumnType type) {
        return new ColumnSpec(name, type, false, false, DEFAULT_MAX_LENGTH, ColumnCheck.NONE);
    }
}
