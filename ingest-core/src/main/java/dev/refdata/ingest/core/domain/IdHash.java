package dev.refdata.ingest.core.domain;

import java.nio.charset.StandardCharsets;

/**
 * A 64-bit hash of a document id's UTF-8 bytes (FNV-1a, then a finaliser that spreads the bits), computed from a
 * string or fed the id's bytes piece by piece where they lie, e.g. in a record's read buffer, so that no string
 * need be made for it. Both ways give the same hash for the same id.
 */
public final class IdHash {

    /** The state before the first byte. */
    public static final long START = 0xcbf29ce484222325L;
    private static final long PRIME = 0x100000001b3L;

    private IdHash() {
    }

    /** The state after {@code bytes[from, to)} follow what {@code h} has seen. */
    public static long add(long h, byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            h ^= bytes[i] & 0xFF;
            h *= PRIME;
        }
        return h;
    }

    /** The hash of everything the state {@code h} has seen. */
    public static long finish(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    /** The hash of {@code id}: that of its UTF-8 bytes (for the few ids held as strings, such as a sample's). */
    public static long of(String id) {
        byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
        return finish(add(START, bytes, 0, bytes.length));
    }
}
