package dev.refdata.ingest.core.port.out;

import java.util.List;
import java.util.Objects;

/**
 * Where documents are written: an OpenSearch {@code _bulk} endpoint. The body is built by the core, each
 * document serialised once; the sink only sends it and reports every item's own result, because a bulk
 * request can succeed as a whole while some of its items failed.
 */
public interface SearchSink {

    /**
     * Sends one bulk request to {@code index}.
     *
     * @return one result per item, in request order
     * @throws SearchSinkException when the request as a whole failed (transport error, timeout, 429, 5xx, ...)
     */
    BulkResult bulk(String index, BulkBody body);

    /**
     * NDJSON bulk lines for {@code items} documents or deletes, in {@code bytes[0, length)}. The bytes are lent
     * for the {@link #bulk} call only: the loader refills the same array for a later request once the call has
     * returned, so a sink must not keep a reference to them.
     */
    record BulkBody(byte[] bytes, int length, int items) {
        public BulkBody {
            Objects.requireNonNull(bytes, "bytes");
            if (length < 0 || length > bytes.length || items < 0) {
                throw new IllegalArgumentException("invalid bulk body: " + length + " bytes, " + items + " items");
            }
        }
    }

    /**
     * The outcome of one item.
     *
     * @param status    HTTP status of the item (200/201 indexed, 404 delete of a missing id, 409 version
     *                  conflict, 429 rejected, 400 mapping error, 5xx server error)
     * @param errorType the server's error type, e.g. {@code document_parsing_exception}, or {@code null}
     * @param reason    the server's reason, or {@code null}
     */
    record BulkItemResult(int status, String errorType, String reason) {
        public boolean succeeded() {
            return status >= 200 && status < 300;
        }
    }

    /** Every item's result, in request order, and the server's own time for the request. */
    record BulkResult(List<BulkItemResult> items, long tookMillis) {
        public BulkResult {
            items = List.copyOf(Objects.requireNonNull(items, "items"));
        }
    }

    /** The request as a whole failed; {@link #retryable()} says whether sending it again may succeed. */
    class SearchSinkException extends RuntimeException {
        private final int status;
        private final boolean retryable;

        /**
         * @param status    the HTTP status, or 0 when no response arrived (connection reset, timeout)
         * @param retryable whether the same request may succeed later (429, 502, 503, 504, transport errors)
         */
        public SearchSinkException(int status, boolean retryable, String message, Throwable cause) {
            super(message, cause);
            this.status = status;
            this.retryable = retryable;
        }

        public int status() {
            return status;
        }

        public boolean retryable() {
            return retryable;
        }
    }
}
