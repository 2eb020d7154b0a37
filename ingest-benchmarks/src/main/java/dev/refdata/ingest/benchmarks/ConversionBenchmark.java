package dev.refdata.ingest.benchmarks;

import dev.refdata.ingest.core.csv.ChunkRecordReader;
import dev.refdata.ingest.core.csv.CsvRecord;
import dev.refdata.ingest.core.domain.DatasetSpec;
import dev.refdata.ingest.core.domain.HeaderLayout;
import dev.refdata.ingest.core.load.BulkBuffer;
import dev.refdata.ingest.core.load.DocumentConverter;
import dev.refdata.ingest.core.sample.InstrumentSampleGenerator;
import dev.refdata.ingest.core.spec.DatasetCatalog;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * CSV to bulk bytes, single-threaded, as the loader does it: {@link ChunkRecordReader} frames and splits each
 * record, {@link DocumentConverter} validates it and writes its action and document lines into a 5 MiB
 * {@link BulkBuffer}, which is emptied whenever it is full (as a sent request's would be). {@code convertOnly}
 * converts records read beforehand, to separate the converter's share from the reader's. Auxiliary counters give
 * records/s and CSV bytes/s.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Threads(1)
@State(Scope.Benchmark)
public class ConversionBenchmark {

    private static final int BULK_BYTES = 5 << 20;

    /** Size of the generated file in MB (10^6 bytes). */
    @Param("20")
    public int fileMB;

    private SampleCsv sample;
    private DatasetSpec spec;
    private HeaderLayout layout;
    private List<CsvRecord> records;

    @Setup(Level.Trial)
    public void generate() throws IOException {
        sample = SampleCsv.ofAbout(fileMB * SampleCsv.MB);
        spec = DatasetCatalog.builtIn().get("instruments");
        layout = HeaderLayout.resolve(spec, InstrumentSampleGenerator.header(false));
        records = new ArrayList<>();
        try (ChunkRecordReader reader = reader()) {
            CsvRecord r;
            while ((r = reader.next()) != null) {
                records.add(r);
            }
        }
        long converted = convertAll(records, new BulkBuffer(BULK_BYTES));
        if (converted != sample.summary.records()) {
            throw new IllegalStateException(converted + " records converted of " + sample.summary.records());
        }
        System.out.println();
        System.out.println("# " + sample);
    }

    private ChunkRecordReader reader() {
        byte[] b = sample.bytes;
        return new ChunkRecordReader(new ByteArrayInputStream(b, sample.dataStart, b.length - sample.dataStart),
                SampleCsv.DIALECT, sample.dataStart, sample.dataLine);
    }

    @Benchmark
    public long readAndConvert(WorkDone volume, CpuTime cpu) throws IOException {
        long c0 = cpu.now();
        DocumentConverter converter = new DocumentConverter(spec, layout, "run-20261127-full-0123abcd",
                "feeds/instruments/instruments.csv");
        BulkBuffer buffer = new BulkBuffer(BULK_BYTES);
        long converted = 0;
        try (ChunkRecordReader reader = reader()) {
            CsvRecord r;
            while ((r = reader.next()) != null) {
                converted += append(converter, r, buffer);
            }
        }
        cpu.add(c0, converted, sample.bytes.length - sample.dataStart);
        volume.records += converted;
        volume.bytes += sample.bytes.length - sample.dataStart;
        return buffer.length();
    }

    @Benchmark
    public long convertOnly(WorkDone volume, CpuTime cpu) {
        long c0 = cpu.now();
        long converted = convertAll(records, new BulkBuffer(BULK_BYTES));
        cpu.add(c0, converted, sample.bytes.length - sample.dataStart);
        volume.records += converted;
        volume.bytes += sample.bytes.length - sample.dataStart;
        return converted;
    }

    private long convertAll(List<CsvRecord> all, BulkBuffer buffer) {
        DocumentConverter converter = new DocumentConverter(spec, layout, "run-20261127-full-0123abcd",
                "feeds/instruments/instruments.csv");
        long converted = 0;
        for (CsvRecord r : all) {
            converted += append(converter, r, buffer);
        }
        return converted;
    }

    private static int append(DocumentConverter converter, CsvRecord r, BulkBuffer buffer) {
        if (converter.append(r, buffer) != null) {
            throw new IllegalStateException("record on line " + r.line() + " rejected");
        }
        if (buffer.length() >= BULK_BYTES) {
            buffer.clear();
        }
        return 1;
    }
}
