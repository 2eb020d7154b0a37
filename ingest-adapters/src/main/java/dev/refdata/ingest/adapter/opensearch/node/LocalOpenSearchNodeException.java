package dev.refdata.ingest.adapter.opensearch.node;

/** A local OpenSearch node could not be prepared, started or stopped; the message carries the log's tail. */
public class LocalOpenSearchNodeException extends RuntimeException {

    public LocalOpenSearchNodeException(String message) {
        super(message);
    }

    public LocalOpenSearchNodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
