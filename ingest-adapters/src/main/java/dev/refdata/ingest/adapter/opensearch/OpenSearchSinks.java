package dev.refdata.ingest.adapter.opensearch;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

import java.time.Clock;
import java.util.Objects;

/**
 * Entry point of the OpenSearch adapter: builds the process's {@link OpenSearchHttpClient}, which gives the
 * {@link dev.refdata.ingest.core.port.out.SearchSink} and the {@link OpenSearchIndexAdmin}.
 */
public final class OpenSearchSinks {

    private OpenSearchSinks() {
    }

    /**
     * Builds the client. With SigV4, credentials come from the AWS SDK's default provider chain, resolved when a
     * request is signed (building the client needs none).
     */
    public static OpenSearchHttpClient create(OpenSearchClientSettings settings) {
        return create(settings, null, Clock.systemUTC());
    }

    /** As {@link #create(OpenSearchClientSettings)}, signing with {@code credentials} at {@code clock}'s time. */
    static OpenSearchHttpClient create(OpenSearchClientSettings settings, AwsCredentialsProvider credentials,
                                       Clock clock) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(clock, "clock");
        return new OpenSearchHttpClient(OpenSearchTransport.create(settings, credentials, clock));
    }

    /**
     * The {@code filter_path} every bulk request of the sink carries: what the server keeps of its response. Public
     * so that a benchmark's plain client can ask the server for the same work.
     */
    public static String bulkResponseFilter() {
        return OpenSearchSink.RESPONSE_FILTER;
    }
}
