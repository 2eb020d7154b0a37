package dev.refdata.ingest.it.badinput;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The corpus files too big to commit, written at test time (into {@code target/}): a record with a 10 MiB field
 * and a single 100 MiB line, each between ordinary records, in the corpus dataset's layout. Written as a stream,
 * so the test itself never holds them either.
 */
final class HugeRecordFiles {

    static final String HEADER = "id,qty,price,active,trade_date,note,updated_at,op\n";
    static final String TEN_MEGABYTE_FIELD = "ten-megabyte-field.csv";
    static final String HUNDRED_MEGABYTE_LINE = "hundred-megabyte-line.csv";
    /** Ordinary records before (and as many after) the single 100 MiB line. */
    static final int RECORDS_AROUND_THE_LINE = 50;

    private HugeRecordFiles() {
    }

    /** The named file in {@code directory}, written unless it is there already with its full size. */
    static Path write(Path directory, String name) throws IOException {
        Files.createDirectories(directory);
        Path file = directory.resolve(name);
        long size = switch (name) {
            case TEN_MEGABYTE_FIELD -> 10L << 20;
            case HUNDRED_MEGABYTE_LINE -> 100L << 20;
            default -> throw new IllegalArgumentException("no generated corpus file is named " + name);
        };
        if (Files.exists(file) && Files.size(file) > size) {
            return file;
        }
        Path partial = directory.resolve(name + ".partial");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(partial), 1 << 16)) {
            out.write(ascii(HEADER));
            if (name.equals(TEN_MEGABYTE_FIELD)) {
                out.write(ascii(record("A1", "small")));
                // a quoted 10 MiB field with delimiters and line breaks inside: still one record
                out.write(ascii("A2,10,1.5,true,2026-11-27,\""));
                repeat(out, "ten megabytes, of one field\n", size);
                out.write(ascii("\",2026-11-27T01:00:00Z,\n"));
                out.write(ascii(record("A3", "small")));
            } else {
                for (int i = 1; i <= RECORDS_AROUND_THE_LINE; i++) {
                    out.write(ascii(record(String.format("B%04d", i), "before")));
                }
                out.write(ascii("HUGE,10,1.5,true,2026-11-27,"));
                repeat(out, "x", size);
                out.write(ascii(",2026-11-27T01:00:00Z,\n"));
                for (int i = 1; i <= RECORDS_AROUND_THE_LINE; i++) {
                    out.write(ascii(record(String.format("C%04d", i), "after")));
                }
            }
        }
        Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return file;
    }

    private static String record(String id, String note) {
        return id + ",10,1.5,true,2026-11-27," + note + ",2026-11-27T01:00:00Z,\n";
    }

    /** Writes {@code unit} over and over until {@code bytes} are written (the last copy may be cut). */
    private static void repeat(OutputStream out, String unit, long bytes) throws IOException {
        byte[] one = ascii(unit);
        byte[] block = new byte[1 << 16];
        for (int i = 0; i < block.length; i++) {
            block[i] = one[i % one.length];
        }
        long written = 0;
        while (written < bytes) {
            int n = (int) Math.min(block.length - block.length % one.length, bytes - written);
            out.write(block, 0, n);
            written += n;
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
