package dev.refdata.ingest.adapter.opensearch;

/** A {@code _bulk} response that is not the JSON OpenSearch sends: not JSON at all, or missing what must be there. */
final class MalformedBulkResponseException extends Exception {

    MalformedBulkResponseException(String message, Throwable cause) {
        super(message, cause);
    }
}
