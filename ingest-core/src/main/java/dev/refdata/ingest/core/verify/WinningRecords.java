package dev.refdata.ingest.core.verify;

import dev.refdata.ingest.core.domain.IdHash;

/**
 * For every document id of a run's input, which record should have the last word in the index: the one with the
 * highest version (external versioning), the first of equals; without versions, the last one read. Ids are kept
 * as 64-bit hashes in one flat table (24 bytes a slot, two to four slots an id), so a run of millions of records
 * fits in memory; a hash collision between two ids (odds about n²/2⁶⁵) would merge them and show as a count difference, never hide one.
 * <p>
 * The rules depend on the order records are offered in (ties, and the {@link #ambiguous()} count), so a reader of
 * several chunks at once collects each chunk's records in a {@link ChunkOffers} and offers them here chunk after
 * chunk, in the plan's order: the outcome is that of one sequential pass, whatever order the chunks were read in.
 */
public final class WinningRecords {

    /** Longs a slot: the id's hash, the version, and the place packed with the flags ({@link #place}). */
    private static final int STRIDE = 3;
    private static final int LINE_BITS = 40;
    private static final int CHUNK_BITS = 22;
    private static final long LINE_MASK = (1L << LINE_BITS) - 1;
    private static final long CHUNK_MASK = (1L << CHUNK_BITS) - 1;
    private static final long DELETE = 1L << (LINE_BITS + CHUNK_BITS);
    private static final long USED = DELETE << 1;

    /**
     * The open-addressing table, one slot a run of {@link #STRIDE} longs, so that a probe reads one cache line
     * rather than one from each of several arrays (a million ids make a table of 50 MB: each probe is a miss).
     */
    private long[] table;
    private int capacity;
    private int size;
    private long ambiguous;

    public WinningRecords(int expectedIds) {
        allocate(Integer.highestOneBit(Math.max(16, expectedIds * 2 - 1)) << 1);
    }

    private void allocate(int slots) {
        if (slots <= 0 || slots > Integer.MAX_VALUE / STRIDE) {
            throw new IllegalStateException("more ids than one table can hold (" + size + " so far)");
        }
        capacity = slots;
        table = new long[slots * STRIDE];
    }

    /** A record's chunk, line and operation in one long, with the slot's used bit. */
    private static long place(int chunk, long line, boolean delete) {
        if (chunk < 0 || chunk > CHUNK_MASK) {
            throw new IllegalArgumentException("chunk " + chunk + " is beyond the " + CHUNK_MASK + " a run can have");
        }
        if (line < 0 || line > LINE_MASK) {
            throw new IllegalArgumentException("line " + line + " is beyond the " + LINE_MASK + " a file can have");
        }
        return USED | (delete ? DELETE : 0) | ((long) chunk << LINE_BITS) | line;
    }

    /** The 64-bit hash an id is kept as: its {@link IdHash}. */
    public static long hash(String id) {
        return IdHash.of(id);
    }

    /**
     * Offers one accepted record.
     *
     * @param version its external version, or -1 when the dataset has none (the last record read wins)
     */
    public void offer(String id, long version, boolean delete, int chunk, long line) {
        offer(hash(id), version, place(chunk, line, delete));
    }

    /** Offers every record of one chunk, in the order the chunk holds them. */
    public void offerAll(ChunkOffers offers) {
        for (int i = 0; i < offers.size; i++) {
            offer(offers.hashes[i], offers.versions[i], place(offers.chunk, offers.lines[i], offers.deletes[i]));
        }
    }

    private void offer(long h, long version, long place) {
        if (size * 2 >= capacity) {
            grow();
        }
        int at = find(h);
        long held = table[at + 2];
        if (held == 0) {
            table[at] = h;
            table[at + 1] = version;
            table[at + 2] = place;
            size++;
            return;
        }
        if (version < 0 || version > table[at + 1]) {
            table[at + 1] = version;
            table[at + 2] = place;
        } else if (version == table[at + 1] && (place & DELETE) != (held & DELETE)) {
            ambiguous++; // an upsert and a delete with the same version: whichever reaches the index first wins
        }
    }

