package dev.refdata.ingest.adapter.opensearch;

import dev.refdata.ingest.core.port.out.SearchSink;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * {@link SearchSink} over OpenSearch's REST API: {@code POST /{index}/_bulk} with the core's NDJSON body sent as
 * it is (the byte array is not copied; with gzip on it is compressed once, at the fastest level), and the
 * response read item by item.
 *
 * <p>The response is asked for with {@link #RESPONSE_FILTER}: only what {@link BulkResponseParser} reads. A full
 * bulk response repeats index name, id, version, sequence number and shard counts for every item (about 180 bytes
 * a document, more than a third of what was sent); the server writes and the loader reads a seventh of that.
 * Items stay in request order, so a result is still matched to its document by position.
 */
final class OpenSearchSink implements SearchSink {

    static final ContentType NDJSON = ContentType.create("application/x-ndjson");
    /**
     * What the server keeps of its response: {@code took} and {@code errors}, each item's status and error (one
     * action name, kept by the wildcard), and a whole-request failure's {@code error} and {@code status}, which
     * are not filtered out of their message.
     */
    static final String RESPONSE_FILTER = "took,errors,items.*.status,items.*.error,error,status";
    private static final int GZIP_BUFFER_BYTES = 64 * 1024;

    private final OpenSearchTransport transport;
    private final boolean gzip;

    OpenSearchSink(OpenSearchTransport transport, boolean gzip) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.gzip = gzip;
    }

    /** An empty body is answered without a request (OpenSearch refuses a bulk without actions). */
    @Override
    public BulkResult bulk(String index, BulkBody body) {
        IndexNames.require(index);
        Objects.requireNonNull(body, "body");
        if (body.items() == 0) {
            return new BulkResult(List.of(), 0);
        }
        URI node = transport.nextNode();
        String action = "bulk of " + body.items() + " items to index '" + index + "' at "
                + OpenSearchTransport.origin(node);
        HttpPost post = new HttpPost(OpenSearchTransport.uri(node, index, "_bulk") + "?filter_path=" + RESPONSE_FILTER);
        post.setHeader(HttpHeaders.ACCEPT, ContentType.APPLICATION_JSON.getMimeType());
        post.setEntity(gzip ? gzipped(body) : new ByteArrayEntity(body.bytes(), 0, body.length(), NDJSON));
        BulkResult result = transport.execute(post, action, response -> read(response, action));
        if (result.items().size() != body.items()) {
            throw SearchSinkFailures.unreadable(action, 200, "it reports " + result.items().size()
                    + " item results for " + body.items() + " items sent", null);
        }
        return result;
    }

    private static BulkResult read(ClassicHttpResponse response, String action) throws IOException {
        int status = response.getCode();
        HttpEntity entity = response.getEntity();
        if (status != 200) {
            throw SearchSinkFailures.forStatus(action, status, ServerError.read(entity));
        }
        if (entity == null) {
            throw SearchSinkFailures.unreadable(action, status, "no body", null);
        }
        try (InputStream in = entity.getContent()) {
            return BulkResponseParser.parse(in);
        } catch (MalformedBulkResponseException e) {
            throw SearchSinkFailures.unreadable(action, status, e.getMessage(), e);
        }
    }

    /** The body gzip-compressed into a buffer that is handed to the entity without another copy. */
    static HttpEntity gzipped(BulkBody body) {
        ExposedBuffer compressed = new ExposedBuffer(Math.max(256, body.length() / 4));
        try (OutputStream out = new FastGzipOutputStream(compressed)) {
            out.write(body.bytes(), 0, body.length());
        } catch (IOException e) {
            throw new UncheckedIOException("compressing into memory cannot fail", e);
        }
        return new ByteArrayEntity(compressed.buffer(), 0, compressed.size(), NDJSON, "gzip");
    }

    private static final class ExposedBuffer extends ByteArrayOutputStream {
        ExposedBuffer(int size) {
            super(size);
        }

        byte[] buffer() {
            return buf;
        }
    }

    /** At the fastest level NDJSON still shrinks several times over, for a fraction of the default level's CPU. */
    private static final class FastGzipOutputStream extends GZIPOutputStream {
        FastGzipOutputStream(OutputStream out) throws IOException {
            super(out, GZIP_BUFFER_BYTES);
            def.setLevel(Deflater.BEST_SPEED);
        }
    }
}
