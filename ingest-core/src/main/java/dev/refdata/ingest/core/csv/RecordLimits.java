package dev.refdata.ingest.core.csv;

/**
 * How big one CSV record, and one field of it, may be before the record is rejected instead of read. They bound
 * the reader's memory: a record over the limit is never held whole, only its first bytes for the report, and
 * reading streams past the rest of it.
 *
 * <p>Defaults: 1 MiB a record and 256 KiB a field. A reference-data record is a few hundred bytes; anything near
 * these limits is a broken export (a missing line break, an unbalanced quote that swallowed the rest of a file,
 * binary data), never a real value. A loader holds at most about one record limit plus its read buffer per chunk
 * being read, so a Lambda's heap stays flat however long a line in the input is.
 *
 * @param maxRecordBytes a longer record (line breaks inside quotes included) is rejected
 * @param maxFieldBytes  a record with a longer field (UTF-8 bytes, after unquoting) is rejected
 */
public record RecordLimits(int maxRecordBytes, int maxFieldBytes) {

    public static final RecordLimits DEFAULTS = new RecordLimits(ChunkRecordReader.DEFAULT_MAX_RECORD_BYTES,
            ChunkRecordReader.DEFAULT_MAX_FIELD_BYTES);

    public RecordLimits {
        if (maxRecordBytes < 16) {
            throw new IllegalArgumentException("maxRecordBytes must be at least 16: " + maxRecordBytes);
        }
        if (maxFieldBytes < 1 || maxFieldBytes > maxRecordBytes) {
            throw new IllegalArgumentException("maxFieldBytes must be between 1 and maxRecordBytes ("
                    + maxRecordBytes + "): " + maxFieldBytes);
        }
    }
}
