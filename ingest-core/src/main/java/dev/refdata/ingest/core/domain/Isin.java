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
     * Luhn from the rightmost digit, doubling every second one (walked from the right, so nothing is stored).
     */
    private static int luhnCheckDigit(byte[] s, int from) {
        int sum = 0;
        boolean doubleIt = true;
        for (int i = from + 10; i >= from; i--) {
            byte c = s[i];
            int value = isDigit(c) ? c - '0' : c - 'A' + 10;
            if (value >= 10) {
                sum += luhnDigit(value % 10, doubleIt);
                doubleIt = !doubleIt;
                value /= 10;
            }
            sum += luhnDigit(value, doubleIt);
            doubleIt = !doubleIt;
        }
        return (10 - sum % 10) % 10;
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
