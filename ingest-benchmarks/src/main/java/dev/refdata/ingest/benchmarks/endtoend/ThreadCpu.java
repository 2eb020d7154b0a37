package dev.refdata.ingest.benchmarks.endtoend;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where this process's CPU time went, by kind of thread, read from Linux's {@code /proc/self/task/<tid>/stat}
 * (user + system ticks of every live thread, grouped by the thread's name): the JIT compilers, the garbage
 * collector, the JVM's own threads and the application's. Threads that have ended are no longer listed; their
 * time is the process total minus the sum (reported as {@code exited}). On other systems the breakdown is empty.
 */
final class ThreadCpu {

    /** Linux reports process, thread and machine times in clock ticks; USER_HZ is 100 on every mainstream kernel build. */
    static final double TICKS_PER_SECOND = 100.0;

    private ThreadCpu() {
    }

    /**
     * {@code "jit":s,"gc":s,"vm":s,"app:<thread name>":s,...,"exited":s}, seconds, as JSON members; empty when
     * /proc is missing.
     */
    static String breakdownJson(long processCpuNanos) {
        Map<String, Double> seconds = new TreeMap<>();
        Path tasks = Path.of("/proc/self/task");
        if (!Files.isDirectory(tasks)) {
            return "";
        }
        double sum = 0;
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
            for (Path thread : threads) {
                String stat;
                try {
                    stat = Files.readString(thread.resolve("stat"));
                } catch (IOException ended) {
                    continue;
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                double s = userSystemTicks(stat) / TICKS_PER_SECOND;
                seconds.merge(kind(name), s, Double::sum);
                sum += s;
            }
        } catch (IOException e) {
            return "";
        }
        seconds.put("exited", Math.max(0, processCpuNanos / 1e9 - sum));
        StringBuilder json = new StringBuilder();
        seconds.forEach((kind, s) -> json.append(json.length() == 0 ? "" : ",")
                .append(String.format(Locale.ROOT, "\"%s\":%.2f", kind, s)));
        return json.toString();
    }

    /**
     * User + system clock ticks from a {@code /proc/<pid>/stat} or {@code /proc/<pid>/task/<tid>/stat} line: fields
     * 14 and 15, counted from the pid as 1, after the name in parentheses (which may itself hold spaces or
     * parentheses).
     */
    static long userSystemTicks(String stat) {
        String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // rest[0] is field 3 (state)
        return Long.parseLong(rest[11]) + Long.parseLong(rest[12]);
    }

    private static String kind(String threadName) {
        if (threadName.startsWith("C1 CompilerThre") || threadName.startsWith("C2 CompilerThre")) {
            return "jit";
        }
        if (threadName.startsWith("GC Thread") || threadName.startsWith("G1 ") || threadName.startsWith("VM Thread")) {
            return "gc";
        }
        if (threadName.startsWith("VM ") || threadName.equals("Sweeper thread")
                || threadName.startsWith("Service Thread") || threadName.startsWith("Signal Dispatch")) {
            return "vm";
        }
        // the application's threads by name, numbers dropped (pool-3-thread-1 and pool-3-thread-2 together)
        return "app:" + threadName.replaceAll("[0-9]+", "#");
    }
}
