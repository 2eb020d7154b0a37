package dev.refdata.ingest.core.load;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The body's number writer: the digits JSON (and {@link Long#toString}) write, for every long. */
class BulkBufferTest {

    @Property(tries = 2000)
    void aLongIsWrittenAsItsDecimalDigits(@ForAll long value) throws IOException {
        assertThat(written(value)).isEqualTo(Long.toString(value));
    }

    @Test
    void theEdgesOfTheRangeAndZeroAreWrittenExactly() throws IOException {
        for (long value : new long[] {0, 9, 10, -1, Long.MAX_VALUE, Long.MIN_VALUE, 1795741200123L}) {
            assertThat(written(value)).isEqualTo(Long.toString(value));
        }
    }

    @Test
    void everyPowerOfTenAndItsNeighboursAndTheIntBoundaryAreWrittenExactly() throws IOException {
        java.util.List<Long> values = new java.util.ArrayList<>(java.util.List.of(
                (long) Integer.MAX_VALUE - 1, (long) Integer.MAX_VALUE, (long) Integer.MAX_VALUE + 1,
                Long.MAX_VALUE - 1, Long.MIN_VALUE + 1));
        for (long power = 1; power > 0 && power <= Long.MAX_VALUE / 10; power *= 10) {
            values.addAll(java.util.List.of(power - 1, power, power + 1, power * 10 - 1, -power, -(power - 1)));
        }
        for (long value : values) {
            assertThat(written(value)).isEqualTo(Long.toString(value));
        }
    }

    @Property(tries = 2000)
    void aSmallOrMidSizedLongIsWrittenAsItsDecimalDigits(@ForAll @net.jqwik.api.constraints.LongRange(
            min = -10_000_000_000_000L, max = 10_000_000_000_000L) long value) throws IOException {
        assertThat(written(value)).isEqualTo(Long.toString(value));
    }

    private static String written(long value) throws IOException {
        BulkBuffer buffer = new BulkBuffer(16);
        buffer.write('[');
        buffer.writeLong(value);
        buffer.write(']');
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        buffer.writeTo(out);
        String text = out.toString(StandardCharsets.US_ASCII);
        return text.substring(1, text.length() - 1);
    }
}
