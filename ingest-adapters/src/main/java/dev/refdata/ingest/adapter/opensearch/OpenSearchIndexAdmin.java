package dev.refdata.ingest.adapter.opensearch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refdata.ingest.adapter.opensearch.MultiGetResponseParser.Document;
import dev.refdata.ingest.adapter.opensearch.MultiGetResponseParser.MalformedMultiGetResponseException;
import dev.refdata.ingest.core.port.out.IndexAdmin;
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
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.net.URIBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The index operations around a load, over the same pooled client as the sink: create an index from its
 * settings and mappings (see {@code IndexMapping.createIndexBody}), check, list, change settings, refresh,
 * count, read documents, point and swap an alias, delete.
 *
 * <p>Request bodies are built with Jackson, so names and values reach the server as the JSON strings they are;
 * names in a URL path are percent-encoded.
 *
 * <p>Failures are {@link SearchSinkException}s, classified as for bulks: a missing index is a 404 that is not
 * retryable, an overloaded cluster a 429 that is. Messages name the action, the index or alias, the node, and
 * the server's error type and reason.
 */
public final class OpenSearchIndexAdmin implements IndexAdmin {

    /** The most ids one {@code _mget} request asks for; {@link #sources} sends more in several requests. */
    static final int MAX_IDS_PER_MGET = 1_000;

