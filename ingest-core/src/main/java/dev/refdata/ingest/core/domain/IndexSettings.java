package dev.refdata.ingest.core.domain;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where and how a dataset is indexed. The mapping itself is derived from the columns
 * ({@link IndexMapping}), so the two can never disagree.
 *
 * @param alias    the name readers use; full loads build a new index behind it and swap it atomically
 * @param shards   primary shards of each new index
 * @param replicas replicas once a load is complete (zero during a full load)
 */
public record IndexSettings(String alias, int shards, int replicas) {

    private static final Pattern INDEX_NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,199}");

    public IndexSettings {
        Objects.requireNonNull(alias, "alias");
        if (!INDEX_NAME.matcher(alias).matches()) {
            throw new IllegalArgumentException("alias '" + alias
                    + "' is not a valid index name (lower case letters, digits, '_', '-', '.')");
        }
        if (shards < 1 || shards > 1024) {
            throw new IllegalArgumentException("shards must be between 1 and 1024: " + shards);
        }
        if (replicas < 0 || replicas > 16) {
            throw new IllegalArgumentException("replicas must be between 0 and 16: " + replicas);
        }
    }
}
