package dev.refdata.ingest.core.load;

import dev.refdata.ingest.core.domain.ChunkCounters;

import java.util.List;

/**
 * What became of one batch once every item had a final answer: the counters to add, the rejects in line order,
 * and the position reading reached after it.
 */
record BatchOutcome(ChunkCounters delta, List<RejectedRecord> rejects, long endOffset, long nextLine) {
}
