package dev.refdata.ingest.core.load;

import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * The request bodies of one {@link LoadChunkService}, kept for the life of the process: built once, like its
 * clients, and handed from one request, chunk and invocation to the next instead of allocating several megabytes
 * per request. The loader's memory is then a working set fixed when the process starts (one body being filled
 * and one per request in flight), not something that grows with the chunk or the number of invocations a warm
 * container serves; a heap too small for it fails at start, not in the middle of a chunk.
 *
 * <p>Thread-safe: chunks loaded side by side in one process (the CLI) share the pool, which then holds what they
 * needed at the same time at most. A body that grew far beyond the standard size (a batch holding a record near
 * the record limit) is not kept.
 */
final class BulkBufferPool {

    private final int standardBytes;
    private final ConcurrentLinkedDeque<BulkBuffer> idle = new ConcurrentLinkedDeque<>();

    /**
     * @param standardBytes the capacity a body is created with
     * @param allocateNow   how many bodies to create at once
     */
    BulkBufferPool(int standardBytes, int allocateNow) {
        if (standardBytes < 1 || allocateNow < 0) {
            throw new IllegalArgumentException("a pool needs a positive body size and no negative count");
        }
        this.standardBytes = standardBytes;
        for (int i = 0; i < allocateNow; i++) {
            idle.addLast(new BulkBuffer(standardBytes));
        }
    }

    /** An empty body: an idle one, or a new one when all are in use. */
    BulkBuffer take() {
        BulkBuffer buffer = idle.pollFirst();
        return buffer != null ? buffer : new BulkBuffer(standardBytes);
    }

    /** Gives back a body whose request is answered (retries included): emptied, and kept unless it grew far. */
    void give(BulkBuffer buffer) {
        buffer.clear();
        if (buffer.capacity() <= 2L * standardBytes) {
            idle.addFirst(buffer);
        }
    }

    /** Bodies waiting to be taken. */
    int idle() {
        return idle.size();
    }
}
