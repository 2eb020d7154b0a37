package dev.refdata.ingest.core.load;

import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * The batches of one {@link LoadChunkService} (each a request body and the raw records of its items), kept for
 * the life of the process: built once, like its clients, and handed from one request, chunk and invocation to
 * the next instead of allocating several megabytes per request. The loader's memory is then a working set fixed
 * when the process starts (one batch being filled and one per request in flight), not something that grows with
 * the chunk or with the invocations a warm container serves; a heap too small for it fails at start, not in the
 * middle of a chunk.
 *
 * <p>Thread-safe: chunks loaded side by side in one process (the CLI) share the pool, which then holds what they
 * needed at the same time at most. A batch that grew far beyond the standard size (one holding a record near the
 * record limit) is not kept.
 */
final class BatchPool {

    private final int standardBytes;
    private final int standardItems;
    private final ConcurrentLinkedDeque<PendingBatch> idle = new ConcurrentLinkedDeque<>();

    /**
     * @param standardBytes the capacity of a request body when a batch is created
     * @param standardItems how many items a batch has room for when it is created
     * @param allocateNow   how many batches to create at once
     */
    BatchPool(int standardBytes, int standardItems, int allocateNow) {
        if (standardBytes < 1 || standardItems < 1 || allocateNow < 0) {
            throw new IllegalArgumentException("a pool needs a positive body size and item room, and no negative count");
        }
        this.standardBytes = standardBytes;
        this.standardItems = standardItems;
        for (int i = 0; i < allocateNow; i++) {
            idle.addLast(new PendingBatch(standardBytes, standardItems, 0, 1));
        }
    }

    /** An empty batch reading on from {@code startOffset} and {@code startLine}: an idle one, or a new one. */
    PendingBatch take(long startOffset, long startLine) {
        PendingBatch batch = idle.pollFirst();
        return batch != null ? batch.reset(startOffset, startLine)
                : new PendingBatch(standardBytes, standardItems, startOffset, startLine);
    }

    /** Gives back a batch whose request is answered (retries included): kept unless it grew far. */
    void give(PendingBatch batch) {
        if (batch.buffer.capacity() <= 2L * standardBytes && batch.rawCapacity() <= standardBytes
                && batch.itemCapacity() <= 2L * standardItems) {
            batch.reset(0, 1);
            idle.addFirst(batch);
        }
    }

    /** Batches waiting to be taken. */
    int idle() {
        return idle.size();
    }
}
