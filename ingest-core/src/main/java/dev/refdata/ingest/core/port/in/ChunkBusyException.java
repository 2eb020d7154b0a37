package dev.refdata.ingest.core.port.in;

import dev.refdata.ingest.core.domain.ChunkKey;

import java.time.Instant;

/** Another loader holds a live lease on the chunk. Retryable: try again after the lease's end. */
public class ChunkBusyException extends RuntimeException {

    public ChunkBusyException(ChunkKey key, String owner, Instant leaseUntil) {
        super("chunk " + key + " is being loaded by " + owner + " (lease until " + leaseUntil + ")");
    }
}
