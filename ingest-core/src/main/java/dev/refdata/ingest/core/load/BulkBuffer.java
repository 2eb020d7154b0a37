package dev.refdata.ingest.core.load;

import dev.refdata.ingest.core.port.out.SearchSink.BulkBody;

import java.util.Arrays;

/**
 * The bytes of one bulk request as they are built, item by item, and where each item's lines are, so that a
 * subset (the items to retry) can be sent again without serialising anything twice.
 */
public final class BulkBuffer {

    private byte[] bytes;
    private int length;
    private int[] itemStart = new int[1024];
    private int[] itemEnd = new int[1024];
    private int items;

    public BulkBuffer(int initialBytes) {
        this.bytes = new byte[Math.max(1024, initialBytes)];
    }

    /** Starts an item at the current end; {@link #endItem()} closes it, {@link #abandonItem()} discards it. */
    int beginItem() {
        if (items == itemStart.length) {
            itemStart = Arrays.copyOf(itemStart, items * 2);
            itemEnd = Arrays.copyOf(itemEnd, items * 2);
        }
        itemStart[items] = length;
        return items;
    }

    void endItem() {
        itemEnd[items] = length;
        items++;
    }

    void abandonItem() {
        length = itemStart[items];
    }

    void write(int b) {
        ensure(1);
        bytes[length++] = (byte) b;
    }

    void write(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, bytes, length, len);
        length += len;
    }

    void write(byte[] b) {
        write(b, 0, b.length);
    }

    /** A long in decimal, as JSON writes a number: the digits go straight into the buffer, nothing allocated. */
    void writeLong(long value) {
        if (value == Long.MIN_VALUE) {
            writeAscii(Long.toString(value)); // the one value whose negation overflows
            return;
        }
        ensure(20);
        if (value < 0) {
            bytes[length++] = '-';
            value = -value;
        }
        int digits = digitCount(value);
        int pos = length + digits;
        length = pos;
        // two digits per step from a table, in int arithmetic once the rest fits in an int
        while (value >= Integer.MAX_VALUE) {
            long q = value / 100;
            int pair = (int) (value - q * 100) * 2;
            value = q;
            bytes[--pos] = DIGIT_PAIRS[pair + 1];
            bytes[--pos] = DIGIT_PAIRS[pair];
        }
        int rest = (int) value;
        while (rest >= 100) {
            int q = rest / 100;
            int pair = (rest - q * 100) * 2;
            rest = q;
            bytes[--pos] = DIGIT_PAIRS[pair + 1];
            bytes[--pos] = DIGIT_PAIRS[pair];
        }
        if (rest >= 10) {
            bytes[--pos] = DIGIT_PAIRS[rest * 2 + 1];
            bytes[--pos] = DIGIT_PAIRS[rest * 2];
        } else {
            bytes[--pos] = (byte) ('0' + rest);
        }
    }

    /** "00", "01", ... "99": the two digits of every number below 100. */
    private static final byte[] DIGIT_PAIRS = new byte[200];

    static {
        for (int i = 0; i < 100; i++) {
            DIGIT_PAIRS[i * 2] = (byte) ('0' + i / 10);
            DIGIT_PAIRS[i * 2 + 1] = (byte) ('0' + i % 10);
        }
    }

    /** Decimal digits of a non-negative {@code value}, by comparison (no division). */
    private static int digitCount(long value) {
        long power = 10;
        for (int digits = 1; digits < 19; digits++) {
            if (value < power) {
                return digits;
            }
            power *= 10;
        }
        return 19;
    }

    /** A string as written as is (already valid JSON number text, for instance), one byte per ASCII char. */
    void writeAscii(String text) {
        int n = text.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            bytes[length++] = (byte) text.charAt(i);
        }
    }

    /** {@code value} as a quoted JSON string in UTF-8: see {@link JsonStrings}. */
    void writeJsonString(String value) {
        // at most 6 bytes a char (a six-byte escape); a surrogate pair is 2 chars for 4 bytes
        ensure(value.length() * 6 + 2);
        length = JsonStrings.write(value, bytes, length);
    }

    /**
     * UTF-8 text, valid, written as the inside of a JSON string (no quotes): its bytes as they are but for the
     * escapes {@link JsonStrings} writes.
     */
    void writeJsonStringContent(byte[] utf8, int from, int to) {
        ensure((to - from) * 6); // at most a six-byte escape a byte
        length = JsonStrings.writeContent(utf8, from, to, bytes, length);
    }

    /** UTF-8 text, valid, written as a quoted JSON string: {@link #writeJsonStringContent} between quotes. */
    void writeJsonString(byte[] utf8, int from, int to) {
        ensure((to - from) * 6 + 2);
        byte[] out = bytes;
        int pos = length;
        out[pos++] = '"';
        pos = JsonStrings.writeContent(utf8, from, to, out, pos);
        out[pos++] = '"';
        length = pos;
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }

    /** Empties the buffer for reuse. */
    public void clear() {
        length = 0;
        items = 0;
    }

    /** Bytes the buffer holds before it has to grow. */
    int capacity() {
        return bytes.length;
    }

    /** Bytes written so far. */
    public int length() {
        return length;
    }

    /** Items closed so far. */
    public int items() {
        return items;
    }

    /** Copies the bytes written so far (all items) to {@code out}. */
    public void writeTo(java.io.OutputStream out) throws java.io.IOException {
        out.write(bytes, 0, length);
    }

    BulkBody body() {
        return new BulkBody(bytes, length, items);
    }

    /** A new body holding only the given items, copied byte for byte. */
    BulkBody subset(int[] itemIndexes, int count) {
        int size = 0;
        for (int i = 0; i < count; i++) {
            size += itemEnd[itemIndexes[i]] - itemStart[itemIndexes[i]];
        }
        byte[] out = new byte[size];
        int pos = 0;
        for (int i = 0; i < count; i++) {
            int item = itemIndexes[i];
            int len = itemEnd[item] - itemStart[item];
            System.arraycopy(bytes, itemStart[item], out, pos, len);
            pos += len;
        }
        return new BulkBody(out, size, count);
    }

    /** The raw bytes of one item's lines (for diagnostics). */
    byte[] itemBytes(int item) {
        return Arrays.copyOfRange(bytes, itemStart[item], itemEnd[item]);
    }
}
