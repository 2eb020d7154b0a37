package dev.refdata.ingest.core.port.out;

/** An object-store call failed for a reason other than a missing object (network, permissions, server). */
public class ObjectStoreException extends RuntimeException {

    public ObjectStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
