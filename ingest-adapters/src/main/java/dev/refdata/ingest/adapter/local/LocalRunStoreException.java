package dev.refdata.ingest.adapter.local;

/** The SQLite run store could not be opened, read or written (I/O error, lock wait timed out, corrupt file). */
public class LocalRunStoreException extends RuntimeException {

    public LocalRunStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
