package dev.refdata.ingest.core.load;

import dev.refdata.ingest.core.domain.ChunkCounters;
import dev.refdata.ingest.core.port.in.LoadChunkResult.BulkRequests;

import java.util.List;

/**
 * What became of one batch once every item had a final answer: the counters to add, the rejects in line order,
 * the position reading reached after it, and the bulk requests it took (retries included).
 */
record BatchOutcome(ChunkCounters delta, List<RejectedRecord> rejects, long endOffset, long nextLine,
                    BulkRequests requests) {

    /** A batch that sent nothing. */
    BatchOutcome(ChunkCounters delta, List<RejectedRecord> rejects, long endOffset, long nextLine) {
        this(delta, rejects, endOffset, nextLine, BulkRequests.NONE);
    }
}
