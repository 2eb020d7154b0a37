package dev.refdata.ingest.benchmarks;

import dev.refdata.ingest.core.csv.BoundaryScanner;
import dev.refdata.ingest.core.domain.CsvDialect;
import dev.refdata.ingest.core.sample.InstrumentSampleGenerator;
import dev.refdata.ingest.core.sample.SampleOptions;
import dev.refdata.ingest.core.sample.SampleSummary;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * An {@code instruments} CSV of about a chosen size, generated in memory with the product's sample generator and
 * its default name quirks (a few percent of names are quoted and hold commas, doubled quotes, line breaks and
 * non-ASCII letters). The same size and seed give the same bytes.
 */
final class SampleCsv {

    /** Megabytes as used by every figure of the benchmarks: 10^6 bytes. */
    static final long MB = 1_000_000L;
    static final CsvDialect DIALECT = CsvDialect.RFC4180_WITH_HEADER;
    static final long SEED = 20_261_127L;

    private static final long PROBE_RECORDS = 20_000;

    final byte[] bytes;
    final SampleSummary summary;
    /** Offset of the first byte after the header: where the data region starts. */
    final int dataStart;
    /** Physical line of the first data byte. */
    final long dataLine;

    private SampleCsv(byte[] bytes, SampleSummary summary, int dataStart, long dataLine) {
        this.bytes = bytes;
        this.summary = summary;
        this.dataStart = dataStart;
        this.dataLine = dataLine;
    }

    /** A file of {@code targetBytes} give or take one record's size (never smaller than one probe run). */
    static SampleCsv ofAbout(long targetBytes) {
        if (targetBytes <= 0 || targetBytes > Integer.MAX_VALUE - 64 * MB) {
            throw new IllegalArgumentException("size must be between 1 byte and about 2 GB: " + targetBytes);
        }
        try {
            // A base record depends only on the seed and its index, so a probe's average holds for the whole file.
            SampleSummary probe = new InstrumentSampleGenerator(options(PROBE_RECORDS)).writeTo(OutputStream.nullOutputStream());
            double bytesPerRecord = (double) probe.bytes() / probe.records();
            long records = Math.max(1, Math.round(targetBytes / bytesPerRecord));

            ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 8, targetBytes + targetBytes / 20));
            SampleSummary summary = new InstrumentSampleGenerator(options(records)).writeTo(out);
            byte[] bytes = out.toByteArray();
            if (bytes.length != summary.bytes()) {
                throw new IllegalStateException("generator says " + summary.bytes() + " bytes, got " + bytes.length);
            }
            BoundaryScanner header = new BoundaryScanner(DIALECT);
            int dataStart = header.nextRecordEnd(bytes, 0, bytes.length);
            if (dataStart < 0) {
                throw new IllegalStateException("no header line in the generated file");
            }
            return new SampleCsv(bytes, summary, dataStart, header.line());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static SampleOptions options(long records) {
        return SampleOptions.builder().records(records).seed(SEED).build();
    }

    double megabytes() {
        return bytes.length / (double) MB;
    }

    @Override
    public String toString() {
        return String.format("instruments CSV: %,d bytes (%.1f MB), %,d data records", bytes.length, megabytes(),
                summary.records());
    }
}
