package dev.refdata.ingest.lambda.loader;

import dev.refdata.ingest.core.domain.ChunkCounters;
import dev.refdata.ingest.core.port.in.LoadChunkResult;

/**
 * The loader's output as JSON. {@code done: false} means the time budget ran out with progress checkpointed:
 * the state machine invokes the loader again for the same chunk.
 */
record LoadChunkResponse(boolean done, String outcome, String runId, int chunk, ChunkCounters counters,
                         Long resumedFromLine, long readThisCall, int attempt, long elapsedMillis) {

    static LoadChunkResponse of(LoadChunkResult r) {
        return new LoadChunkResponse(r.done(), r.outcome().name(), r.key().run().value(), r.key().chunk(), r.counters(),
                r.resumedFrom() == null ? null : r.resumedFrom().nextLine(), r.readThisCall(), r.attempt(),
                r.elapsed().toMillis());
    }
}
