package dev.refdata.ingest.statemachine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The pipeline's state machine, {@code statemachine/ingest.asl.json}, as packaged in this module's jar: the same
 * file AWS Step Functions runs, for hosts that run it with {@link LocalExecutor}.
 */
public final class IngestDefinition {

    /** The resource name, next to this class. */
    static final String RESOURCE = "ingest.asl.json";

    private IngestDefinition() {
    }

    /** The definition's JSON text, with its {@code ${...}} substitutions still in place. */
    public static String text() {
        try (InputStream in = IngestDefinition.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath next to "
                        + IngestDefinition.class.getName() + "; the statemachine module's jar packages it");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }
}
