package dev.refdata.ingest.cli;

/**
 * Something the user can fix (a missing file, an unknown run id, an unreachable endpoint): the message says what
 * went wrong and what to do next, and the command prints it in one line instead of a stack trace.
 */
final class CommandFailedException extends RuntimeException {

    CommandFailedException(String message) {
        super(message);
    }

    CommandFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
