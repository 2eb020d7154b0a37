package dev.refdata.ingest.benchmarks;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Work done by a CSV benchmark, reported by JMH per second of measurement next to the operations: bytes read and
 * records found. Shared by the scan, record-reading and conversion benchmarks.
 */
@AuxCounters(AuxCounters.Type.OPERATIONS)
@State(Scope.Thread)
public class WorkDone {
    public long bytes;
    public long records;

    @Setup(Level.Iteration)
    public void reset() {
        bytes = 0;
        records = 0;
    }
}
