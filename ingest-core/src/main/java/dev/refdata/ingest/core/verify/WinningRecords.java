package dev.refdata.ingest.core.verify;

/**
 * For every document id of a run's input, which record should have the last word in the index: the one with the
 * highest version (external versioning), the first of equals; without versions, the last one read. Ids are kept
 * as 64-bit hashes in flat arrays (about 40 bytes an id), so a run of millions of records fits in memory; a hash
 * collision between two ids (odds about n²/2⁶⁵) would merge them and show as a count difference, never hide one.
 * <p>
 * The rules depend on the order records are offered in (ties, and the {@link #ambiguous()} count), so a reader of
 * several chunks at once collects each chunk's records in a {@link ChunkOffers} and offers them here chunk after
 * chunk, in the plan's order: the outcome is that of one sequential pass, whatever order the chunks were read in.
 */
public final class WinningRecords {

    private long[] hashes;
    private long[] versions;
    private long[] lines;
    private int[] chunks;
    private boolean[] deletes;
    private boolean[] used;
    private int size;
    private long ambiguous;

    public WinningRecords(int expectedIds) {
        int capacity = Integer.highestOneBit(Math.max(16, expectedIds * 2 - 1)) << 1;
        allocate(capacity);
    }

    private void allocate(int capacity) {
        hashes = new long[capacity];
        versions = new long[capacity];
        lines = new long[capacity];
        chunks = new int[capacity];
        deletes = new boolean[capacity];
        used = new boolean[capacity];
    }

    /** A 64-bit hash of an id (FNV-1a over its characters, then a finaliser that spreads the bits). */
    public static long hash(String id) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < id.length(); i++) {
            h ^= id.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    /**
     * Offers one accepted record.
     *
     * @param version its external version, or -1 when the dataset has none (the last record read wins)
     */
    public void offer(String id, long version, boolean delete, int chunk, long line) {
        offer(hash(id), version, delete, chunk, line);
    }

    /** Offers every record of one chunk, in the order the chunk holds them. */
    public void offerAll(ChunkOffers offers) {
        for (int i = 0; i < offers.size; i++) {
            offer(offers.hashes[i], offers.versions[i], offers.deletes[i], offers.chunk, offers.lines[i]);
        }
    }

    private void offer(long h, long version, boolean delete, int chunk, long line) {
        if (size * 2 >= hashes.length) {
            grow();
        }
        int slot = find(h);
        if (!used[slot]) {
            used[slot] = true;
            hashes[slot] = h;
            set(slot, version, delete, chunk, line);
            size++;
            return;
        }
        if (version < 0 || version > versions[slot]) {
            set(slot, version, delete, chunk, line);
        } else if (version == versions[slot] && delete != deletes[slot]) {
            ambiguous++; // an upsert and a delete with the same version: whichever reaches the index first wins
        }
    }

    private void set(int slot, long version, boolean delete, int chunk, long line) {
        versions[slot] = version;
        deletes[slot] = delete;
        chunks[slot] = chunk;
        lines[slot] = line;
    }

    private int find(long h) {
        int mask = hashes.length - 1;
        int slot = (int) (h ^ (h >>> 32)) & mask;
        while (used[slot] && hashes[slot] != h) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    private void grow() {
        long[] oldHashes = hashes;
        long[] oldVersions = versions;
        long[] oldLines = lines;
        int[] oldChunks = chunks;
        boolean[] oldDeletes = deletes;
        boolean[] oldUsed = used;
        allocate(oldHashes.length * 2);
        for (int i = 0; i < oldHashes.length; i++) {
            if (oldUsed[i]) {
                int slot = find(oldHashes[i]);
                used[slot] = true;
                hashes[slot] = oldHashes[i];
                set(slot, oldVersions[i], oldDeletes[i], oldChunks[i], oldLines[i]);
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
        for (int i = 0; i < used.length; i++) {
            if (used[i] && !deletes[i]) {
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
        int slot = find(hash(id));
        return used[slot] && chunks[slot] == chunk && lines[slot] == line;
    }

    @Override
    public String toString() {
        return "WinningRecords[ids=" + size + ", ambiguous=" + ambiguous + ", capacity=" + hashes.length + "]";
    }

    /**
     * The accepted records of one chunk, in reading order, as {@link WinningRecords} needs them (id hash, version,
     * operation, line: 25 bytes a record), collected by the thread that reads the chunk and offered later with
     * {@link #offerAll}. Not thread-safe: one reader fills it, then hands it over.
     */
    public static final class ChunkOffers {
        private final int chunk;
        private long[] hashes = new long[1024];
        private long[] versions = new long[1024];
        private long[] lines = new long[1024];
        private boolean[] deletes = new boolean[1024];
        private int size;

        public ChunkOffers(int chunk) {
            this.chunk = chunk;
        }

        public void add(String id, long version, boolean delete, long line) {
            if (size == hashes.length) {
                int capacity = size * 2;
                hashes = java.util.Arrays.copyOf(hashes, capacity);
                versions = java.util.Arrays.copyOf(versions, capacity);
                lines = java.util.Arrays.copyOf(lines, capacity);
                deletes = java.util.Arrays.copyOf(deletes, capacity);
            }
            hashes[size] = hash(id);
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
