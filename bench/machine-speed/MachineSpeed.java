import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * How fast this machine is right now, for three kinds of work, in units per CPU-second of one thread, sampled in
 * 2-second windows: pure arithmetic (registers only), a random walk over 8 MB (the size of a share of a shared
 * L3 cache) and over 256 MB (main memory). CPU time, not wall time, is the divisor, so other processes taking the
 * core do not show; what shows is work that runs slower per CPU-second because neighbours on the host share the
 * caches and the memory bus. Prints one JSON line per kind with the minimum, median and maximum window.
 *
 * <p>Run with {@code java MachineSpeed.java [seconds per kind]} (default 30).
 */
public final class MachineSpeed {

    private static final long WINDOW_NANOS = 2_000_000_000L;
    private static volatile long sink;

    public static void main(String[] args) {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        report("arithmetic", measure(threads, seconds, MachineSpeed::arithmetic));
        report("walk-8MB", measure(threads, seconds, walker(8)));
        report("walk-256MB", measure(threads, seconds, walker(256)));
    }

    /** One unit of work; returns something to keep the JIT from dropping it. */
    private interface Unit {
        long run();
    }

    private static long arithmetic() {
        long h = 1469598103934665603L;
        for (int i = 0; i < 1_000_000; i++) {
            h ^= i;
            h *= 1099511628211L;
            h ^= h >>> 29;
        }
        return h;
    }

    /** A unit is a million dependent loads along one random cycle through {@code megabytes} of ints. */
    private static Unit walker(int megabytes) {
        int n = megabytes * 1024 * 1024 / Integer.BYTES;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Random random = new Random(1);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            next[order[i]] = order[(i + 1) % n];
        }
        int[] at = {0};
        return () -> {
            int p = at[0];
            for (int k = 0; k < 1_000_000; k++) {
                p = next[p];
            }
            at[0] = p;
            return p;
        };
    }

    private static List<Double> measure(ThreadMXBean threads, int seconds, Unit unit) {
        for (int i = 0; i < 20; i++) {
            sink += unit.run(); // warm up the JIT
        }
        List<Double> rates = new ArrayList<>();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            long cpu0 = threads.getCurrentThreadCpuTime();
            long wall0 = System.nanoTime();
            long units = 0;
            while (System.nanoTime() - wall0 < WINDOW_NANOS) {
                sink += unit.run();
                units++;
            }
            rates.add(units / ((threads.getCurrentThreadCpuTime() - cpu0) / 1e9));
        }
        return rates;
    }

    private static void report(String kind, List<Double> rates) {
        List<Double> sorted = new ArrayList<>(rates);
        Collections.sort(sorted);
        System.out.printf(Locale.ROOT, "{\"kind\":\"%s\",\"windows\":%d,\"unitsPerCpuSecond\":{\"min\":%.1f,"
                        + "\"median\":%.1f,\"max\":%.1f},\"maxOverMin\":%.2f}%n", kind, sorted.size(), sorted.get(0),
                sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1),
                sorted.get(sorted.size() - 1) / sorted.get(0));
    }
}
