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
        return isDigit(last) && luhnCheckDigit(candidate) == last - '0';
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
        return luhnCheckDigit(first11);
    }

    /**
     * The check digit of the first 11 characters of {@code s}: letters expanded to two digits, then Luhn from the
     * rightmost digit, doubling every second one (walked from the right, so nothing is stored).
     */
    private static int luhnCheckDigit(CharSequence s) {
        int sum = 0;
        boolean doubleIt = true;
        for (int i = 10; i >= 0; i--) {
            char c = s.charAt(i);
            int value;
            if (isDigit(c)) {
                value = c - '0';
            } else if (isUpperLetter(c)) {
                value = c - 'A' + 10;
            } else {
                throw new IllegalArgumentException("not an ISIN character: '" + c + "'");
            }
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

    private static boolean isUpperLetter(char c) {
        return c >= 'A' && c <= 'Z';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