    /** The index in {@link #table} of the slot that holds {@code h}, or of the empty slot where it would go. */
    private int find(long h) {
        int mask = capacity - 1;
        int slot = (int) (h ^ (h >>> 32)) & mask;
        while (true) {
            int at = slot * STRIDE;
            if (table[at + 2] == 0 || table[at] == h) {
                return at;
            }
            slot = (slot + 1) & mask;
        }
    }

    private void grow() {
        long[] old = table;
        allocate(capacity * 2);
        for (int at = 0; at < old.length; at += STRIDE) {
            if (old[at + 2] != 0) {
                int to = find(old[at]);
                table[to] = old[at];
                table[to + 1] = old[at + 1];
                table[to + 2] = old[at + 2];
            }
        }
    }

    /** Distinct ids seen. */
    public int ids() {
        return size;
    }

    /** Ids whose winning record is an upsert: the documents that should be in a fresh index. */
    public long present() {
        long n = 0;
        for (int at = 2; at < table.length; at += STRIDE) {
            if (table[at] != 0 && (table[at] & DELETE) == 0) {
                n++;
            }
        }
        return n;
    }

    /** Ids where an upsert and a delete tied on the highest version, so either outcome is right. */
    public long ambiguous() {
        return ambiguous;
    }

    /** Whether the record at {@code chunk}/{@code line} is the winner for {@code id}. */
    public boolean isWinner(String id, int chunk, long line) {
        long held = table[find(hash(id)) + 2];
        return held != 0 && (held & ~DELETE) == (place(chunk, line, false) & ~DELETE);
    }

    @Override
    public String toString() {
        return "WinningRecords[ids=" + size + ", ambiguous=" + ambiguous + ", capacity=" + capacity + "]";
    }

    /**
     * The accepted records of one chunk, in reading order, as {@link WinningRecords} needs them (id hash, version,
     * operation, line: 25 bytes a record), collected by the thread that reads the chunk and offered later with
     * {@link #offerAll}. Not thread-safe: one reader fills it, then hands it over.
     */
    public static final class ChunkOffers {
        private final int chunk;
        private long[] hashes;
        private long[] versions;
        private long[] lines;
        private boolean[] deletes;
        private int size;

        public ChunkOffers(int chunk) {
            this(chunk, 1024);
        }

        /**
         * @param expected how many records the chunk holds (the plan counted them): room for that many from the
         *                 start, so that the arrays are not copied as they grow (at a million records, each copy is
         *                 tens of megabytes the collector must clear)
         */
        public ChunkOffers(int chunk, int expected) {
            if (expected < 0) {
                throw new IllegalArgumentException("expected must not be negative: " + expected);
            }
            this.chunk = chunk;
            int capacity = Math.max(16, expected);
            hashes = new long[capacity];
            versions = new long[capacity];
            lines = new long[capacity];
            deletes = new boolean[capacity];
        }

        public void add(String id, long version, boolean delete, long line) {
            add(hash(id), version, delete, line);
        }

        /** As {@link #add(String, long, boolean, long)}, with the id's {@link IdHash} instead of the id. */
        public void add(long idHash, long version, boolean delete, long line) {
            if (size == hashes.length) {
                int capacity = size * 2;
                hashes = java.util.Arrays.copyOf(hashes, capacity);
                versions = java.util.Arrays.copyOf(versions, capacity);
                lines = java.util.Arrays.copyOf(lines, capacity);
                deletes = java.util.Arrays.copyOf(deletes, capacity);
            }
            hashes[size] = idHash;
            versions[size] = version;
            lines[size] = line;
            deletes[size] = delete;
            size++;
        }

        /** The chunk these records come from. */
        public int chunk() {
            return chunk;
        }

        /** Records collected. */
        public int size() {
            return size;
        }
    }
}
