package dev.refdata.ingest.lambda.chunker;

/**
 * The chunker's input as JSON: {@code {"bucket": "...", "key": "...", "dataset": "instruments",
 * "targetChunkBytes": 67108864}}; {@code dataset} and {@code targetChunkBytes} are optional.
 */
record PlanObjectRequest(String bucket, String key, String dataset, Long targetChunkBytes) {
}
