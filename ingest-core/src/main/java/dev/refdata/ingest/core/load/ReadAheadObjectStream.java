package dev.refdata.ingest.core.load;

import dev.refdata.ingest.core.domain.ByteRange;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.port.out.ObjectStore;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The bytes of a range read as consecutive parts, several of them fetched at once ahead of the reader and handed
 * over in order: for a reader that must go through a whole object in sequence (the planner's boundary scan),
 * so that it waits for one connection's transfer rate only at the start. On S3 one GET streams far slower than
 * a reader scans; several ranged GETs at once add up.
 *
 * <p>Each part is read with the same resumption as the loader's ({@link ResumingRangeStream}): a part that breaks
 * mid-way is read again from where it broke, up to {@code maxReadsPerPart} ranged reads. What a part's reads
 * threw is thrown to the reader when it reaches that part, never before. At most {@code partsAhead} parts are
 * held or fetched besides the one being read, each at most {@code partBytes}; their fetchers are this stream's
 * own threads, stopped by {@link #close()}.
 */
public final class ReadAheadObjectStream extends InputStream {

    /** Parts fetched at once ahead of the reader by default. */
    public static final int DEFAULT_PARTS_AHEAD = 4;
    /**
     * Bytes in a part by default: 8 MiB, a typical size of S3 range GETs in AWS's performance guidance (8 or 16 MB),
     * less in a small heap, so that the parts held at once stay within a sixteenth of it (at least 1 MiB a part: a
     * run must still plan in the 64 MiB heap it loads a 100 MB line in).
     */
    public static final int DEFAULT_PART_BYTES = partBytesFor(Runtime.getRuntime().maxMemory());
    /** Ranged reads a part may take when its stream breaks, by default: the loader's. */
    public static final int DEFAULT_READS_PER_PART = LoadSettings.DEFAULTS.maxReadAttempts();

    /** A part's bytes. */
    private record Part(byte[] bytes, int length) {
    }

    private final ObjectStore objects;
    private final ObjectRef object;
    private final long end;
    private final int partBytes;
    private final int partsAhead;
    private final int maxReadsPerPart;
    private final ExecutorService fetchers;
    private final Deque<Future<Part>> ahead = new ArrayDeque<>();
    /** A drained part's array, handed to the next fetch (the reader and the fetchers never share one). */
    private final Deque<byte[]> spare = new ArrayDeque<>();
    private long nextPartStart;
    private Part current;
    private int position;
    private boolean closed;

    /**
     * @param partsAhead      parts fetched at once ahead of the reader (1 reads one part ahead)
     * @param partBytes       bytes in a part (the last may be shorter)
     * @param maxReadsPerPart ranged reads a part may take when its stream breaks
     */
    public ReadAheadObjectStream(ObjectStore objects, ObjectRef object, ByteRange range, int partsAhead, int partBytes,
                                 int maxReadsPerPart) {
        if (partsAhead < 1 || partBytes < 1 || maxReadsPerPart < 1) {
            throw new IllegalArgumentException("partsAhead, partBytes and maxReadsPerPart must be at least 1: "
                    + partsAhead + ", " + partBytes + ", " + maxReadsPerPart);
        }
        this.objects = Objects.requireNonNull(objects, "objects");
        this.object = Objects.requireNonNull(object, "object");
        this.nextPartStart = range.start();
        this.end = range.end();
        this.partBytes = partBytes;
        this.partsAhead = partsAhead;
        this.maxReadsPerPart = maxReadsPerPart;
        int threads = (int) Math.max(1, Math.min(partsAhead, (range.length() + partBytes - 1) / partBytes));
        this.fetchers = Executors.newFixedThreadPool(threads, task -> {
            Thread t = new Thread(task, "read-ahead " + object.key());
            t.setDaemon(true);
            return t;
        });
        fetchAhead();
    }

    /** The default part size for a heap of {@code maxHeapBytes}. */
    static int partBytesFor(long maxHeapBytes) {
        return (int) Math.max(1 << 20, Math.min(8 << 20, maxHeapBytes / 16 / (DEFAULT_PARTS_AHEAD + 1)));
    }

    /**
     * The whole object as it is described now, with the default parts and the loader's resumption: at most
     * {@code DEFAULT_PARTS_AHEAD + 1} parts of {@code DEFAULT_PART_BYTES} held at once.
     */
    public static ReadAheadObjectStream whole(ObjectStore objects, ObjectRef object) {
        return new ReadAheadObjectStream(objects, object, new ByteRange(0, objects.describe(object).size()),
                DEFAULT_PARTS_AHEAD, DEFAULT_PART_BYTES, DEFAULT_READS_PER_PART);
    }

    @Override
    public int read() throws IOException {
        if (!hasBytes()) {
            return -1;
        }
        return current.bytes()[position++] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        if (!hasBytes()) {
            return -1;
        }
        int n = Math.min(len, current.length() - position);
        System.arraycopy(current.bytes(), position, b, off, n);
        position += n;
        return n;
    }

    /** Whether a part with bytes left is at hand, waiting for the next one when the current one is drained. */
    private boolean hasBytes() throws IOException {
        if (closed) {
            throw new IOException("the stream of " + object + " is closed");
        }
        while (current == null || position == current.length()) {
            if (current != null) {
                spare.push(current.bytes());
                current = null;
            }
            if (ahead.isEmpty()) {
                return false;
            }
            current = take(ahead.removeFirst());
            position = 0;
            fetchAhead();
        }
        return true;
    }

    private void fetchAhead() {
        while (ahead.size() < partsAhead && nextPartStart < end) {
            ByteRange part = new ByteRange(nextPartStart, Math.min(end, nextPartStart + partBytes));
            nextPartStart = part.end();
            byte[] into = spare.isEmpty() ? null : spare.pop();
            ahead.addLast(fetchers.submit(() -> fetch(part, into)));
        }
    }

    private Part fetch(ByteRange part, byte[] into) throws IOException {
        int length = (int) part.length();
        byte[] bytes = into != null && into.length >= length ? into : new byte[length];
        try (InputStream in = new ResumingRangeStream(objects, object, part, maxReadsPerPart)) {
            in.readNBytes(bytes, 0, length); // all of them: a stream that ends early throws once out of reads
        }
        return new Part(bytes, length);
    }

    private Part take(Future<Part> part) throws IOException {
        try {
            return part.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading " + object);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw new IOException(io.getMessage(), io);
            }
            if (cause instanceof RuntimeException unchecked) {
                throw unchecked;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IOException("reading " + object + " failed", cause);
        }
    }

    /** Stops the fetchers; parts not read are dropped. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Future<Part> part : ahead) {
            part.cancel(true);
        }
        ahead.clear();
        fetchers.shutdownNow();
        current = null;
    }
}
