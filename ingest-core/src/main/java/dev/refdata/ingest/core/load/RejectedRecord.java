package dev.refdata.ingest.core.load;

import java.util.Objects;

/**
 * A record that could not be loaded, with enough to correct it and load it again.
 *
 * @param line      physical line where it starts
 * @param reason    why: a conversion problem, or the server's status, error type and reason
 * @param raw       the record as written (its first bytes only when {@code truncated})
 * @param truncated whether {@code raw} is only the beginning of an oversized record
 */
public record RejectedRecord(long line, String reason, String raw, boolean truncated) {

    public RejectedRecord {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(raw, "raw");
    }
}
