package dev.refdata.ingest.benchmarks.endtoend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Where the machine's CPU went during one measurement, from Linux's {@code /proc}: the OpenSearch node (its
 * process and every descendant), this harness process (the ceiling's client, or the in-process S3 server that a
 * loader reads from), the measured child process, everything else on the machine (other users' work), and the
 * time the hypervisor took ({@code steal}). On a 2-core machine where the server is the bottleneck, the server's
 * share is what sets the rate; the others are what took it away.
 *
 * <p>Off Linux only the wall time, the harness's and the child's CPU are known; the other figures are -1.
 */
final class CpuAccount {

    /** The counters at one moment. */
    record Snapshot(long wallNanos, long machineBusyTicks, long stealTicks, long idleTicks, long serverTicks,
                    long harnessNanos) {
    }

    private final long serverPid;

    /** @param serverPid the OpenSearch node's process id */
    CpuAccount(long serverPid) {
        this.serverPid = serverPid;
    }

    long serverPid() {
        return serverPid;
    }

    Snapshot take() {
        long[] machine = machineTicks();
        return new Snapshot(System.nanoTime(), machine[0], machine[1], machine[2], treeTicks(serverPid),
                HeapWatch.processCpuNanos());
    }

    /** CPU seconds spent during one measurement. */
    record Spent(double wallSeconds, double server, double harness, double child, double others, double steal,
                 double idle) {

        static final Spent UNKNOWN = new Spent(-1, -1, -1, -1, -1, -1, -1);

        /**
         * Every core-second of the window: the named processes, everyone else, steal and idle. On a machine whose
         * cores are all accounted for, this is the cores times the wall time.
         */
        double coreSeconds() {
            return server + harness + child + others + steal + idle;
        }

        /** The window's core-seconds had the server spent {@code serverCpuSeconds} in it instead of its own. */
        double coreSecondsWithServerAt(double serverCpuSeconds) {
            return coreSeconds() - server + serverCpuSeconds;
        }

        /** The cores the server had on average: its CPU seconds per second of wall time. */
        double serverCores() {
            return wallSeconds > 0 ? server / wallSeconds : -1;
        }

        /** {@code "cpu":{...}} as a JSON member. */
        String json() {
            return String.format(Locale.ROOT, "\"cpu\":{\"wallSeconds\":%.2f,\"server\":%.2f,\"harness\":%.2f,"
                            + "\"child\":%.2f,\"others\":%.2f,\"steal\":%.2f,\"idle\":%.2f}",
                    wallSeconds, server, harness, child, others, steal, idle);
        }

        /**
         * {@code "name":{...}} as a JSON member, for an account taken inside the measured process itself (its CPU
         * is then the harness share, called {@code self} here).
         */
        String selfJson(String name) {
            return String.format(Locale.ROOT, "\"%s\":{\"wallSeconds\":%.2f,\"server\":%.2f,\"serverCores\":%.2f,"
                            + "\"self\":%.2f,\"others\":%.2f,\"steal\":%.2f,\"idle\":%.2f}",
                    name, wallSeconds, server, serverCores(), harness, others, steal, idle);
        }
    }

    /**
     * The CPU seconds spent since {@code start}: {@code others} is the machine's busy time less the three named
     * processes; {@code idle} is the cores' idle time (waiting for I/O included).
     *
     * @param childCpuSeconds the measured child process's own CPU seconds, 0 when there is none (the ceiling)
     */
    Spent since(Snapshot start, double childCpuSeconds) {
        return between(start, take(), childCpuSeconds);
    }

    /** The CPU seconds spent from {@code start} to {@code end}, as {@link #since}. */
    static Spent between(Snapshot start, Snapshot end, double childCpuSeconds) {
        double wall = (end.wallNanos - start.wallNanos) / 1e9;
        double harness = (end.harnessNanos - start.harnessNanos) / 1e9;
        if (start.machineBusyTicks < 0 || end.machineBusyTicks < 0) {
            return new Spent(wall, -1, harness, childCpuSeconds, -1, -1, -1);
        }
        double busy = (end.machineBusyTicks - start.machineBusyTicks) / ThreadCpu.TICKS_PER_SECOND;
        double steal = (end.stealTicks - start.stealTicks) / ThreadCpu.TICKS_PER_SECOND;
        double server = (end.serverTicks - start.serverTicks) / ThreadCpu.TICKS_PER_SECOND;
        double others = Math.max(0, busy - server - harness - childCpuSeconds);
        double idle = (end.idleTicks - start.idleTicks) / ThreadCpu.TICKS_PER_SECOND;
        return new Spent(wall, server, harness, childCpuSeconds, others, steal, idle);
    }

    /** {busy, steal, idle} ticks of all cores from the first line of /proc/stat, or {-1, -1, -1}. */
    private static long[] machineTicks() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/stat"))) {
            String[] f = lines.findFirst().orElse("").trim().split("\\s+");
            // cpu user nice system idle iowait irq softirq steal guest guest_nice (guest time is inside user)
            long busy = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
                    + Long.parseLong(f[7]);
            return new long[] {busy, Long.parseLong(f[8]), Long.parseLong(f[4]) + Long.parseLong(f[5])};
        } catch (IOException | RuntimeException e) {
            return new long[] {-1, -1, -1};
        }
    }

    /** User + system ticks of a process and all its descendants (the launcher scripts and the JVM). */
    private static long treeTicks(long pid) {
        return ProcessHandle.of(pid)
                .map(root -> Stream.concat(Stream.of(root), root.descendants())
                        .mapToLong(p -> processTicks(p.pid())).sum())
                .orElse(0L);
    }

    private static long processTicks(long pid) {
        try {
            return ThreadCpu.userSystemTicks(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        } catch (IOException | RuntimeException ended) {
            return 0;
        }
    }
}
