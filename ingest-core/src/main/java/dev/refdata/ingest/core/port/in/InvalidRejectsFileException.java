package dev.refdata.ingest.core.port.in;

/** A line of a rejects file is not a reject that can be loaded: names the file, the line and the reason. */
public class InvalidRejectsFileException extends IllegalArgumentException {

    public InvalidRejectsFileException(String file, long line, String reason) {
        super(file + " line " + line + ": " + reason);
    }
}
