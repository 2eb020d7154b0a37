package dev.refdata.ingest.adapter.opensearch;

import java.util.Objects;

/** The checks on index and alias names done before a request is built; the server applies the full rules. */
final class IndexNames {

    private IndexNames() {
    }

    static String require(String name) {
        Objects.requireNonNull(name, "index name");
        if (name.isBlank() || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("not an index name: '" + name + "'");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == '\\' || Character.isWhitespace(c) || Character.isISOControl(c)) {
                throw new IllegalArgumentException("an index name must not contain '/', '\\\\', spaces or control "
                        + "characters: '" + name + "'");
            }
        }
        return name;
    }
}
