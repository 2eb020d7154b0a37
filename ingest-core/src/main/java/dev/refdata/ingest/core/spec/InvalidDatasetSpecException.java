package dev.refdata.ingest.core.spec;

/** A dataset spec file cannot be used; the message names the file, the place in it and the problem. */
public class InvalidDatasetSpecException extends RuntimeException {

    public InvalidDatasetSpecException(String message, Throwable cause) {
        super(message, cause);
    }

    public InvalidDatasetSpecException(String message) {
        super(message);
    }
}
