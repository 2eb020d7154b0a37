package dev.refdata.ingest.core.sample;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * What a sample run wrote.
 *
 * @param records       data rows written (all kinds, header excluded)
 * @param bytes         bytes written, byte-order mark and header included (for a {@code Writer}: the UTF-8 size)
 * @param distinctIds   distinct ISINs among the valid rows (= {@code baseRecords}; each base record has its own)
 * @param baseRecords   base records: one per instrument
 * @param updates       rows repeating an earlier id with a later {@code updated_at}
 * @param olderVersions rows repeating an earlier id with an earlier {@code updated_at} (stale versions)
 * @param deletes       rows with {@code op=delete} and a later {@code updated_at} for an earlier id
 * @param invalidRows   deliberately invalid rows, all kinds together
 * @param invalidByKind deliberately invalid rows by kind (every kind present, possibly with 0)
 */
public record SampleSummary(long records, long bytes, long distinctIds, long baseRecords, long updates,
                            long olderVersions, long deletes, long invalidRows,
                            Map<InvalidRowKind, Long> invalidByKind) {

    public SampleSummary {
        EnumMap<InvalidRowKind, Long> copy = new EnumMap<>(InvalidRowKind.class);
        for (InvalidRowKind kind : InvalidRowKind.values()) {
            copy.put(kind, 0L);
        }
        copy.putAll(invalidByKind);
        invalidByKind = Collections.unmodifiableMap(copy);
    }

    /**
     * Documents an index should hold once the file is loaded: every id is touched by at most one update, stale
     * version or delete, and a delete is always newer than the base record, so each delete removes one document.
     */
    public long expectedDocuments() {
        return distinctIds - deletes;
    }

    public long invalid(InvalidRowKind kind) {
        return invalidByKind.get(kind);
    }
}
