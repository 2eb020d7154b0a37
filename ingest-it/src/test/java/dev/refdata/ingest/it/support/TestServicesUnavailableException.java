package dev.refdata.ingest.it.support;

/**
 * The services the integration tests need could not be started. Every test that asks {@link TestServices} for
 * them fails with this exception: a test run without its services is a failed run, never a skipped one.
 */
public class TestServicesUnavailableException extends RuntimeException {

    public TestServicesUnavailableException(String message) {
        super(message);
    }

    public TestServicesUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
