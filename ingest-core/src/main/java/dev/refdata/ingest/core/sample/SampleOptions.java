package dev.refdata.ingest.core.sample;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link InstrumentSampleGenerator} writes. Build one with {@link #builder()}; {@link #defaults()} is
 * 1,000 base records, seed 42, LF line endings with a final line break, no byte-order mark, no {@code op}
 * column, {@link NameQuirks#DEFAULT} names, and no updates, stale versions, deletes or invalid rows.
 *
 * @param seed           seed of every random choice: the same options give the same bytes
 * @param records        base records, one per instrument (distinct ISINs)
 * @param lineEnding     record terminator
 * @param finalLineBreak whether the last record is followed by a line break
 * @param byteOrderMark  whether the file starts with a UTF-8 byte-order mark
 * @param opColumn       whether the header ends with the {@code op} column ({@code upsert}, {@code delete} or empty)
 * @param nameQuirks     how often names hold commas, quotes, line breaks and non-ASCII letters
 * @param updates        rows repeating an earlier id with a later {@code updated_at} and changed content
 * @param olderVersions  rows repeating an earlier id with an earlier {@code updated_at} (they come after it)
 * @param deletes        {@code op=delete} rows for an earlier id with a later {@code updated_at}; needs the op column
 * @param invalidRows    deliberately invalid rows by kind; kinds not present mean none
 * @param placement      whether the extra rows are mixed among the base records or come after all of them
 * @param asOf           the run's "now": base records are 1 to 30 days older, updates and deletes newer than
 *                       their base record but not newer than this
 */
public record SampleOptions(
        long seed,
        long records,
        LineEnding lineEnding,
        boolean finalLineBreak,
        boolean byteOrderMark,
        boolean opColumn,
        NameQuirks nameQuirks,
        Amount updates,
        Amount olderVersions,
        Amount deletes,
        Map<InvalidRowKind, Amount> invalidRows,
        Placement placement,
        Instant asOf) {

    /** ISINs are made from a 9-digit counter: base records and invalid rows together cannot exceed this. */
    public static final long MAX_IDS = 1_000_000_000L;

    public static final Instant DEFAULT_AS_OF = Instant.parse("2026-11-27T02:00:00Z");

    /** Record terminator. */
    public enum LineEnding {
        LF("\n"), CRLF("\r\n");

        private final String sequence;

        LineEnding(String sequence) {
            this.sequence = sequence;
        }

        public String sequence() {
            return sequence;
        }
    }

    /** Where updates, stale versions, deletes and invalid rows go. */
    public enum Placement {
        /** Mixed at random among the base records (an extra row for an id always comes after its base record). */
        INTERLEAVED,
        /** After all base records, mixed at random among themselves. */
        APPENDED
    }

    public SampleOptions {
        Objects.requireNonNull(lineEnding, "lineEnding");
        Objects.requireNonNull(nameQuirks, "nameQuirks");
        Objects.requireNonNull(updates, "updates");
        Objects.requireNonNull(olderVersions, "olderVersions");
        Objects.requireNonNull(deletes, "deletes");
        Objects.requireNonNull(invalidRows, "invalidRows");
        Objects.requireNonNull(placement, "placement");
        Objects.requireNonNull(asOf, "asOf");
        if (records < 0) {
            throw new IllegalArgumentException("records cannot be negative: " + records);
        }
        EnumMap<InvalidRowKind, Amount> invalid = new EnumMap<>(InvalidRowKind.class);
        invalidRows.forEach((kind, amount) -> invalid.put(Objects.requireNonNull(kind), Objects.requireNonNull(amount)));
        invalidRows = Collections.unmodifiableMap(invalid);

        long touched = updates.resolve(records) + olderVersions.resolve(records) + deletes.resolve(records);
        if (touched > records) {
            throw new IllegalArgumentException("updates + older versions + deletes (" + touched
                    + ") cannot exceed the base records (" + records + "): each id is touched at most once");
        }
        if (deletes.resolve(records) > 0 && !opColumn) {
            throw new IllegalArgumentException("deletes need the op column");
        }
        long invalidTotal = 0;
        for (Amount amount : invalidRows.values()) {
            invalidTotal += amount.resolve(records);
        }
        if (records + invalidTotal > MAX_IDS) {
            throw new IllegalArgumentException("at most " + MAX_IDS + " base records and invalid rows together");
        }
    }

    public static SampleOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder().seed(seed).records(records).lineEnding(lineEnding).finalLineBreak(finalLineBreak)
                .byteOrderMark(byteOrderMark).opColumn(opColumn).nameQuirks(nameQuirks).updates(updates)
                .olderVersions(olderVersions).deletes(deletes).placement(placement).asOf(asOf);
        invalidRows.forEach(b::invalidRows);
        return b;
    }

    public long updateCount() {
        return updates.resolve(records);
    }

    public long olderVersionCount() {
        return olderVersions.resolve(records);
    }

    public long deleteCount() {
        return deletes.resolve(records);
    }

    public long invalidCount(InvalidRowKind kind) {
        Amount amount = invalidRows.get(kind);
        return amount == null ? 0 : amount.resolve(records);
    }

    public long invalidRowCount() {
        long total = 0;
        for (InvalidRowKind kind : InvalidRowKind.values()) {
            total += invalidCount(kind);
        }
        return total;
    }

    /** Data rows the file will hold (header excluded). */
    public long totalRows() {
        return records + updateCount() + olderVersionCount() + deleteCount() + invalidRowCount();
    }

    /** Mutable builder of {@link SampleOptions}, starting from the defaults. */
    public static final class Builder {
        private long seed = 42L;
        private long records = 1_000;
        private LineEnding lineEnding = LineEnding.LF;
        private boolean finalLineBreak = true;
        private boolean byteOrderMark;
        private boolean opColumn;
        private NameQuirks nameQuirks = NameQuirks.DEFAULT;
        private Amount updates = Amount.NONE;
        private Amount olderVersions = Amount.NONE;
        private Amount deletes = Amount.NONE;
        private final EnumMap<InvalidRowKind, Amount> invalidRows = new EnumMap<>(InvalidRowKind.class);
        private Placement placement = Placement.INTERLEAVED;
        private Instant asOf = DEFAULT_AS_OF;

        private Builder() {
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder records(long records) {
            this.records = records;
            return this;
        }

        public Builder lineEnding(LineEnding lineEnding) {
            this.lineEnding = lineEnding;
            return this;
        }

        public Builder finalLineBreak(boolean finalLineBreak) {
            this.finalLineBreak = finalLineBreak;
            return this;
        }

        public Builder byteOrderMark(boolean byteOrderMark) {
            this.byteOrderMark = byteOrderMark;
            return this;
        }

        public Builder opColumn(boolean opColumn) {
            this.opColumn = opColumn;
            return this;
        }

        public Builder nameQuirks(NameQuirks nameQuirks) {
            this.nameQuirks = nameQuirks;
            return this;
        }

        public Builder updates(Amount updates) {
            this.updates = updates;
            return this;
        }

        public Builder olderVersions(Amount olderVersions) {
            this.olderVersions = olderVersions;
            return this;
        }

        /** Needs {@link #opColumn(boolean) opColumn(true)} unless the amount resolves to 0. */
        public Builder deletes(Amount deletes) {
            this.deletes = deletes;
            return this;
        }

        public Builder invalidRows(InvalidRowKind kind, Amount amount) {
            invalidRows.put(kind, amount);
            return this;
        }

        /** The same amount of invalid rows of every kind. */
        public Builder invalidRowsOfEachKind(Amount amount) {
            for (InvalidRowKind kind : InvalidRowKind.values()) {
                invalidRows.put(kind, amount);
            }
            return this;
        }

        public Builder placement(Placement placement) {
            this.placement = placement;
            return this;
        }

        public Builder asOf(Instant asOf) {
            this.asOf = asOf;
            return this;
        }

        public SampleOptions build() {
            return new SampleOptions(seed, records, lineEnding, finalLineBreak, byteOrderMark, opColumn, nameQuirks,
                    updates, olderVersions, deletes, invalidRows, placement, asOf);
        }
    }
}
