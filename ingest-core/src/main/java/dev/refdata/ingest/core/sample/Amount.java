package dev.refdata.ingest.core.sample;

import java.util.Locale;

/**
 * How many rows of some kind to add to a sample file: either an absolute {@linkplain #count(long) count} or a
 * {@linkplain #rate(double) rate} relative to the number of base records. A rate is turned into a count once,
 * up front ({@code round(rate × records)}), so the exact number of such rows is known before the file is written.
 */
public sealed interface Amount permits Amount.Count, Amount.Rate {

    /** No rows. */
    Amount NONE = new Count(0);

    static Amount count(long rows) {
        return new Count(rows);
    }

    static Amount rate(double fractionOfRecords) {
        return new Rate(fractionOfRecords);
    }

    /**
     * Parses {@code "250"} (a count), {@code "2.5%"} (a rate of 0.025) or {@code "0.025"} (a rate: any value with
     * a decimal point).
     */
    static Amount parse(String text) {
        String s = text.trim();
        try {
            if (s.endsWith("%")) {
                return rate(Double.parseDouble(s.substring(0, s.length() - 1).trim()) / 100.0);
            }
            if (s.indexOf('.') >= 0 || s.toLowerCase(Locale.ROOT).indexOf('e') >= 0) {
                return rate(Double.parseDouble(s));
            }
            return count(Long.parseLong(s));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a count or a rate: '" + text + "'", e);
        }
    }

    /** The number of rows this amount stands for in a file of {@code baseRecords} base records. */
    long resolve(long baseRecords);

    /** An absolute number of rows. */
    record Count(long rows) implements Amount {
        public Count {
            if (rows < 0) {
                throw new IllegalArgumentException("a row count cannot be negative: " + rows);
            }
        }

        @Override
        public long resolve(long baseRecords) {
            return rows;
        }

        @Override
        public String toString() {
            return Long.toString(rows);
        }
    }

    /** A number of rows proportional to the number of base records. */
    record Rate(double fraction) implements Amount {
        public Rate {
            if (!(fraction >= 0) || Double.isInfinite(fraction)) {
                throw new IllegalArgumentException("a rate must be a finite number >= 0: " + fraction);
            }
        }

        @Override
        public long resolve(long baseRecords) {
            return Math.round(fraction * baseRecords);
        }

        @Override
        public String toString() {
            return fraction * 100 + "%";
        }
    }
}
