package dev.refdata.ingest.core.load;

import dev.refdata.ingest.core.csv.ByteLanes;

/**
 * Writes a Java string as a quoted JSON string in UTF-8, straight into a byte array: the bulk body is built
 * from these bytes and nothing else, so no generator object, no char buffer and no second encoding pass.
 *
 * <p>The escapes are the ones Jackson's generator writes by default, so the bytes are the same as before:
 * {@code \"} and {@code \\}; {@code \b \t \n \f \r}; other characters below U+0020 as
 * <code>&#92;u00XX</code> (upper-case hex); everything else as its UTF-8 bytes. One difference: a character beyond
 * U+FFFF (a surrogate pair) is its 4-byte UTF-8 sequence, where Jackson 2.18 wrote two escapes; a parser reads
 * both as the same string. A lone surrogate (which strict UTF-8 input never yields) is written as a
 * <code>&#92;uXXXX</code> escape rather than as invalid UTF-8.
 */
final class JsonStrings {

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private JsonStrings() {
    }

    /**
     * Writes {@code "value"} at {@code out[at]}; {@code out} must have room for {@code value.length() * 6 + 2}
     * bytes from {@code at}.
     *
     * @return the position just past the closing quote
     */
    static int write(String value, byte[] out, int at) {
        int pos = at;
        out[pos++] = '"';
        int n = value.length();
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                if (c >= 0x20 && c != '"' && c != '\\') {
                    out[pos++] = (byte) c;
                } else {
                    pos = escape(c, out, pos);
                }
            } else if (c < 0x800) {
                out[pos++] = (byte) (0xC0 | (c >> 6));
                out[pos++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(value.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, value.charAt(++i));
                out[pos++] = (byte) (0xF0 | (cp >> 18));
                out[pos++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                out[pos++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                out[pos++] = (byte) (0x80 | (cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                pos = unicodeEscape(c, out, pos);
            } else {
                out[pos++] = (byte) (0xE0 | (c >> 12));
                out[pos++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                out[pos++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        out[pos++] = '"';
        return pos;
    }

    /**
     * Writes valid UTF-8 {@code src[from, to)} as the inside of a JSON string at {@code out[at]}, with the bytes
     * {@link #write} gives for the string it decodes to: every byte as it is but for {@code "}, {@code \\} and
     * the control characters, which are escaped. {@code out} must have room for {@code (to - from) * 6} bytes.
     *
     * @return the position just past the last byte written
     */
    static int writeContent(byte[] src, int from, int to, byte[] out, int at) {
        int pos = at;
        int i = from;
        while (true) {
            int special = nextEscaped(src, i, to);
            // a byte of a multi-byte sequence is never escaped: the run is copied as it is
            System.arraycopy(src, i, out, pos, special - i);
            pos += special - i;
            if (special == to) {
                return pos;
            }
            pos = escape((char) src[special], out, pos);
            i = special + 1;
        }
    }

    private static final long QUOTE_LANES = ByteLanes.broadcast((byte) '"');
    private static final long BACKSLASH_LANES = ByteLanes.broadcast((byte) '\\');

    /**
     * The index of the first byte in {@code src[i, to)} that {@link #writeContent} escapes ({@code "}, {@code \\}
     * and the control characters), or {@code to}: eight bytes at a time ({@link ByteLanes}), reading up to the end
     * of the array, not of the range.
     */
    private static int nextEscaped(byte[] src, int i, int to) {
        final int lastWord = src.length - Long.BYTES;
        while (i < to) {
            if (i > lastWord) {
                byte b = src[i];
                if ((b >= 0 && b < 0x20) || b == '"' || b == '\\') {
                    return i;
                }
                i++;
                continue;
            }
            long word = ByteLanes.wordAt(src, i);
            long hits = ByteLanes.lanesBelow(word, 0x20) | ByteLanes.equalLanes(word, QUOTE_LANES)
                    | ByteLanes.equalLanes(word, BACKSLASH_LANES);
            if (hits != 0) {
                return Math.min(i + ByteLanes.firstLane(hits), to);
            }
            i += Long.BYTES;
        }
        return to;
    }

    private static int escape(char c, byte[] out, int pos) {
        byte letter;
        switch (c) {
            case '"' -> letter = '"';
            case '\\' -> letter = '\\';
            case '\b' -> letter = 'b';
            case '\t' -> letter = 't';
            case '\n' -> letter = 'n';
            case '\f' -> letter = 'f';
            case '\r' -> letter = 'r';
            default -> {
                return unicodeEscape(c, out, pos);
            }
        }
        out[pos++] = '\\';
        out[pos++] = letter;
        return pos;
    }

    private static int unicodeEscape(char c, byte[] out, int pos) {
        out[pos++] = '\\';
        out[pos++] = 'u';
        out[pos++] = HEX[(c >> 12) & 0xF];
        out[pos++] = HEX[(c >> 8) & 0xF];
        out[pos++] = HEX[(c >> 4) & 0xF];
        out[pos++] = HEX[c & 0xF];
        return pos;
    }
}
