package dev.refdata.ingest.core.domain;

import java.util.Locale;

/** How a run writes: into the live alias, or into a fresh index swapped in behind the alias when verified. */
public enum RunMode {
    /** Updates, deletes and new records written into the live alias. */
    DELTA,
    /** A whole new index, built with refresh off and no replicas, swapped in atomically after verification. */
    FULL;

    public static RunMode fromName(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown mode '" + name + "' (expected delta or full)", e);
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
