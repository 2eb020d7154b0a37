package dev.refdata.ingest.it.support;

import java.util.Locale;

/**
 * Which implementations of S3 and DynamoDB the integration tests run against, chosen with the environment
 * variable {@value #ENV}. OpenSearch is always the local node started from the distribution zip.
 */
public enum ServiceTarget {

    /** Default: S3Proxy in this JVM (in-memory blob store) and dynalite (in-memory) as a Node.js process. */
    LOCAL,

    /** S3 and DynamoDB from a LocalStack container (needs Docker and {@code LOCALSTACK_AUTH_TOKEN}). */
    LOCALSTACK;

    public static final String ENV = "INGEST_IT_TARGET";

    /**
     * The target named by {@value #ENV}; unset or blank means {@link #LOCAL}.
     *
     * @throws TestServicesUnavailableException for any other value, so that a typo never silently tests
     *                                          something else
     */
    static ServiceTarget fromEnvironment() {
        return parse(System.getenv(ENV));
    }

    static ServiceTarget parse(String value) {
        if (value == null || value.isBlank()) {
            return LOCAL;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "local" -> LOCAL;
            case "localstack" -> LOCALSTACK;
            default -> throw new TestServicesUnavailableException(ENV + "='" + value + "' is not a known target;"
                    + " use 'local' (default: S3Proxy + dynalite) or 'localstack' (LocalStack in Docker).");
        };
    }
}
