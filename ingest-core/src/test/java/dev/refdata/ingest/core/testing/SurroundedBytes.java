package dev.refdata.ingest.core.testing;

/**
 * A value's bytes with other bytes before and after it in one array, and where the value is: for properties that a
 * range is read alike whatever surrounds it (nothing past its end is looked at).
 */
public record SurroundedBytes(byte[] array, int from, int to) {

    public static SurroundedBytes of(byte[] before, byte[] value, byte[] after) {
        byte[] array = new byte[before.length + value.length + after.length];
        System.arraycopy(before, 0, array, 0, before.length);
        System.arraycopy(value, 0, array, before.length, value.length);
        System.arraycopy(after, 0, array, before.length + value.length, after.length);
        return new SurroundedBytes(array, before.length, before.length + value.length);
    }
}
