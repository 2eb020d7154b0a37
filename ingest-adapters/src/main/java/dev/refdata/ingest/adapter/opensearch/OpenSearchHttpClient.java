package dev.refdata.ingest.adapter.opensearch;

import dev.refdata.ingest.core.port.out.SearchSink;

import java.util.Objects;

/**
 * The process's one HTTP client to OpenSearch: a pooled connection manager with the settings' limits, and the
 * {@link SearchSink} and {@link OpenSearchIndexAdmin} that share it. Build it once per process (per Lambda
 * container) with {@link OpenSearchSinks#create}, share it between threads, close it at shutdown.
 */
public final class OpenSearchHttpClient implements AutoCloseable {

    private final OpenSearchTransport transport;
    private final SearchSink sink;
    private final OpenSearchIndexAdmin admin;

    OpenSearchHttpClient(OpenSearchTransport transport) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.sink = new OpenSearchSink(transport, transport.settings().gzip());
        this.admin = new OpenSearchIndexAdmin(transport);
    }

    /** {@code _bulk} requests; thread-safe. */
    public SearchSink sink() {
        return sink;
    }

    /** Index and alias operations; thread-safe. */
    public OpenSearchIndexAdmin admin() {
        return admin;
    }

    /** The connection pool right now: leased, available, pending, max, and connections opened so far. */
    public ConnectionPoolStats poolStats() {
        return transport.poolStats();
    }

    public OpenSearchClientSettings settings() {
        return transport.settings();
    }

    /** Closes every pooled connection; the sink and admin fail afterwards. */
    @Override
    public void close() {
        transport.close();
    }

    @Override
    public String toString() {
        return "OpenSearchHttpClient[" + transport.settings().urls() + ", " + transport.settings().authentication()
                + ", pool " + poolStats() + "]";
    }
}
