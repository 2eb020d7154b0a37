package dev.refdata.ingest.core.load;

import dev.refdata.ingest.core.domain.ByteRange;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.port.out.ObjectStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The bytes of a range, read through the object store; when the stream breaks mid-way, a new ranged read
 * starts from the last byte consumed, up to a bounded number of reads in all.
 */
final class ResumingRangeStream extends InputStream {

    private static final Logger LOG = LoggerFactory.getLogger(ResumingRangeStream.class);

    private final ObjectStore objects;
    private final ObjectRef object;
    private final long end;
    private final int maxOpens;
    private long position;
    private int opens;
    private InputStream current;

    ResumingRangeStream(ObjectStore objects, ObjectRef object, ByteRange range, int maxOpens) {
        this.objects = objects;
        this.object = object;
        this.position = range.start();
        this.end = range.end();
        this.maxOpens = maxOpens;
    }

    /** How many ranged reads were opened (1 when the stream never broke). */
    int opens() {
        return opens;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (position >= end) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        while (true) {
            try {
                if (current == null) {
                    opens++;
                    current = objects.openRange(object, new ByteRange(position, end));
                }
                int n = current.read(b, off, (int) Math.min(len, end - position));
                if (n < 0) {
                    throw new IOException("the stream ended at byte " + position + " of " + end);
                }
                position += n;
                return n;
            } catch (IOException | UncheckedIOException e) {
                closeQuietly();
                if (opens >= maxOpens) {
                    throw new IOException("reading " + object + " failed at byte " + position + " after " + opens
                            + " ranged reads: " + e.getMessage(), e);
                }
                LOG.warn("reading {} broke at byte {}; resuming with a new ranged read: {}", object, position,
                        e.getMessage());
            }
        }
    }

    private void closeQuietly() {
        if (current != null) {
            try {
                current.close();
            } catch (IOException ignored) {
                // the stream is broken already; the next ranged read replaces it
            }
            current = null;
        }
    }

    @Override
    public void close() {
        closeQuietly();
    }
}
