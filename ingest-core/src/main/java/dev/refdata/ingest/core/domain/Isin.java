package dev.refdata.ingest.core.domain;

/**
 * International Securities Identification Number (ISO 6166): two letters of country, nine alphanumeric
 * characters, one check digit computed with the Luhn algorithm over the letters expanded to numbers
 * (A=10 … Z=35).
 */
public final class Isin {

    private Isin() {
    }

    /** True when {@code candidate} has the ISIN shape and a correct check digit. */
    public static boolean isValid(CharSequence candidate) {
        if (candidate == null || candidate.length() != 12) {
            return false;
        }
        for (int i = 0; i < 2; i++) {
            if (!isUpperLetter(candidate.charAt(i))) {
                return false;
            }
        }
        for (int i = 2; i < 11; i++) {
            char c = candidate.charAt(i);
            if (!isUpperLetter(c) && !isDigit(c)) {
                return false;
            }
        }
        char last = candidate.charAt(11);
        return isDigit(last) && checkDigit(candidate.subSequence(0, 11)) == last - '0';
    }

    /** Why {@code candidate} is not a valid ISIN, or {@code null} when it is one. */
    public static String problem(CharSequence candidate) {
        if (candidate == null || candidate.length() != 12) {
            return "an ISIN has 12 characters, got " + (candidate == null ? 0 : candidate.length());
        }
        if (isValid(candidate)) {
            return null;
        }
        for (int i = 0; i < 11; i++) {
            char c = candidate.charAt(i);
            if (i < 2 ? !isUpperLetter(c) : !isUpperLetter(c) && !isDigit(c)) {
                return "an ISIN is two capital letters, nine capital letters or digits and a check digit";
            }
        }
        if (!isDigit(candidate.charAt(11))) {
            return "the last character of an ISIN is a check digit";
        }
        return "wrong ISIN check digit: expected " + checkDigit(candidate.subSequence(0, 11));
    }

    /** The check digit for the first 11 characters of an ISIN. */
    public static int checkDigit(CharSequence first11) {
        if (first11.length() != 11) {
            throw new IllegalArgumentException("need the 11 characters before the check digit");
        }
        // Expand letters to two digits, then Luhn from the rightmost digit, doubling every second one.
        int[] digits = new int[22];
        int n = 0;
        for (int i = 0; i < 11; i++) {
            char c = first11.charAt(i);
            if (isDigit(c)) {
                digits[n++] = c - '0';
            } else if (isUpperLetter(c)) {
                int v = c - 'A' + 10;
                digits[n++] = v / 10;
                digits[n++] = v % 10;
            } else {
                throw new IllegalArgumentException("not an ISIN character: '" + c + "'");
            }
        }
        int sum = 0;
        boolean doubleIt = true;
        for (int i = n - 1; i >= 0; i--) {
            int d = digits[i];
            if (doubleIt) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            doubleIt = !doubleIt;
        }
        return (10 - sum % 10) % 10;
    }

    private static boolean isUpperLetter(char c) {
        return c >= 'A' && c <= 'Z';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
