package dev.refdata.ingest.core.load;

import dev.refdata.ingest.core.domain.ByteRange;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.testing.ControlledReadsObjectStore;
import dev.refdata.ingest.core.testing.InMemoryObjectStore;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReadAheadObjectStreamTest {

    private static final ObjectRef OBJECT = new ObjectRef("feeds", "big.csv");

    private static byte[] content(int length) {
        byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        return bytes;
    }

    @Property(tries = 300)
    void everyByteOfTheRangeArrivesInOrderWhateverThePartsAndTheReadSizes(
            @ForAll @IntRange(min = 0, max = 3000) int length, @ForAll @IntRange(min = 0, max = 3000) int a,
            @ForAll @IntRange(min = 0, max = 3000) int b, @ForAll @IntRange(min = 1, max = 700) int partBytes,
            @ForAll @IntRange(min = 1, max = 4) int partsAhead,
            @ForAll @Size(min = 1, max = 20) List<@IntRange(min = 0, max = 900) Integer> readSizes) throws IOException {
        byte[] content = content(length);
        int start = Math.min(Math.min(a, b), length);
        int end = Math.min(Math.max(a, b), length);
        InMemoryObjectStore store = new InMemoryObjectStore().with(OBJECT, content);

        ByteArrayOutputStream read = new ByteArrayOutputStream();
        try (InputStream in = new ReadAheadObjectStream(store, OBJECT, new ByteRange(start, end), partsAhead,
                partBytes, 1)) {
            for (int i = 0; ; i++) {
                int size = readSizes.get(i % readSizes.size());
                if (size == 0) { // a read of one byte
                    int one = in.read();
                    if (one < 0) {
                        break;
                    }
                    read.write(one);
                } else {
                    byte[] buffer = new byte[size + 2];
                    int n = in.read(buffer, 1, size);
                    if (n < 0) {
                        break;
                    }
                    assertThat(n).isPositive();
                    read.write(buffer, 1, n);
                }
            }
            assertThat(in.read()).isEqualTo(-1);
        }

        assertThat(read.toByteArray()).isEqualTo(Arrays.copyOfRange(content, start, end));
    }

    @Test
    void laterPartsAreFetchedWhileAnEarlierOneIsStillComingAndAreHandedOverInOrder() throws IOException {
        byte[] content = content(3000);
        ByteRange first = new ByteRange(0, 1000);
        ByteRange second = new ByteRange(1000, 2000);
        ByteRange third = new ByteRange(2000, 3000);
        // the first part delivers nothing before the third has been read to its end: only parts fetched at once
        // get past it
        ControlledReadsObjectStore store = new ControlledReadsObjectStore(new InMemoryObjectStore().with(OBJECT, content))
                .holdBack(first, third).holdBack(second, third);

        byte[] read;
        try (InputStream in = new ReadAheadObjectStream(store, OBJECT, new ByteRange(0, 3000), 3, 1000, 1)) {
            read = in.readAllBytes();
        }

        assertThat(read).isEqualTo(content);
    }

    @Test
    void aPartThatCannotBeReadFailsTheReaderWhenItGetsThereNotBefore() throws IOException {
        byte[] content = content(3000);
        ControlledReadsObjectStore store = new ControlledReadsObjectStore(new InMemoryObjectStore().with(OBJECT, content))
                .failing(new ByteRange(1000, 2000), "Connection reset");

        try (InputStream in = new ReadAheadObjectStream(store, OBJECT, new ByteRange(0, 3000), 2, 1000, 2)) {
            assertThat(in.readNBytes(1000)).isEqualTo(Arrays.copyOfRange(content, 0, 1000));
            assertThatThrownBy(in::read).isInstanceOf(IOException.class)
                    .hasMessageContaining("reading feeds/big.csv failed at byte 1000 after 2 ranged reads")
                    .hasMessageContaining("Connection reset");
        }
    }

    @Test
    void aClosedStreamSaysSoAndFetchesNoMore() throws IOException {
        byte[] content = content(5000);
        ControlledReadsObjectStore store = new ControlledReadsObjectStore(new InMemoryObjectStore().with(OBJECT, content));
        InputStream in = new ReadAheadObjectStream(store, OBJECT, new ByteRange(0, 5000), 2, 100, 1);
        assertThat(in.read()).isEqualTo(content[0] & 0xFF);

        in.close();
        in.close(); // twice is harmless

        assertThatThrownBy(in::read).isInstanceOf(IOException.class).hasMessageContaining("closed");
    }

    @Test
    void anEmptyRangeIsAnEmptyStream() throws IOException {
        InMemoryObjectStore store = new InMemoryObjectStore().with(OBJECT, content(10));
        try (InputStream in = new ReadAheadObjectStream(store, OBJECT, new ByteRange(10, 10), 2, 4, 1)) {
            assertThat(in.read()).isEqualTo(-1);
            assertThat(in.read(new byte[4], 0, 4)).isEqualTo(-1);
        }
    }

    @Test
    void thePartsHeldAtOnceStayWithinASixteenthOfTheHeapBetweenOneAndEightMebibytesAPart() {
        assertThat(ReadAheadObjectStream.partBytesFor(64L << 20)).isEqualTo(1 << 20);
        assertThat(ReadAheadObjectStream.partBytesFor(320L << 20)).isEqualTo(4 << 20);
        assertThat(ReadAheadObjectStream.partBytesFor(1L << 30)).isEqualTo(8 << 20);
        assertThat(ReadAheadObjectStream.partBytesFor(16L << 20)).isEqualTo(1 << 20);
    }

    @Test
    void nonsenseSettingsAreRefused() {
        InMemoryObjectStore store = new InMemoryObjectStore().with(OBJECT, content(10));
        assertThatThrownBy(() -> new ReadAheadObjectStream(store, OBJECT, new ByteRange(0, 10), 0, 4, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1");
    }
}
