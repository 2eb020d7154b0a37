package dev.refdata.ingest.core.domain;

import java.util.Objects;
import java.util.regex.Pattern;

/** Identifies one run: readable (dataset, business date, a short unique part), safe in keys, paths and logs. */
public record RunId(String value) {

    private static final Pattern FORM = Pattern.compile("[a-z0-9][a-z0-9._-]{0,127}");

    public RunId {
        Objects.requireNonNull(value, "value");
        if (!FORM.matcher(value).matches()) {
            throw new IllegalArgumentException("run id '" + value
                    + "' must be 1 to 128 lower case letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
