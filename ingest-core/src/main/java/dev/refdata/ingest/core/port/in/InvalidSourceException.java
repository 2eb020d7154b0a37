package dev.refdata.ingest.core.port.in;

import dev.refdata.ingest.core.domain.ObjectRef;

/**
 * A source object cannot be used for a run. The message names the object, the line when there is one, and
 * the reason, so that an operator can find and fix it.
 */
public class InvalidSourceException extends RuntimeException {

    private final transient ObjectRef source;
    private final long line;

    public InvalidSourceException(ObjectRef source, long line, String reason, Throwable cause) {
        super(source + (line > 0 ? ", line " + line : "") + ": " + reason, cause);
        this.source = source;
        this.line = line;
    }

    public ObjectRef source() {
        return source;
    }

    /** The line where the problem is, or 0 when it concerns the whole object. */
    public long line() {
        return line;
    }
}
