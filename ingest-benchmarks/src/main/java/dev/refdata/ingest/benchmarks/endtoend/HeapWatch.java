package dev.refdata.ingest.benchmarks.endtoend;

import com.sun.management.GarbageCollectionNotificationInfo;

import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This process's heap as the benchmark reports it: the largest live set (heap in use right after a collection)
 * and the sum of the heap pools' peaks (an upper bound of the heap in use at any moment), plus process CPU time.
 *
 * <p>Every figure is the collector's own account of the heap at the end of a collection. The heap in use read a
 * moment after a collection is not the live set: the threads still running allocate into fresh eden regions, and
 * G1 counts an eden region whole (1 MiB in a 256 MB heap) from its first allocation, so that reading carries a few
 * megabytes of whatever those threads were doing.
 */
final class HeapWatch {

    private static final String EXPLICIT_CAUSE = "System.gc()";

    private final AtomicLong peakLive = new AtomicLong();
    private final Set<String> heapPools = new HashSet<>();
    private final Object explicitLock = new Object();
    private long explicitCollections;
    private long lastExplicitLive;

    HeapWatch() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                heapPools.add(pool.getName());
            }
        }
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener((notification, handback) -> {
                    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                        return;
                    }
                    var info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
                    long used = 0;
                    for (var entry : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                        if (heapPools.contains(entry.getKey())) {
                            used += entry.getValue().getUsed();
                        }
                    }
                    peakLive.accumulateAndGet(used, Math::max);
                    if (EXPLICIT_CAUSE.equals(info.getGcCause())) {
                        synchronized (explicitLock) {
                            explicitCollections++;
                            lastExplicitLive = used;
                            explicitLock.notifyAll();
                        }
                    }
                }, null, null);
            }
        }
    }

    /**
     * Runs a full collection and returns the heap in use at its end as the collector reports it: the live set at
     * that moment. Waits for the collector's notification (delivered on its own thread), at most a few seconds;
     * -1 if none came.
     */
    long collectAndMeasureLive() {
        long seen;
        synchronized (explicitLock) {
            seen = explicitCollections;
        }
        System.gc();
        long deadline = System.nanoTime() + 5_000_000_000L;
        synchronized (explicitLock) {
            while (explicitCollections == seen) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return -1;
                }
                try {
                    explicitLock.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return -1;
                }
            }
            return lastExplicitLive;
        }
    }

    /** Forgets the peaks seen so far. */
    void reset() {
        peakLive.set(0);
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
    }

    /** The largest heap in use right after a collection since the last reset. */
    long peakLiveBytes() {
        return peakLive.get();
    }

    /** The sum of the heap pools' peaks since the last reset. */
    long peakPoolSumBytes() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }
}
