package dev.refdata.ingest.core.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refdata.ingest.core.port.out.SearchSink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A small fake of the search sink: one in-memory index with OpenSearch's external versioning rules (a version
 * not above the stored one is a 409; a delete of a missing id is a 404), and switches to inject the failures a
 * real cluster produces (item 429s, whole-request failures, documents it refuses).
 */
public final class FakeSearchIndex implements SearchSink {

    private static final ObjectMapper JSON = new ObjectMapper();

    public record Stored(long version, ObjectNode source) {
    }

    public final Map<String, Stored> documents = new ConcurrentHashMap<>();
    public final AtomicInteger requests = new AtomicInteger();
    public final AtomicInteger itemsReceived = new AtomicInteger();
    /** The next this-many items answer 429. */
    public final AtomicInteger itemRejections = new AtomicInteger();
    /** The next this-many requests fail as a whole with {@link #requestFailure}. */
    public final AtomicInteger requestFailures = new AtomicInteger();
    public volatile SearchSinkException requestFailure =
            new SearchSinkException(503, true, "503 Service Unavailable", null);
    /** Documents matching this are refused with 400 document_parsing_exception. */
    public volatile Predicate<JsonNode> refuse = doc -> false;
    /** The number of items of each request, in the order the requests arrived. */
    public final List<Integer> itemsPerRequest = Collections.synchronizedList(new ArrayList<>());
    /** Every distinct body array a request arrived in, by identity: how many bodies the loader allocated. */
    public final Set<byte[]> bodyArrays = Collections.newSetFromMap(Collections.synchronizedMap(new IdentityHashMap<>()));
    /** Called before each request is answered (e.g. to stop a test mid-chunk). */
    public volatile Runnable beforeEachRequest = () -> { };

    @Override
    public BulkResult bulk(String index, BulkBody body) {
        requests.incrementAndGet();
        bodyArrays.add(body.bytes());
        itemsPerRequest.add(body.items());
        beforeEachRequest.run();
        if (requestFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw requestFailure;
        }
        String text = new String(body.bytes(), 0, body.length(), StandardCharsets.UTF_8);
        String[] lines = text.split("\n");
        List<BulkItemResult> results = new ArrayList<>();
        try {
            for (int i = 0; i < lines.length; i++) {
                JsonNode action = JSON.readTree(lines[i]);
                itemsReceived.incrementAndGet();
                boolean delete = action.has("delete");
                JsonNode meta = delete ? action.get("delete") : action.get("index");
                String id = meta.get("_id").asText();
                long version = meta.has("version") ? meta.get("version").asLong() : -1;
                ObjectNode source = delete ? null : (ObjectNode) JSON.readTree(lines[++i]);
                if (itemRejections.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    results.add(new BulkItemResult(429, "es_rejected_execution_exception", "rejected execution"));
                    continue;
                }
                results.add(apply(id, version, source));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (results.size() != body.items()) {
            throw new IllegalStateException("body says " + body.items() + " items, holds " + results.size());
        }
        return new BulkResult(results, 1);
    }

    private synchronized BulkItemResult apply(String id, long version, ObjectNode source) {
        Stored current = documents.get(id);
        if (version >= 0 && current != null && current.version() >= version) {
            return new BulkItemResult(409, "version_conflict_engine_exception",
                    "[" + id + "]: version conflict, current version [" + current.version()
                            + "] is higher or equal to the one provided [" + version + "]");
        }
        if (source == null) {
            return documents.remove(id) == null ? new BulkItemResult(404, null, null) : new BulkItemResult(200, null, null);
        }
        if (refuse.test(source)) {
            return new BulkItemResult(400, "document_parsing_exception", "failed to parse field [maturity]");
        }
        documents.put(id, new Stored(version, source));
        return new BulkItemResult(current == null ? 201 : 200, null, null);
    }

    /** The stored sources of those of {@code ids} the index holds, as JSON text: what a multi-get answers. */
    public Map<String, String> sourcesOf(List<String> ids) {
        Map<String, String> out = new HashMap<>();
        for (String id : ids) {
            Stored doc = documents.get(id);
            if (doc != null) {
                out.put(id, doc.source().toString());
            }
        }
        return out;
    }
}
