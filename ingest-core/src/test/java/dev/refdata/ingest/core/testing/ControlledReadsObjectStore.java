package dev.refdata.ingest.core.testing;

import dev.refdata.ingest.core.domain.ByteRange;
import dev.refdata.ingest.core.domain.ObjectInfo;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.port.out.ObjectStore;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * An object store over another whose ranged reads can be ordered or broken: a held-back range delivers nothing
 * until another range has been read to its end and closed (so concurrent readers finish in a chosen order), and a
 * failing range throws an {@link IOException} on its first read. Reads can also wait for something else to happen
 * first ({@link #readsWaitFor}), each read's end can be noted ({@link #onEachClose}), and objects can be cut
 * short under their description ({@link #cutAfter}).
 */
public final class ControlledReadsObjectStore implements ObjectStore {

    private final ObjectStore delegate;
    private final Map<ByteRange, CountDownLatch> heldBackUntil = new ConcurrentHashMap<>();
    private final Map<ByteRange, CountDownLatch> closing = new ConcurrentHashMap<>();
    private final Map<ByteRange, String> failures = new ConcurrentHashMap<>();
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private volatile Duration gateWait = Duration.ZERO;
    private volatile Runnable closedOnce = () -> { };
    private volatile long cutAfter = Long.MAX_VALUE;

    public ControlledReadsObjectStore(ObjectStore delegate) {
        this.delegate = delegate;
    }

    /** Reads of {@code range} start only once a read of {@code until} has been closed. */
    public ControlledReadsObjectStore holdBack(ByteRange range, ByteRange until) {
        heldBackUntil.put(range, closing.computeIfAbsent(until, r -> new CountDownLatch(1)));
        return this;
    }

    /** Reads of {@code range} fail with an {@link IOException} saying {@code message}. */
    public ControlledReadsObjectStore failing(ByteRange range, String message) {
        failures.put(range, message);
        return this;
    }

    /**
     * Every read starts once {@code gate} is open, or after {@code atMost} when it stays shut (then the read goes on,
     * so that a test sees the wrong order rather than a hang).
     */
    public ControlledReadsObjectStore readsWaitFor(CountDownLatch gate, Duration atMost) {
        this.gate = gate;
        this.gateWait = atMost;
        return this;
    }

    /**
     * Reads see every object cut after {@code bytes}, as if it had shrunk since it was described: a range ends
     * there, one past it is empty. {@link #describe} still gives the size before.
     */
    public ControlledReadsObjectStore cutAfter(long bytes) {
        this.cutAfter = bytes;
        return this;
    }

    /** Runs {@code noted} when a read's stream is first closed. */
    public ControlledReadsObjectStore onEachClose(Runnable noted) {
        this.closedOnce = noted;
        return this;
    }

    @Override
    public InputStream openRange(ObjectRef ref, ByteRange range) {
        long cut = cutAfter;
        InputStream in = delegate.openRange(ref, new ByteRange(Math.min(range.start(), cut), Math.min(range.end(), cut)));
        CountDownLatch held = heldBackUntil.get(range);
        CountDownLatch closed = closing.get(range);
        String failure = failures.get(range);
        CountDownLatch gate = this.gate;
        long gateMillis = gateWait.toMillis();
        Runnable closedOnce = this.closedOnce;
        return new FilterInputStream(in) {
            private boolean started;
            private boolean closedBefore;

            private void start() throws IOException {
                if (started) {
                    return;
                }
                started = true;
                if (failure != null) {
                    throw new IOException(failure);
                }
                try {
                    gate.await(gateMillis, TimeUnit.MILLISECONDS);
                    // a guard against a dead lock, not a timing: the other reader ends in milliseconds
                    if (held != null && !held.await(60, TimeUnit.SECONDS)) {
                        throw new IOException("held back for a minute: the range it waits for was never read");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while held back", e);
                }
            }

            @Override
            public int read() throws IOException {
                start();
                return super.read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                start();
                return super.read(b, off, len);
            }

            @Override
            public void close() throws IOException {
                super.close();
                if (closed != null) {
                    closed.countDown();
                }
                if (!closedBefore) { // a reader and its caller may both close it
                    closedBefore = true;
                    closedOnce.run();
                }
            }
        };
    }

    @Override
    public ObjectInfo describe(ObjectRef ref) {
        return delegate.describe(ref);
    }

    @Override
    public Stream<ObjectInfo> list(String bucket, String prefix) {
        return delegate.list(bucket, prefix);
    }

    @Override
    public void put(ObjectRef ref, byte[] content, String contentType) {
        delegate.put(ref, content, contentType);
    }

    @Override
    public ObjectUpload startUpload(ObjectRef ref, String contentType) {
        return delegate.startUpload(ref, contentType);
    }
}
