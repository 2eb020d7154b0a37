package dev.refdata.ingest.lambda.loader;

import java.util.List;

/**
 * The loader's input as JSON, as the state machine passes one manifest entry:
 * {@code {"runId", "chunk", "bucket", "key", "start", "end", "firstLine", "records", "dataset", "columns", "index"}}.
 */
record LoadChunkRequest(String runId, Integer chunk, String bucket, String key, Long start, Long end, Long firstLine,
                        Long records, String dataset, List<String> columns, String index) {
}
