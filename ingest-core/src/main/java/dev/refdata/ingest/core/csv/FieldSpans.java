package dev.refdata.ingest.core.csv;

import java.nio.charset.StandardCharsets;

/**
 * Where the fields of a parsed row are in the bytes it was parsed from: two ints a field, its first byte and the
 * byte just past it, without the quotes around a quoted field. The bytes between are the field's value as UTF-8,
 * except in a quoted field that holds doubled quotes, where each pair stands for one quote: such a field's end is
 * stored complemented ({@code ~end}, a negative number), so that the common field needs no further look.
 */
final class FieldSpans {

    private FieldSpans() {
    }

    static int count(int[] spans) {
        return spans.length >> 1;
    }

    static int start(int[] spans, int field) {
        return spans[field << 1];
    }

    static int end(int[] spans, int field) {
        int end = spans[(field << 1) + 1];
        return end < 0 ? ~end : end;
    }

    /** Whether the field's bytes hold doubled quotes, each standing for one quote of the value. */
    static boolean hasDoubledQuotes(int[] spans, int field) {
        return spans[(field << 1) + 1] < 0;
    }

    /** The field's value. */
    static String decode(byte[] buf, int[] spans, int field, byte quote) {
        int start = start(spans, field);
        int end = end(spans, field);
        if (start == end) {
            return "";
        }
        if (!hasDoubledQuotes(spans, field)) {
            return new String(buf, start, end - start, StandardCharsets.UTF_8);
        }
        byte[] out = new byte[end - start];
        int n = 0;
        for (int i = start; i < end; i++) {
            byte b = buf[i];
            out[n++] = b;
            if (b == quote) {
                i++; // the second quote of the pair
            }
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }

    /** Every field's value. */
    static String[] decodeAll(byte[] buf, int[] spans, byte quote) {
        String[] fields = new String[count(spans)];
        for (int i = 0; i < fields.length; i++) {
            fields[i] = decode(buf, spans, i, quote);
        }
        return fields;
    }

    /** The length of the field's value in chars, as {@code String.length()} counts, without decoding it. */
    static int valueChars(byte[] buf, int[] spans, int field, byte quote) {
        int end = end(spans, field);
        boolean doubled = hasDoubledQuotes(spans, field);
        int chars = 0;
        for (int i = start(spans, field); i < end; i++) {
            byte b = buf[i];
            chars += StrictUtf8.utf16Units(b);
            if (doubled && b == quote) {
                i++; // the second quote of the pair
            }
        }
        return chars;
    }

    /** The number of UTF-8 bytes of the field's value: its span, less one for each doubled quote. */
    static int valueBytes(byte[] buf, int[] spans, int field, byte quote) {
        int start = start(spans, field);
        int end = end(spans, field);
        if (!hasDoubledQuotes(spans, field)) {
            return end - start;
        }
        int pairs = 0;
        for (int i = start; i < end; i++) {
            if (buf[i] == quote) {
                pairs++;
                i++;
            }
        }
        return end - start - pairs;
    }
}
