package dev.refdata.ingest.core.load;

/**
 * Fast paths for the one shape of date and of timestamp that feeds use almost always, {@code 2026-11-27} and
 * {@code 2026-11-27T02:00:00[.fraction](Z|+01:00)}: read digit by digit, without the allocations and the general
 * machinery of {@code java.time} parsing (which cost more than the rest of a record's conversion).
 *
 * <p>They only ever say "valid, and this is the value" for text that {@code java.time} accepts with the same
 * value; for anything else (another shape, an impossible date, lower-case {@code t}, an offset with seconds) they
 * say {@link #NOT_SIMPLE} and the caller asks {@code java.time}, which stays the judge of everything unusual.
 *
 * <p>They read a cell's bytes where they are (statically bound array reads, which the C1-only JIT the functions
 * are deployed with compiles inline, unlike calls through {@link CharSequence}). A byte beyond ASCII is never
 * part of the common shape, so text held as a string (a cell with doubled quotes or characters beyond ASCII) is
 * never simple and goes to {@code java.time} directly.
 */
final class IsoDates {

    /** The text is not in the common shape (it may still be valid): ask {@code java.time}. */
    static final long NOT_SIMPLE = Long.MIN_VALUE;

    private static final long DAYS_0000_TO_1970 = 719_528L;
    private static final int MAX_OFFSET_HOURS = 18;

    private IsoDates() {
    }

    /** Whether the bytes from {@code from} to {@code to} are exactly {@code yyyy-MM-dd} (four-digit year) and a real date. */
    static boolean isSimpleDate(byte[] s, int from, int to) {
        return to - from == 10 && epochDay(s, from) != NOT_SIMPLE;
    }

    /**
     * Epoch milliseconds of {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]} followed by {@code Z} or {@code ±HH:MM}, as
     * {@code OffsetDateTime.parse(s, ISO_OFFSET_DATE_TIME).toInstant().toEpochMilli()} gives them, in the bytes
     * from {@code from} to {@code to}; or {@link #NOT_SIMPLE}.
     */
    static long epochMillis(byte[] s, int from, int to) {
        int n = to - from;
        if (n < 20 || s[from + 10] != 'T' || s[from + 13] != ':' || s[from + 16] != ':') {
            return NOT_SIMPLE;
        }
        long day = epochDay(s, from);
        int hour = twoDigits(s, from + 11);
        int minute = twoDigits(s, from + 14);
        int second = twoDigits(s, from + 17);
        if (day == NOT_SIMPLE || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return NOT_SIMPLE;
        }
        int i = from + 19;
        int millis = 0;
        if (s[i] == '.') {
            int digits = 0;
            i++;
            while (i < to && s[i] >= '0' && s[i] <= '9') {
                if (digits < 3) {
                    millis = millis * 10 + (s[i] - '0');
                }
                digits++;
                i++;
            }
            if (digits == 0 || digits > 9) {
                return NOT_SIMPLE;
            }
            for (int d = digits; d < 3; d++) {
                millis *= 10;
            }
        }
        int offsetSeconds;
        if (i == to - 1 && s[i] == 'Z') {
            offsetSeconds = 0;
        } else if (i == to - 6 && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':') {
            int oh = twoDigits(s, i + 1);
            int om = twoDigits(s, i + 4);
            if (oh < 0 || om < 0 || om > 59 || oh > MAX_OFFSET_HOURS || (oh == MAX_OFFSET_HOURS && om != 0)) {
                return NOT_SIMPLE;
            }
            offsetSeconds = (oh * 3600 + om * 60) * (s[i] == '-' ? -1 : 1);
        } else {
            return NOT_SIMPLE;
        }
        long seconds = day * 86_400L + hour * 3600L + minute * 60L + second - offsetSeconds;
        return seconds * 1000L + millis;
    }

    /** The epoch day of the {@code yyyy-MM-dd} at {@code at}, or {@link #NOT_SIMPLE}. */
    private static long epochDay(byte[] s, int at) {
        if (s[at + 4] != '-' || s[at + 7] != '-') {
            return NOT_SIMPLE;
        }
        int hi = twoDigits(s, at);
        int lo = twoDigits(s, at + 2);
        int month = twoDigits(s, at + 5);
        int day = twoDigits(s, at + 8);
        if (hi < 0 || lo < 0 || month < 1 || month > 12 || day < 1) {
            return NOT_SIMPLE;
        }
        int year = hi * 100 + lo;
        int tabled = year - FIRST_TABLED_YEAR;
        boolean leap;
        long january1;
        if (tabled >= 0 && tabled < TABLED_YEARS) {
            leap = LEAP[tabled];
            january1 = JANUARY_1[tabled];
        } else {
            leap = isLeap(year);
            january1 = january1(year);
        }
        int length = month == 2 ? (leap ? 29 : 28) : MONTH_LENGTH[month];
        if (day > length) {
            return NOT_SIMPLE;
        }
        return january1 + DAYS_BEFORE_MONTH[month] + (leap && month > 2 ? 1 : 0) + day - 1;
    }

    /*
     * The years feeds hold almost always come from tables: C1, the JIT the functions are deployed with, compiles
     * a division by a constant to a divide instruction (tens of cycles), and the calendar arithmetic takes six.
     */
    private static final int FIRST_TABLED_YEAR = 1900;
    private static final int TABLED_YEARS = 300;
    private static final boolean[] LEAP = new boolean[TABLED_YEARS];
    private static final long[] JANUARY_1 = new long[TABLED_YEARS];
    /** Days in each month of a common year, by month number (index 0 unused). */
    private static final int[] MONTH_LENGTH = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    /** Days before the first of each month in a common year, by month number (index 0 unused). */
    private static final int[] DAYS_BEFORE_MONTH = new int[13];

    static {
        for (int m = 2; m <= 12; m++) {
            DAYS_BEFORE_MONTH[m] = DAYS_BEFORE_MONTH[m - 1] + MONTH_LENGTH[m - 1];
        }
        for (int i = 0; i < TABLED_YEARS; i++) {
            LEAP[i] = isLeap(FIRST_TABLED_YEAR + i);
            JANUARY_1[i] = january1(FIRST_TABLED_YEAR + i);
        }
    }

    private static boolean isLeap(int year) {
        return (year & 3) == 0 && (year % 100 != 0 || year % 400 == 0);
    }

    /** The epoch day of 1 January of {@code year} (0 to 9999), as java.time's {@code LocalDate.toEpochDay} counts. */
    private static long january1(int year) {
        // days before this year since 0000-01-01 (proleptic Gregorian; year 0 is a leap year)
        return 365L * year + (year + 3) / 4 - (year + 99) / 100 + (year + 399) / 400 - DAYS_0000_TO_1970;
    }

    /** The two decimal digits at {@code at}, or -1 (a byte beyond ASCII is negative: not a digit). */
    private static int twoDigits(byte[] s, int at) {
        int a = s[at];
        int b = s[at + 1];
        if (a < '0' || a > '9' || b < '0' || b > '9') {
            return -1;
        }
        return (a - '0') * 10 + (b - '0');
    }
}
