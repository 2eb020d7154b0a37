package dev.refdata.ingest.core.load;

import dev.refdata.ingest.core.csv.CsvRecord;
import dev.refdata.ingest.core.csv.RawRecord;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The records of one bulk request in reading order: those converted into the request's items, those rejected
 * before sending, and where reading stands after the last of them (the checkpoint once it is acknowledged).
 */
final class PendingBatch {

    final BulkBuffer buffer;
    /** Each item's record, raw: the parsed fields are not kept once the item's lines are written. */
    RawRecord[] itemRecords = new RawRecord[256];
    boolean[] itemIsDelete = new boolean[256];
    final List<RejectedRecord> conversionRejects = new ArrayList<>();
    long read;
    long endOffset;
    long nextLine;

    PendingBatch(int initialBytes, long startOffset, long startLine) {
        this(new BulkBuffer(initialBytes), startOffset, startLine);
    }

    /** A batch that fills {@code emptyBuffer}, one a finished request no longer needs. */
    PendingBatch(BulkBuffer emptyBuffer, long startOffset, long startLine) {
        if (emptyBuffer.length() != 0 || emptyBuffer.items() != 0) {
            throw new IllegalArgumentException("the buffer of a new batch must be empty");
        }
        this.buffer = emptyBuffer;
        this.endOffset = startOffset;
        this.nextLine = startLine;
    }

    /** Records the item {@code buffer} just received. */
    void itemAdded(CsvRecord record, boolean delete) {
        int item = buffer.items() - 1;
        if (item >= itemRecords.length) {
            itemRecords = Arrays.copyOf(itemRecords, itemRecords.length * 2);
            itemIsDelete = Arrays.copyOf(itemIsDelete, itemIsDelete.length * 2);
        }
        itemRecords[item] = record.rawRecord();
        itemIsDelete[item] = delete;
        advance(record);
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
