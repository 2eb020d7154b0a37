package dev.refdata.ingest.core.csv;

/**
 * The bytes cannot be split into records at all (for example a quoted field that never closes), so no later
 * record can be trusted. Carries the physical line where the problem starts.
 */
public class MalformedCsvException extends RuntimeException {

    private final long line;

    public MalformedCsvException(long line, String reason) {
        super("line " + line + ": " + reason);
        this.line = line;
    }

    public long line() {
        return line;
    }
}
