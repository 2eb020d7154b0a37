package dev.refdata.ingest.core.domain;

import java.util.Locale;

/** An extra validity check on a column's values, beyond its type. */
public enum ColumnCheck {
    NONE,
    /** The value must be an ISIN with a correct check digit. */
    ISIN;

    public static ColumnCheck fromName(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown column check '" + name + "' (expected none or isin)", e);
        }
    }

    /** Why {@code value} fails this check, or {@code null} when it passes. */
    public String problem(CharSequence value) {
        return switch (this) {
            case NONE -> null;
            case ISIN -> Isin.problem(value);
        };
    }

    /** Why the ASCII bytes from {@code from} to {@code to} fail this check, or {@code null} when they pass. */
    public String problem(byte[] ascii, int from, int to) {
        return switch (this) {
            case NONE -> null;
            case ISIN -> Isin.problem(ascii, from, to);
        };
    }
}
