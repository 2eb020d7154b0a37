package dev.refdata.ingest.statemachine;

/** The definition is not valid Amazon States Language (bad JSON, a missing or misspelt field, an unknown state...). */
public class InvalidDefinitionException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public InvalidDefinitionException(String message) {
        super(message);
    }

    public InvalidDefinitionException(String message, Throwable cause) {
        super(message, cause);
    }
}
