package dev.refdata.ingest.benchmarks;

import dev.refdata.ingest.core.csv.BoundaryScanner;
import dev.refdata.ingest.core.csv.ChunkPlanner;
import dev.refdata.ingest.core.domain.ChunkPlan;
import dev.refdata.ingest.core.domain.ObjectRef;
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
 * How fast record boundaries are found in an in-memory {@code instruments} CSV, single-threaded.
 *
 * <p>One operation is one pass over the whole file. Besides the primary score (passes per second), every
 * benchmark reports the auxiliary counters {@code bytes} and {@code records} per second, so MB/s is read off
 * directly ({@code bytes} / 10^6); {@code bench/boundary-scan.sh} prints it.
 *
 * <ul>
 *   <li>{@link #scanWholeBuffer}: the scanner over the whole array as one buffer;</li>
 *   <li>{@link #scanSlices}: the same fed in 1 MiB slices, as the chunk planner feeds it;</li>
 *   <li>{@link #planChunks}: {@link ChunkPlanner#plan} over a {@link ByteArrayInputStream}, 64 MiB chunks
 *       (adds the copy into the planner's buffer, header parsing and chunk bookkeeping);</li>
 *   <li>{@link #baselineCountLineFeeds}: a plain loop counting LF bytes, a rough ceiling for a byte-at-a-time
 *       scan on this machine (not a correct CSV framing).</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Threads(1)
@State(Scope.Benchmark)
public class BoundaryScanBenchmark {

    static final int SLICE_BYTES = 1 << 20;
    static final long CHUNK_BYTES = 64L << 20;
    private static final ObjectRef OBJECT = new ObjectRef("bench", "instruments-bench.csv");

    /** Size of the generated file in MB (10^6 bytes). */
    @Param("100")
    public int fileMB;

    private byte[] csv;

    @Setup(Level.Trial)
    public void generate() throws IOException {
        SampleCsv sample = SampleCsv.ofAbout(fileMB * SampleCsv.MB);
        csv = sample.bytes;
        // The variants must agree with the generator (and so with each other) before they are timed.
        long expected = sample.summary.records();
        long whole = scanWhole(csv) - 1;
        long sliced = scanInSlices(csv) - 1;
        long planned = plan(csv).records();
        if (whole != expected || sliced != expected || planned != expected) {
            throw new IllegalStateException("records: generator " + expected + ", whole-buffer scan " + whole
                    + ", sliced scan " + sliced + ", planner " + planned);
        }
        System.out.println();
        System.out.println("# " + sample);
    }

    @Benchmark
    public void scanWholeBuffer(WorkDone volume, CpuTime cpu, Blackhole bh) {
        long c0 = cpu.now();
        long records = scanWhole(csv);
        cpu.add(c0, records, csv.length);
        volume.bytes += csv.length;
        volume.records += records;
        bh.consume(records);
    }

    @Benchmark
    public void scanSlices(WorkDone volume, CpuTime cpu, Blackhole bh) {
        long c0 = cpu.now();
        long records = scanInSlices(csv);
        cpu.add(c0, records, csv.length);
        volume.bytes += csv.length;
        volume.records += records;
        bh.consume(records);
    }

    @Benchmark
    public void planChunks(WorkDone volume, CpuTime cpu, Blackhole bh) throws IOException {
        long c0 = cpu.now();
        ChunkPlan plan = plan(csv);
        cpu.add(c0, plan.records(), plan.objectSize());
        volume.bytes += plan.objectSize();
        volume.records += plan.records();
        bh.consume(plan);
    }

    @Benchmark
    public void baselineCountLineFeeds(WorkDone volume, CpuTime cpu, Blackhole bh) {
        long c0 = cpu.now();
        byte[] b = csv;
        long lineFeeds = 0;
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '\n') {
                lineFeeds++;
            }
        }
        cpu.add(c0, lineFeeds, b.length);
        volume.bytes += b.length;
        volume.records += lineFeeds;
        bh.consume(lineFeeds);
    }

    /** Records (header included, blank lines not) found scanning {@code b} as one buffer. */
    static long scanWhole(byte[] b) {
        BoundaryScanner scanner = new BoundaryScanner(SampleCsv.DIALECT);
        int n = b.length;
        int pos = 0;
        int end;
        long records = 0;
        while ((end = scanner.nextRecordEnd(b, pos, n)) >= 0) {
            pos = end;
            if (!scanner.recordBlank()) {
                records++;
            }
        }
        if (scanner.finish() && !scanner.recordBlank()) {
            records++;
        }
        return records;
    }

    /** The same, feeding the scanner consecutive 1 MiB slices of the array. */
    static long scanInSlices(byte[] b) {
        BoundaryScanner scanner = new BoundaryScanner(SampleCsv.DIALECT);
        int n = b.length;
        long records = 0;
        for (int from = 0; from < n; from += SLICE_BYTES) {
            int to = Math.min(n, from + SLICE_BYTES);
            int pos = from;
            int end;
            while ((end = scanner.nextRecordEnd(b, pos, to)) >= 0) {
                pos = end;
                if (!scanner.recordBlank()) {
                    records++;
                }
            }
        }
        if (scanner.finish() && !scanner.recordBlank()) {
            records++;
        }
        return records;
    }

    static ChunkPlan plan(byte[] b) throws IOException {
        return new ChunkPlanner(SampleCsv.DIALECT).plan(OBJECT, new ByteArrayInputStream(b), CHUNK_BYTES);
    }
}
