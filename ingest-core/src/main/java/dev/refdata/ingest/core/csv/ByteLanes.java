package dev.refdata.ingest.core.csv;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Eight bytes at a time (SWAR): a {@code long} read from a byte array holds eight byte lanes, the lowest lane
 * being the first byte in memory (little-endian), so that the first lane that matches is the lowest set bit.
 *
 * <p>The searches that split CSV and escape JSON skip plain bytes with these. A loop that looks at one byte at a
 * time runs eight times as many iterations, and each one checks the array's bounds; the JIT that the Lambdas are
 * deployed with (C1 only, see {@code template.yaml}) neither unrolls nor removes those checks.
 *
 * <p>Every mask returned here has the high bit of the first matching lane set, and maybe of some lanes after it
 * (a borrow only ever runs upwards from a real match), never of a lane before it: only
 * {@link #firstLane(long)} of a mask is to be trusted.
 */
public final class ByteLanes {

    /** {@code LANES_OF_ONE * b} repeats byte b in every lane. */
    private static final long LANES_OF_ONE = 0x0101010101010101L;
    /** The high bit of every lane: a word ANDed with it is zero when all eight bytes are ASCII. */
    public static final long HIGH_BITS = 0x8080808080808080L;
    /** Byte {@code 7 - k} holds {@code k}: see {@link #firstLane}. */
    private static final long LANE_NUMBERS = 0x0001020304050607L;
    private static final VarHandle LONG_AT = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private ByteLanes() {
    }

    /** {@code b} in all eight lanes. */
    public static long broadcast(byte b) {
        return LANES_OF_ONE * (b & 0xFF);
    }

    /** The eight bytes at {@code buf[i, i + 8)}, the first in the lowest lane; {@code i + 8 <= buf.length}. */
    public static long wordAt(byte[] buf, int i) {
        return (long) LONG_AT.get(buf, i);
    }

    /** The lanes of {@code word} equal to the byte repeated in {@code lanes} (see {@link #broadcast}). */
    public static long equalLanes(long word, long lanes) {
        return zeroLanes(word ^ lanes);
    }

    /** The lanes of {@code x} that are zero. */
    public static long zeroLanes(long x) {
        return (x - LANES_OF_ONE) & ~x & HIGH_BITS;
    }

    /**
     * The lanes of {@code word} below {@code limit} (unsigned, {@code 1 <= limit <= 0x80}): bytes of 0x80 and above
     * never match.
     */
    public static long lanesBelow(long word, int limit) {
        return (word - LANES_OF_ONE * limit) & ~word & HIGH_BITS;
    }

    /**
     * The index (0-7) of the first matching lane of a non-zero mask.
     *
     * <p>The mask's lowest set bit is the high bit of that lane, bit {@code 8k + 7}. Shifted down to bit {@code 8k}
     * and multiplied by {@link #LANE_NUMBERS}, it moves that constant up by {@code k} lanes, which brings its byte
     * holding {@code k} into the top lane. {@code Long.numberOfTrailingZeros} would say the same, but C1 does not
     * compile it as an intrinsic: it cost the split and escape searches two calls for every match.
     */
    public static int firstLane(long mask) {
        return (int) ((((mask & -mask) >>> 7) * LANE_NUMBERS) >>> 56);
    }
}
