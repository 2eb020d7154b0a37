package dev.refdata.ingest.core.load;

import dev.refdata.ingest.core.csv.CsvRecord;
import dev.refdata.ingest.core.csv.RawRecord;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The records of one bulk request in reading order: those converted into the request's items, those rejected
 * before sending, and where reading stands after the last of them (the checkpoint once it is acknowledged).
 *
 * <p>Of each item's record only its line and raw bytes are kept (copied into the batch, so the read buffers are
 * not held), for a reject to quote it exactly as written. All storage is reused after {@link #reset}: a batch is
 * filled, sent, answered and then filled again, so a loader's memory is the batches it holds at once.
 */
final class PendingBatch {

    final BulkBuffer buffer;
    private byte[] raw;
    private int rawLength;
    private long[] itemLine;
    private int[] itemRawStart;
    private int[] itemRawLength;
    private boolean[] itemTruncated;
    boolean[] itemIsDelete;
    final List<RejectedRecord> conversionRejects = new ArrayList<>();
    long read;
    long endOffset;
    long nextLine;

    /**
     * @param initialBytes the request body's capacity
     * @param initialItems how many items the batch has room for before its per-item arrays grow
     */
    PendingBatch(int initialBytes, int initialItems, long startOffset, long startLine) {
        this.buffer = new BulkBuffer(initialBytes);
        int items = Math.max(1, initialItems);
        this.itemLine = new long[items];
        this.itemRawStart = new int[items];
        this.itemRawLength = new int[items];
        this.itemTruncated = new boolean[items];
        this.itemIsDelete = new boolean[items];
        // the CSV of a batch is about a third of its bulk lines
        this.raw = new byte[Math.max(1024, initialBytes / 3)];
        reset(startOffset, startLine);
    }

    /** Empties the batch for reuse, reading on from {@code startOffset} and {@code startLine}. */
    PendingBatch reset(long startOffset, long startLine) {
        buffer.clear();
        rawLength = 0;
        conversionRejects.clear();
        read = 0;
        endOffset = startOffset;
        nextLine = startLine;
        return this;
    }

    /** Records the item {@code buffer} just received. */
    void itemAdded(CsvRecord record, boolean delete) {
        int item = buffer.items() - 1;
        if (item >= itemLine.length) {
            int n = itemLine.length * 2;
            itemLine = Arrays.copyOf(itemLine, n);
            itemRawStart = Arrays.copyOf(itemRawStart, n);
            itemRawLength = Arrays.copyOf(itemRawLength, n);
            itemTruncated = Arrays.copyOf(itemTruncated, n);
            itemIsDelete = Arrays.copyOf(itemIsDelete, n);
        }
        RawRecord source = record.rawRecord();
        if (rawLength + source.length() > raw.length) {
            raw = Arrays.copyOf(raw, Math.max(raw.length * 2, rawLength + source.length()));
        }
        System.arraycopy(source.block(), source.start(), raw, rawLength, source.length());
        itemLine[item] = source.line();
        itemRawStart[item] = rawLength;
        itemRawLength[item] = source.length();
        itemTruncated[item] = source.truncated();
        itemIsDelete[item] = delete;
        rawLength += source.length();
        advance(record);
    }

    /** Item {@code item}'s record: its line and raw bytes, valid until the batch is reset. */
    RawRecord itemRecord(int item) {
        return new RawRecord(itemLine[item], raw, itemRawStart[item], itemRawLength[item], itemTruncated[item]);
    }

    /** Items the batch can hold before its per-item arrays have to grow. */
    int itemCapacity() {
        return itemLine.length;
    }

    /** Bytes of raw records the batch can hold before it has to grow. */
    int rawCapacity() {
        return raw.length;
    }

    void rejected(CsvRecord record, String reason) {
        conversionRejects.add(reject(record, reason));
        advance(record);
    }

    /** A record rejected before it could even be read as CSV (a reload's record that is not one record). */
    void rejected(RejectedRecord reject) {
        conversionRejects.add(reject);
        read++;
        nextLine = reject.line() + 1;
    }

    private void advance(CsvRecord record) {
        read++;
        endOffset = record.endOffset();
        nextLine = record.nextLine();
    }

    boolean isEmpty() {
        return read == 0;
    }

    static RejectedRecord reject(CsvRecord record, String reason) {
        return reject(record.rawRecord(), reason);
    }

    static RejectedRecord reject(RawRecord record, String reason) {
        return new RejectedRecord(record.line(), reason, record.text(), record.truncated());
    }
}
