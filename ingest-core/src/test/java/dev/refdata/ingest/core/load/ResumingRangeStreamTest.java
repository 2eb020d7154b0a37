package dev.refdata.ingest.core.load;

import dev.refdata.ingest.core.domain.ByteRange;
import dev.refdata.ingest.core.domain.ObjectInfo;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.port.out.ObjectStore;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResumingRangeStreamTest {

    private static final ObjectRef OBJECT = new ObjectRef("feeds", "big.csv");

    /** An object store whose streams break after a number of bytes, as a dropped connection does. */
    private static final class BreakingStore implements ObjectStore {
        final byte[] content;
        final int breakAfter;
        int breaksLeft;
        final List<ByteRange> opened = new ArrayList<>();

        BreakingStore(byte[] content, int breakAfter, int breaks) {
            this.content = content;
            this.breakAfter = breakAfter;
            this.breaksLeft = breaks;
        }

        @Override
        public ObjectInfo describe(ObjectRef ref) {
            return new ObjectInfo(ref, content.length, "e");
        }

        @Override
        public InputStream openRange(ObjectRef ref, ByteRange range) {
            opened.add(range);
            boolean breaks = breaksLeft-- > 0;
            InputStream exact = new ByteArrayInputStream(content, (int) range.start(), (int) range.length());
            return new InputStream() {
                int served;

                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (breaks && served >= breakAfter) {
                        throw new IOException("Connection reset");
                    }
                    int n = exact.read(b, off, breaks ? Math.min(len, breakAfter - served) : len);
                    if (n > 0) {
                        served += n;
                    }
                    return n;
                }
            };
        }

        @Override
        public Stream<ObjectInfo> list(String bucket, String prefix) {
            return Stream.empty();
        }

        @Override
        public void put(ObjectRef ref, byte[] bytes, String contentType) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ObjectUpload startUpload(ObjectRef ref, String contentType) {
            throw new UnsupportedOperationException();
        }
    }

    private static byte[] content() {
        byte[] bytes = new byte[100_000];
        new Random(3).nextBytes(bytes);
        return bytes;
    }

    @Test
    void aBrokenStreamResumesFromTheLastByteConsumedAndDeliversExactlyTheRange() throws IOException {
        byte[] content = content();
        BreakingStore store = new BreakingStore(content, 30_000, 2);

        byte[] read;
        try (ResumingRangeStream in = new ResumingRangeStream(store, OBJECT, new ByteRange(1_000, 91_000), 5)) {
            read = in.readAllBytes();
            assertThat(in.opens()).isEqualTo(3);
        }

        assertThat(read).isEqualTo(Arrays.copyOfRange(content, 1_000, 91_000));
        assertThat(store.opened).containsExactly(new ByteRange(1_000, 91_000), new ByteRange(31_000, 91_000),
                new ByteRange(61_000, 91_000));
    }

    @Test
    void afterTheLastAllowedReadTheFailureNamesTheObjectAndTheByte() {
        BreakingStore store = new BreakingStore(content(), 10_000, 10);

        assertThatThrownBy(() -> {
            try (ResumingRangeStream in = new ResumingRangeStream(store, OBJECT, new ByteRange(0, 100_000), 3)) {
                in.readAllBytes();
            }
        }).isInstanceOf(IOException.class)
                .hasMessageContaining("reading feeds/big.csv failed at byte 30000 after 3 ranged reads")
                .hasMessageContaining("Connection reset");
    }
}
