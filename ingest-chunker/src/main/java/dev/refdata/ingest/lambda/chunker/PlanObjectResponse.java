package dev.refdata.ingest.lambda.chunker;

import dev.refdata.ingest.core.domain.Chunk;
import dev.refdata.ingest.core.port.in.PlanChunksResult;

import java.util.List;

/** The chunker's output as JSON: the object, its header, and its chunks as byte ranges with record counts. */
record PlanObjectResponse(String bucket, String key, String dataset, long objectSize, long records, long blankLines,
                          List<String> header, List<ChunkEntry> chunks) {

    record ChunkEntry(int number, long start, long end, long firstLine, long records) {
        static ChunkEntry of(Chunk chunk) {
            return new ChunkEntry(chunk.number(), chunk.range().start(), chunk.range().end(), chunk.firstLine(),
                    chunk.records());
        }
    }

    static PlanObjectResponse of(String dataset, PlanChunksResult result) {
        var plan = result.plan();
        return new PlanObjectResponse(plan.object().bucket(), plan.object().key(), dataset, plan.objectSize(),
                plan.records(), plan.blankLines(), result.layout().columnNames(),
                plan.chunks().stream().map(ChunkEntry::of).toList());
    }
}
