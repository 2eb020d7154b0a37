package dev.refdata.ingest.benchmarks;

import dev.refdata.ingest.core.csv.ChunkRecordReader;
import dev.refdata.ingest.core.csv.CsvRecord;
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
import org.openjdk.jmh.infra.Blackhole;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * How fast {@link ChunkRecordReader} turns the data region (everything after the header) of an in-memory
 * {@code instruments} CSV into records, single-threaded: framing by the boundary scanner plus field splitting on
 * the UTF-8 bytes. One operation reads the whole region; the auxiliary counters {@code records} and
 * {@code bytes} give records/s and bytes/s.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Threads(1)
@State(Scope.Benchmark)
public class RecordReadBenchmark {

    /** Size of the generated file in MB (10^6 bytes). */
    @Param("20")
    public int fileMB;

    private SampleCsv sample;

    @Setup(Level.Trial)
    public void generate() throws IOException {
        sample = SampleCsv.ofAbout(fileMB * SampleCsv.MB);
        long read = readAll(sample, null);
        if (read != sample.summary.records()) {
            throw new IllegalStateException("the reader returned " + read + " records, the generator wrote "
                    + sample.summary.records());
        }
        System.out.println();
        System.out.println("# " + sample + ", data region from byte " + sample.dataStart);
    }

    @Benchmark
    public void readAllRecords(WorkDone volume, CpuTime cpu, Blackhole bh) throws IOException {
        long c0 = cpu.now();
        long records = readAll(sample, bh);
        cpu.add(c0, records, sample.bytes.length - sample.dataStart);
        volume.records += records;
        volume.bytes += sample.bytes.length - sample.dataStart;
    }

    /** Reads every record of the data region; each record goes to the blackhole (when given). */
    static long readAll(SampleCsv sample, Blackhole bh) throws IOException {
        byte[] b = sample.bytes;
        long records = 0;
        long malformed = 0;
        try (ChunkRecordReader reader = new ChunkRecordReader(
                new ByteArrayInputStream(b, sample.dataStart, b.length - sample.dataStart),
                SampleCsv.DIALECT, sample.dataStart, sample.dataLine)) {
            CsvRecord record;
            while ((record = reader.next()) != null) {
                records++;
                if (record.isMalformed()) {
                    malformed++;
                }
                if (bh != null) {
                    bh.consume(record);
                }
            }
        }
        if (malformed != 0) {
            throw new IllegalStateException(malformed + " malformed records in a file generated without invalid rows");
        }
        return records;
    }
}
