package dev.refdata.ingest.core.domain;

/**
 * International Securities Identification Number (ISO 6166): two letters of country, nine alphanumeric
 * characters, one check digit computed with the Luhn algorithm over the letters expanded to numbers
 * (A=10 … Z=35).
 *
 * <p>Every rule is applied to ASCII bytes: a cell's bytes are checked where they are (statically bound array
 * reads, which the C1-only JIT the functions are deployed with compiles inline, unlike calls through
 * {@link CharSequence}), and text is first copied into twelve bytes, a character beyond ASCII as a byte that is
 * neither a letter nor a digit, so it fails exactly where it did as a character.
 */
public final class Isin {

    private static final int LENGTH = 12;
    /** Stands for a character beyond ASCII: neither a capital letter nor a digit. */
    private static final byte NOT_ASCII = '?';

    private Isin() {
    }

    /** True when {@code candidate} has the ISIN shape and a correct check digit. */
    public static boolean isValid(CharSequence candidate) {
        return candidate != null && candidate.length() == LENGTH && isValid(ascii(candidate), 0, LENGTH);
    }

    /** True when the ASCII bytes from {@code from} to {@code to} have the ISIN shape and a correct check digit. */
    public static boolean isValid(byte[] ascii, int from, int to) {
        if (to - from != LENGTH) {
            return false;
        }
        for (int i = from; i < from + 2; i++) {
            if (!isUpperLetter(ascii[i])) {
                return false;
            }
        }
        for (int i = from + 2; i < from + 11; i++) {
            byte c = ascii[i];
            if (!isUpperLetter(c) && !isDigit(c)) {
                return false;
            }
        }
        byte last = ascii[from + 11];
        return isDigit(last) && luhnCheckDigit(ascii, from) == last - '0';
    }

    /** Why {@code candidate} is not a valid ISIN, or {@code null} when it is one. */
    public static String problem(CharSequence candidate) {
        if (candidate == null || candidate.length() != LENGTH) {
            return lengthProblem(candidate == null ? 0 : candidate.length());
        }
        return problem(ascii(candidate), 0, LENGTH);
    }

    /**
     * Why the ASCII bytes from {@code from} to {@code to} are not a valid ISIN, or {@code null} when they are one
     * (for ASCII, bytes and characters are counted alike).
     */
    public static String problem(byte[] ascii, int from, int to) {
        if (to - from != LENGTH) {
            return lengthProblem(to - from);
        }
        if (isValid(ascii, from, to)) {
            return null;
        }
        for (int i = 0; i < 11; i++) {
            byte c = ascii[from + i];
            if (i < 2 ? !isUpperLetter(c) : !isUpperLetter(c) && !isDigit(c)) {
                return "an ISIN is two capital letters, nine capital letters or digits and a check digit";
            }
        }
        if (!isDigit(ascii[from + 11])) {
            return "the last character of an ISIN is a check digit";
        }
        return "wrong ISIN check digit: expected " + luhnCheckDigit(ascii, from);
    }

    private static String lengthProblem(int length) {
        return "an ISIN has 12 characters, got " + length;
    }

    /** The check digit for the first 11 characters of an ISIN. */
    public static int checkDigit(CharSequence first11) {
        if (first11.length() != 11) {
            throw new IllegalArgumentException("need the 11 characters before the check digit");
        }
        for (int i = 0; i < 11; i++) {
            char c = first11.charAt(i);
            if (c > 127 || !isUpperLetter((byte) c) && !isDigit((byte) c)) {
                throw new IllegalArgumentException("not an ISIN character: '" + c + "'");
            }
        }
        return luhnCheckDigit(ascii(first11), 0);
    }

    /** The text's characters as bytes, each beyond ASCII as {@link #NOT_ASCII}. */
    private static byte[] ascii(CharSequence text) {
        byte[] bytes = new byte[text.length()];
        for (int i = 0; i < bytes.length; i++) {
            char c = text.charAt(i);
            bytes[i] = c > 127 ? NOT_ASCII : (byte) c;
        }
        return bytes;
    }

    /**
     * The check digit of the 11 capital letters or digits at {@code from}: letters expanded to two digits, then
     * Luhn from the rightmost digit, doubling every second one. Walked from the right with what each character
     * adds read from a table ({@link #ADDS}, for whether its rightmost digit is doubled) and whether it moves the
     * doubling on (a digit does, a letter's two digits do not): no division, which costs C1 tens of cycles.
     */
    private static int luhnCheckDigit(byte[] s, int from) {
        int sum = 0;
        int doubled = 1;
        for (int i = from + 10; i >= from; i--) {
            int c = s[i];
            sum += ADDS[doubled][c];
            doubled ^= MOVES_DOUBLING[c];
        }
        return (10 - sum % 10) % 10;
    }

    /**
     * {@code ADDS[d][c]}: what ASCII character {@code c} (a capital letter or a digit) adds to the Luhn sum when its
     * rightmost digit is doubled ({@code d = 1}) or not ({@code d = 0}).
     */
    private static final int[][] ADDS = new int[2][128];
    /** 1 for a digit (one Luhn digit), 0 for a letter (two, so the doubling falls where it did). */
    private static final int[] MOVES_DOUBLING = new int[128];

    static {
        for (int c = 0; c < 128; c++) {
            boolean digit = isDigit((byte) c);
            if (!digit && !isUpperLetter((byte) c)) {
                continue;
            }
            int value = digit ? c - '0' : c - 'A' + 10;
            for (int d = 0; d <= 1; d++) {
                ADDS[d][c] = digit ? luhnDigit(value, d == 1)
                        : luhnDigit(value % 10, d == 1) + luhnDigit(value / 10, d == 0);
            }
            MOVES_DOUBLING[c] = digit ? 1 : 0;
        }
    }

    private static int luhnDigit(int digit, boolean doubled) {
        if (!doubled) {
            return digit;
        }
        int d = digit * 2;
        return d > 9 ? d - 9 : d;
    }

    private static boolean isUpperLetter(byte c) {
        return c >= 'A' && c <= 'Z';
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }
}
