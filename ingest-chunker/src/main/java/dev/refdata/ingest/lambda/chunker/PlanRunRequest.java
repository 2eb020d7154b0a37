package dev.refdata.ingest.lambda.chunker;

/**
 * The chunker's input as JSON, as the schedule or an operator starts a run:
 * {@code {"bucket", "key" | "prefix", "dataset", "businessDate", "scheduledTime", "mode", "rerunOf",
 * "targetChunkBytes"}}. Only {@code bucket} and {@code key} or {@code prefix} are required for a new run (mode
 * defaults to delta, dataset to instruments, the date to the scheduled time's, or today's, in the configured
 * zone); only {@code rerunOf} for a re-run.
 */
record PlanRunRequest(String bucket, String key, String prefix, String dataset, String businessDate,
                      String scheduledTime, String mode, String rerunOf, Long targetChunkBytes) {
}
