package dev.refdata.ingest.benchmarks;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The benchmark thread's own CPU time per operation, next to what it processed, so that a figure "per core" holds
 * on a shared machine: wall-clock throughput falls when other processes take the cores, CPU-time throughput
 * does not (much). bench/boundary-scan.sh turns the counters into records, MB and items per CPU-second.
 */
@AuxCounters(AuxCounters.Type.EVENTS)
@State(Scope.Thread)
public class CpuTime {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    public long cpuNanos;
    public long cpuRecords;
    public long cpuBytes;

    @Setup(Level.Iteration)
    public void reset() {
        cpuNanos = 0;
        cpuRecords = 0;
        cpuBytes = 0;
    }

    /** This thread's CPU time now, in nanoseconds. */
    public long now() {
        return THREADS.getCurrentThreadCpuTime();
    }

    /** Adds an operation that started at {@code started} (from {@link #now()}) and processed the given volume. */
    public void add(long started, long records, long bytes) {
        cpuNanos += THREADS.getCurrentThreadCpuTime() - started;
        cpuRecords += records;
        cpuBytes += bytes;
    }
}
