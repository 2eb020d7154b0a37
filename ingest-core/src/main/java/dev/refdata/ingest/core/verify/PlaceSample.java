package dev.refdata.ingest.core.verify;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A uniform random sample of records that does not depend on the order they are read in: every record gets a key,
 * a seeded 64-bit hash of its place (chunk and line), and the sample is the records with the smallest keys
 * (a "bottom-k" sample). A record's key depends only on the seed and where the record is, so the samples of
 * chunks read on different threads, in whatever order they finish, {@link #merge merge} into the same sample a
 * single sequential pass would choose. Ties of keys are broken by chunk, then line.
 *
 * @param <T> what is kept of a sampled record
 */
public final class PlaceSample<T> {

    /** A sampled record: its key, its place and what was kept of it. */
    public record Entry<T>(long key, int chunk, long line, T value) {
    }

    private static final Comparator<Entry<?>> SMALLEST_FIRST = Comparator.<Entry<?>>comparingLong(Entry::key)
            .thenComparingInt(Entry::chunk).thenComparingLong(Entry::line);

    private final long seed;
    private final int room;
    private final PriorityQueue<Entry<T>> largestFirst;

    /**
     * @param seed the same for every chunk of one sample (e.g. derived from the run id)
     * @param room how many records to keep; 0 keeps none
     */
    public PlaceSample(long seed, int room) {
        if (room < 0) {
            throw new IllegalArgumentException("room must not be negative: " + room);
        }
        this.seed = seed;
        this.room = room;
        this.largestFirst = new PriorityQueue<>(Math.max(1, room), SMALLEST_FIRST.reversed());
    }

    /** The key of the record at {@code chunk}/{@code line} under {@code seed}. */
    public static long key(long seed, int chunk, long line) {
        return mix(seed + mix(chunk + 0x9E3779B97F4A7C15L) + line * 0xC2B2AE3D27D4EB4FL);
    }

    /** SplitMix64's finaliser: every input bit affects every output bit. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Offers the record at {@code chunk}/{@code line}; {@code value} is asked for only when the record is kept
     * (for now), so most records cost a hash and a comparison.
     */
    public void offer(int chunk, long line, java.util.function.Supplier<T> value) {
        if (room == 0) {
            return;
        }
        long key = key(seed, chunk, line);
        if (largestFirst.size() == room) {
            Entry<T> largest = largestFirst.peek();
            int order = Long.compare(key, largest.key());
            order = order != 0 ? order : Integer.compare(chunk, largest.chunk());
            order = order != 0 ? order : Long.compare(line, largest.line());
            if (order >= 0) {
                return;
            }
            largestFirst.poll();
        }
        largestFirst.add(new Entry<>(key, chunk, line, value.get()));
    }

    /** The records kept, smallest key first. */
    public List<Entry<T>> entries() {
        List<Entry<T>> entries = new ArrayList<>(largestFirst);
        entries.sort(SMALLEST_FIRST);
        return entries;
    }

    /** The sample of all the given parts together: the {@code room} smallest keys of all, smallest first. */
    public static <T> List<Entry<T>> merge(List<PlaceSample<T>> parts, int room) {
        List<Entry<T>> all = new ArrayList<>();
        for (PlaceSample<T> part : parts) {
            all.addAll(part.largestFirst);
        }
        all.sort(SMALLEST_FIRST);
        return List.copyOf(all.subList(0, Math.min(room, all.size())));
    }
}