    private static final Logger LOG = LoggerFactory.getLogger(OpenSearchIndexAdmin.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INDEX_NOT_FOUND = "index_not_found_exception";
    private static final String INVALID_ALIAS_NAME = "invalid_alias_name_exception";

    private final OpenSearchTransport transport;

    OpenSearchIndexAdmin(OpenSearchTransport transport) {
        this.transport = Objects.requireNonNull(transport, "transport");
    }

    /**
     * Creates {@code index} with {@code body} ({@code settings} and {@code mappings}).
     *
     * @throws SearchSinkException with status 400 ({@code resource_already_exists_exception}) if it exists
     */
    @Override
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

    @Override
    public boolean indexExists(String index) {
        IndexNames.require(index);
        URI node = transport.nextNode();
        return foundOrAbsent(new HttpHead(OpenSearchTransport.uri(node, index)), "check index '" + index + "'", node);
    }

    /** Deletes {@code index}; {@code false} if it did not exist. */
    @Override
    public boolean deleteIndex(String index) {
        IndexNames.require(index);
        URI node = transport.nextNode();
        return foundOrAbsent(new HttpDelete(OpenSearchTransport.uri(node, index)), "delete index '" + index + "'", node);
    }

    /** Sends a request about one index: {@code false} when the server answers 404, {@code true} on success. */
    private boolean foundOrAbsent(ClassicHttpRequest request, String action, URI node) {
        return send(request, action, node, response -> {
            if (response.getCode() == 404) {
                return false;
            }
            requireSuccess(response, action, node);
            return true;
        });
    }

    /** Makes everything indexed so far visible to searches and counts. */
    @Override
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
    @Override
    public long count(String index) {
        IndexNames.require(index);
        URI node = transport.nextNode();
        String action = "count index '" + index + "'";
        return send(new HttpGet(OpenSearchTransport.uri(node, index, "_count")), action, node,
                response -> readCount(response, action, node));
    }

    /**
     * The number of documents searchable in {@code index} whose {@code field} is exactly {@code value}: a
     * {@code term} query, meant for keyword fields such as {@code ingest.run_id}.
     */
    @Override
    public long countWhere(String index, String field, String value) {
        IndexNames.require(index);
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(value, "value");
        if (field.isBlank()) {
            throw new IllegalArgumentException("field must not be blank");
        }
        URI node = transport.nextNode();
        String action = "count documents with " + field + " = '" + value + "' in index '" + index + "'";
        ObjectNode body = JSON.createObjectNode();
        body.putObject("query").putObject("term").put(field, value);
        HttpPost post = new HttpPost(OpenSearchTransport.uri(node, index, "_count"));
        post.setEntity(json(body));
        return send(post, action, node, response -> readCount(response, action, node));
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
    @Override
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

    /**
     * Points {@code alias} at {@code index} and removes it from each of {@code previous}, in one
     * {@code POST /_aliases}: readers of the alias see the old indices or the new one, never none or both. With
     * no {@code previous} the alias is only added. {@code previous} may contain {@code index}; it keeps the alias.
     * An index the alias points at that is not in {@code previous} keeps it too.
     *
     * <p>Nothing changes if any action fails, e.g. when an index of {@code previous} no longer exists (HTTP 404
     * {@code index_not_found_exception}).
     *
     * @throws SearchSinkException with status 400, saying so, when {@code alias} is the name of an index (as
     *                             when documents were written to the name before the alias existed)
     */
    @Override
    public void swapAlias(String alias, String index, Set<String> previous) {
        IndexNames.require(alias);
        IndexNames.require(index);
        Objects.requireNonNull(previous, "previous");
        if (alias.equals(index)) {
            throw new IllegalArgumentException("an alias cannot have the name of its index: '" + alias + "'");
        }
        Set<String> removedFrom = new TreeSet<>();
        for (String old : previous) {
            IndexNames.require(old);
            if (!old.equals(index)) {
                removedFrom.add(old);
            }
        }
        ObjectNode body = JSON.createObjectNode();
        ArrayNode actions = body.putArray("actions");
        actions.addObject().putObject("add").put("index", index).put("alias", alias);
        for (String old : removedFrom) {
            actions.addObject().putObject("remove").put("index", old).put("alias", alias);
        }
        URI node = transport.nextNode();
        String action = "swap alias '" + alias + "' to index '" + index + "' from " + removedFrom;
        HttpPost post = new HttpPost(OpenSearchTransport.uri(node, "_aliases"));
        post.setEntity(json(body));
        ServerError refusal = send(post, action, node, response -> {
            if (response.getCode() == 400) {
                return ServerError.read(response.getEntity());
            }
            requireSuccess(response, action, node);
            warnUnlessAcknowledged(readJson(response, action, node), action, node);
            return null;
        });
        if (refusal == null) {
            return;
        }
        if (INVALID_ALIAS_NAME.equals(refusal.type()) && indicesNamed(alias).contains(alias)) {
            throw new SearchSinkException(400, false, describe(action, node) + " failed: '" + alias + "' is an"
                    + " index, not an alias (OpenSearch creates an index when documents are written to a name that"
                    + " is neither); delete or rename that index first: HTTP 400 " + refusal.describe(), null);
        }
        throw SearchSinkFailures.forStatus(describe(action, node), 400, refusal);
    }

    /**
     * The indices, open or closed (hidden ones too), whose names start with {@code prefix}, sorted by name; empty
     * if there are none. Aliases are not indices: an alias matching the prefix adds nothing.
     *
     * @param prefix the start of an index name; wildcards, commas, {@code :} and a leading {@code -}, {@code +}
     *               or {@code _} are refused, as they would make it a different index expression
     */
    @Override
    public List<String> indicesStartingWith(String prefix) {
        requirePrefix(prefix);
        return indicesNamed(prefix + "*").stream().filter(name -> name.startsWith(prefix)).toList();
    }

    /** The sorted names of the indices (not aliases) {@code expression} resolves to ({@code _resolve/index}). */
    private Set<String> indicesNamed(String expression) {
        URI node = transport.nextNode();
        String action = "list indices named '" + expression + "'";
        URI uri = withQuery(OpenSearchTransport.uri(node, "_resolve", "index", expression), "expand_wildcards", "all");
        return send(new HttpGet(uri), action, node, response -> {
            requireSuccess(response, action, node);
            JsonNode indices = readJson(response, action, node).get("indices");
            if (indices == null || !indices.isArray()) {
                throw SearchSinkFailures.unreadable(describe(action, node), response.getCode(), "no indices array",
                        null);
            }
            Set<String> names = new TreeSet<>();
            for (JsonNode index : indices) {
                JsonNode name = index.get("name");
                if (name == null || !name.isTextual()) {
                    throw SearchSinkFailures.unreadable(describe(action, node), response.getCode(),
                            "an index without a name", null);
                }
                names.add(name.asText());
            }
            return names;
        });
    }

    /**
     * Sets {@code index.number_of_replicas} and {@code index.refresh_interval} ({@code PUT /{index}/_settings}).
     *
     * @param refreshInterval a time value such as {@code "1s"}, or {@code "-1"} for no periodic refresh
     */
    @Override
    public void updateSettings(String index, int replicas, String refreshInterval) {
        IndexNames.require(index);
        Objects.requireNonNull(refreshInterval, "refreshInterval");
        if (replicas < 0) {
            throw new IllegalArgumentException("replicas must not be negative: " + replicas);
        }
        if (refreshInterval.isBlank()) {
            throw new IllegalArgumentException("refreshInterval must not be blank");
        }
        URI node = transport.nextNode();
        String action = "set " + replicas + " replicas and refresh interval " + refreshInterval + " on index '"
                + index + "'";
        ObjectNode body = JSON.createObjectNode();
        body.putObject("index").put("number_of_replicas", replicas).put("refresh_interval", refreshInterval);
        HttpPut put = new HttpPut(OpenSearchTransport.uri(node, index, "_settings"));
        put.setEntity(json(body));
        send(put, action, node, response -> {
            requireSuccess(response, action, node);
            warnUnlessAcknowledged(readJson(response, action, node), action, node);
            return null;
        });
    }

    /**
     * The stored {@code _source} JSON of each of {@code ids} that exists in {@code index}, by id, in the order
     * of {@code ids}; ids without a document are absent. Asks {@code _mget} for at most
     * {@value #MAX_IDS_PER_MGET} ids at a time; duplicate ids are asked for once. {@code index} may be an alias
     * of exactly one index.
     *
     * @throws SearchSinkException with status 404 if the index does not exist, or with the response's status
     *                             when the server could not get a document (its error type and reason, and the
     *                             id, are in the message)
     */
    @Override
    public Map<String, String> sources(String index, List<String> ids) {
        IndexNames.require(index);
        Objects.requireNonNull(ids, "ids");
        Set<String> distinct = new LinkedHashSet<>();
        for (String id : ids) {
            Objects.requireNonNull(id, "id");
            if (id.isEmpty()) {
                throw new IllegalArgumentException("a document id must not be empty");
            }
            distinct.add(id);
        }
        List<String> wanted = List.copyOf(distinct);
        Map<String, String> sources = new LinkedHashMap<>();
        for (int from = 0; from < wanted.size(); from += MAX_IDS_PER_MGET) {
            List<String> batch = wanted.subList(from, Math.min(wanted.size(), from + MAX_IDS_PER_MGET));
            for (Document document : multiGet(index, batch)) {
                if (document.found()) {
                    sources.put(document.id(), document.source());
                }
            }
        }
        return Collections.unmodifiableMap(sources);
    }

    private List<Document> multiGet(String index, List<String> ids) {
        URI node = transport.nextNode();
        String action = "get " + ids.size() + " documents from index '" + index + "'";
        ObjectNode body = JSON.createObjectNode();
        ArrayNode idArray = body.putArray("ids");
        ids.forEach(idArray::add);
        HttpPost post = new HttpPost(OpenSearchTransport.uri(node, index, "_mget"));
        post.setEntity(json(body));
        return send(post, action, node, response -> {
            requireSuccess(response, action, node);
            int status = response.getCode();
            List<Document> documents;
            try {
                documents = MultiGetResponseParser.parse(readBody(response, action, node));
            } catch (MalformedMultiGetResponseException e) {
                throw SearchSinkFailures.unreadable(describe(action, node), status, e.getMessage(), e);
            }
            if (documents.size() != ids.size()) {
                throw SearchSinkFailures.unreadable(describe(action, node), status, documents.size()
                        + " documents for " + ids.size() + " ids asked for", null);
            }
            for (Document document : documents) {
                if (document.error() == null) {
                    continue;
                }
                if (INDEX_NOT_FOUND.equals(document.error().type())) {
                    throw SearchSinkFailures.forStatus(describe(action, node), 404, document.error());
                }
                throw new SearchSinkException(status, false, describe(action, node) + " failed for document '"
                        + document.id() + "': " + document.error().describe(), null);
            }
            return documents;
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

    private static long readCount(ClassicHttpResponse response, String action, URI node) throws IOException {
        requireSuccess(response, action, node);
        JsonNode count = readJson(response, action, node).get("count");
        if (count == null || !count.canConvertToLong()) {
            throw SearchSinkFailures.unreadable(describe(action, node), response.getCode(), "no count", null);
        }
        return count.asLong();
    }

    /**
     * An unacknowledged change is in the cluster state, but some node had not applied it when the request
     * returned: for a moment it may still route the alias, or use the settings, as before.
     */
    private static void warnUnlessAcknowledged(JsonNode response, String action, URI node) {
        if (!response.path("acknowledged").asBoolean(false)) {
            LOG.warn("{}: not acknowledged by every node in time; some may briefly act on the old state",
                    describe(action, node));
        }
    }

    private static byte[] readBody(ClassicHttpResponse response, String action, URI node) throws IOException {
        HttpEntity entity = response.getEntity();
        if (entity == null) {
            throw SearchSinkFailures.unreadable(describe(action, node), response.getCode(), "no body", null);
        }
        try (InputStream in = entity.getContent()) {
            return in.readAllBytes();
        }
    }

    private static HttpEntity json(ObjectNode body) {
        try {
            return new ByteArrayEntity(JSON.writeValueAsBytes(body), ContentType.APPLICATION_JSON);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree cannot fail to serialise", e);
        }
    }

    private static URI withQuery(URI uri, String name, String value) {
        try {
            return new URIBuilder(uri).addParameter(name, value).build();
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("cannot build a URL from " + uri, e);
        }
    }

    /** A prefix that, followed by {@code *}, is a wildcard over index names and nothing else. */
    private static void requirePrefix(String prefix) {
        IndexNames.require(prefix);
        char first = prefix.charAt(0);
        if (first == '-' || first == '+' || first == '_') {
            throw new IllegalArgumentException("an index name prefix must not start with '" + first + "': '"
                    + prefix + "'");
        }
        for (int i = 0; i < prefix.length(); i++) {
            if ("*?,:\"<>|#".indexOf(prefix.charAt(i)) >= 0) {
                throw new IllegalArgumentException("an index name prefix must not contain '" + prefix.charAt(i)
                        + "': '" + prefix + "'");
            }
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
