package dev.refdata.ingest.adapter.opensearch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refdata.ingest.core.port.out.SearchSink.SearchSinkException;
import org.apache.hc.client5.http.classic.methods.HttpDelete;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpHead;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.classic.methods.HttpPut;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.io.entity.StringEntity;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The index operations around a load, over the same pooled client as the sink: create an index from its
 * settings and mappings (see {@code IndexMapping.createIndexBody}), check, refresh, count, read a document,
 * point an alias, delete.
 *
 * <p>Failures are {@link SearchSinkException}s, classified as for bulks: a missing index is a 404 that is not
 * retryable, an overloaded cluster a 429 that is.
 */
public final class OpenSearchIndexAdmin {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INDEX_NOT_FOUND = "index_not_found_exception";

    private final OpenSearchTransport transport;

    OpenSearchIndexAdmin(OpenSearchTransport transport) {
        this.transport = Objects.requireNonNull(transport, "transport");
    }

    /**
     * Creates {@code index} with {@code body} ({@code settings} and {@code mappings}).
     *
     * @throws SearchSinkException with status 400 ({@code resource_already_exists_exception}) if it exists
     */
    public void createIndex(String index, String body) {
        IndexNames.require(index);
        Objects.requireNonNull(body, "body");
        URI node = transport.nextNode();
        HttpPut put = new HttpPut(OpenSearchTransport.uri(node, index));
        put.setEntity(new StringEntity(body, ContentType.APPLICATION_JSON));
        send(put, "create index '" + index + "'", node, response -> {
            requireSuccess(response, "create index '" + index + "'", node);
            return null;
        });
    }

    public boolean indexExists(String index) {
        IndexNames.require(index);
        URI node = transport.nextNode();
        String action = "check index '" + index + "'";
        return send(new HttpHead(OpenSearchTransport.uri(node, index)), action, node, response -> {
            if (response.getCode() == 404) {
                return false;
            }
            requireSuccess(response, action, node);
            return true;
        });
    }

    /** Deletes {@code index}; {@code false} if it did not exist. */
    public boolean deleteIndex(String index) {
        IndexNames.require(index);
        URI node = transport.nextNode();
        String action = "delete index '" + index + "'";
        return send(new HttpDelete(OpenSearchTransport.uri(node, index)), action, node, response -> {
            if (response.getCode() == 404) {
                return false;
            }
            requireSuccess(response, action, node);
            return true;
        });
    }

    /** Makes everything indexed so far visible to searches and counts. */
    public void refresh(String index) {
        IndexNames.require(index);
        URI node = transport.nextNode();
        String action = "refresh index '" + index + "'";
        send(new HttpPost(OpenSearchTransport.uri(node, index, "_refresh")), action, node, response -> {
            requireSuccess(response, action, node);
            return null;
        });
    }

    /** The number of documents searchable in {@code index} (after the last refresh). */
    public long count(String index) {
        IndexNames.require(index);
        URI node = transport.nextNode();
        String action = "count index '" + index + "'";
        return send(new HttpGet(OpenSearchTransport.uri(node, index, "_count")), action, node, response -> {
            requireSuccess(response, action, node);
            JsonNode count = readJson(response, action, node).get("count");
            if (count == null || !count.canConvertToLong()) {
                throw SearchSinkFailures.unreadable(describe(action, node), response.getCode(), "no count", null);
            }
            return count.asLong();
        });
    }

    /**
     * The {@code _source} of document {@code id} as JSON text, or empty if there is no such document.
     *
     * @throws SearchSinkException with status 404 if the index does not exist
     */
    public Optional<String> source(String index, String id) {
        IndexNames.require(index);
        Objects.requireNonNull(id, "id");
        URI node = transport.nextNode();
        String action = "get document '" + id + "' from index '" + index + "'";
        return send(new HttpGet(OpenSearchTransport.uri(node, index, "_source", id)), action, node, response -> {
            if (response.getCode() == 404) {
                ServerError error = ServerError.read(response.getEntity());
                if (INDEX_NOT_FOUND.equals(error.type())) {
                    throw SearchSinkFailures.forStatus(describe(action, node), 404, error);
                }
                return Optional.empty();
            }
            requireSuccess(response, action, node);
            HttpEntity entity = response.getEntity();
            if (entity == null) {
                throw SearchSinkFailures.unreadable(describe(action, node), response.getCode(), "no body", null);
            }
            try (InputStream in = entity.getContent()) {
                return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        });
    }

    /** Adds {@code alias} to {@code index} (an alias may point at several indices). */
    public void putAlias(String index, String alias) {
        IndexNames.require(index);
        IndexNames.require(alias);
        URI node = transport.nextNode();
        String action = "put alias '" + alias + "' on index '" + index + "'";
        send(new HttpPut(OpenSearchTransport.uri(node, index, "_alias", alias)), action, node, response -> {
            requireSuccess(response, action, node);
            return null;
        });
    }

    /** The indices {@code alias} points at; empty if there is no such alias. */
    public Set<String> aliasTargets(String alias) {
        IndexNames.require(alias);
        URI node = transport.nextNode();
        String action = "get alias '" + alias + "'";
        return send(new HttpGet(OpenSearchTransport.uri(node, "_alias", alias)), action, node, response -> {
            if (response.getCode() == 404) {
                return Set.of();
            }
            requireSuccess(response, action, node);
            Set<String> indices = new TreeSet<>();
            Iterator<String> names = readJson(response, action, node).fieldNames();
            names.forEachRemaining(indices::add);
            return Set.copyOf(indices);
        });
    }

    private <T> T send(ClassicHttpRequest request, String action, URI node, OpenSearchTransport.ResponseReader<T> reader) {
        request.setHeader(HttpHeaders.ACCEPT, ContentType.APPLICATION_JSON.getMimeType());
        return transport.execute(request, describe(action, node), reader);
    }

    private static void requireSuccess(ClassicHttpResponse response, String action, URI node) throws IOException {
        int status = response.getCode();
        if (status < 200 || status > 299) {
            throw SearchSinkFailures.forStatus(describe(action, node), status, ServerError.read(response.getEntity()));
        }
    }

    private static JsonNode readJson(ClassicHttpResponse response, String action, URI node) throws IOException {
        HttpEntity entity = response.getEntity();
        if (entity == null) {
            throw SearchSinkFailures.unreadable(describe(action, node), response.getCode(), "no body", null);
        }
        try (InputStream in = entity.getContent()) {
            JsonNode json = JSON.readTree(in);
            if (json == null || !json.isObject()) {
                throw SearchSinkFailures.unreadable(describe(action, node), response.getCode(), "not a JSON object",
                        null);
            }
            return json;
        } catch (JsonProcessingException e) {
            throw SearchSinkFailures.unreadable(describe(action, node), response.getCode(),
                    "not JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static String describe(String action, URI node) {
        return action + " at " + OpenSearchTransport.origin(node);
    }
}
