package dev.refdata.ingest.core.csv;

/**
 * Well-formed UTF-8 as the Unicode standard defines it (table 3-7), which is what the JDK's decoder accepts
 * when told to report malformed input: no overlong forms, no surrogates, nothing above U+10FFFF, no sequence cut
 * short.
 */
final class StrictUtf8 {

    private StrictUtf8() {
    }

    /**
     * The index of the first byte of the first ill-formed sequence in {@code buf[from, to)}, or -1 when all of it
     * is well-formed.
     */
    static int firstInvalid(byte[] buf, int from, int to) {
        int i = from;
        final int lastWord = to - Long.BYTES;
        while (i < to) {
            // ASCII, the most of any text here, eight bytes at a time
            while (i <= lastWord && (ByteLanes.wordAt(buf, i) & ByteLanes.HIGH_BITS) == 0) {
                i += Long.BYTES;
            }
            if (i == to) {
                break;
            }
            int b = buf[i];
            if (b >= 0) {
                i++;
                continue;
            }
            int lead = b & 0xFF;
            int length = sequenceLength(buf[i]);
            if (length == 0 || i + 1 >= to) {
                return i;
            }
            int second = buf[i + 1] & 0xFF;
            boolean secondOk = switch (lead) {
                case 0xE0 -> second >= 0xA0 && second <= 0xBF;
                case 0xED -> second >= 0x80 && second <= 0x9F;
                case 0xF0 -> second >= 0x90 && second <= 0xBF;
                case 0xF4 -> second >= 0x80 && second <= 0x8F;
                default -> isContinuation(second);
            };
            if (!secondOk) {
                return i;
            }
            for (int k = 2; k < length; k++) {
                if (i + k >= to || !isContinuation(buf[i + k] & 0xFF)) {
                    return i;
                }
            }
            i += length;
        }
        return -1;
    }

    /** How many bytes a sequence with this lead byte has: 1 to 4, or 0 for a byte that cannot lead one. */
    static int sequenceLength(byte lead) {
        int b = lead & 0xFF;
        if (b < 0x80) {
            return 1;
        }
        if (b >= 0xC2 && b <= 0xDF) {
            return 2;
        }
        if (b >= 0xE0 && b <= 0xEF) {
            return 3;
        }
        if (b >= 0xF0 && b <= 0xF4) {
            return 4;
        }
        return 0;
    }

    /**
     * How many chars (UTF-16 units, as {@code String.length()} counts) the sequence this byte of valid UTF-8 starts
     * decodes to: 2 for a four-byte sequence (a surrogate pair), 0 for a continuation byte, else 1. Summed over a
     * range, the range's length as a string.
     */
    static int utf16Units(byte b) {
        if (b >= 0) {
            return 1;
        }
        if (isContinuation(b)) {
            return 0;
        }
        return (b & 0xF8) == 0xF0 ? 2 : 1;
    }

    private static boolean isContinuation(int b) {
        return (b & 0xC0) == 0x80;
    }
}
