package dev.refdata.ingest.core.port.in;

import java.io.IOException;
import java.io.InputStream;

/**
 * An operator's file of rejected records to load instead of the run's own rejects: NDJSON in the loader's rejects
 * format, one record a line, each with at least {@code chunk}, {@code line} and {@code raw} (the CSV record as it
 * should be loaded); other fields ({@code run}, {@code source}, {@code reason}) are ignored.
 */
public interface RejectsFile {

    /** What to call the file in messages: its path or address. */
    String name();

    /** Opens the file's bytes from the start. */
    InputStream open() throws IOException;
}
