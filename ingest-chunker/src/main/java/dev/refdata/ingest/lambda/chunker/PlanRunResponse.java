package dev.refdata.ingest.lambda.chunker;

import dev.refdata.ingest.core.port.in.PlanRunResult;

/**
 * The chunker's output as JSON: small, for the state machine's payload. The chunk list is in the manifest,
 * which the Distributed Map reads from S3.
 */
record PlanRunResponse(String runId, String status, boolean created, Manifest manifest, int chunkCount,
                       long expectedRecords, String targetIndex, String alias, int execution) {

    /** Where the manifest is, as the Distributed Map's ItemReader wants it. */
    record Manifest(String bucket, String key) {
    }

    static PlanRunResponse of(PlanRunResult r) {
        return new PlanRunResponse(r.runId().value(), r.status().name(), r.created(),
                r.manifest() == null ? null : new Manifest(r.manifest().bucket(), r.manifest().key()), r.chunkCount(),
                r.expectedRecords(), r.targetIndex(), r.alias(), r.execution());
    }
}
