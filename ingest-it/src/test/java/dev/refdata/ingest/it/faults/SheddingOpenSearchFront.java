package dev.refdata.ingest.it.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP front for OpenSearch that sheds load the way a cluster under pressure does, so that the real client,
 * response parser and failure mapping see real rejection responses: while a storm lasts, {@code _bulk} requests
 * are answered in turn with {@code 429 circuit_breaking_exception} for the whole request (the parent breaker), and
 * with {@code 200} and every item {@code 429 es_rejected_execution_exception} (a full write queue). Nothing of a
 * rejected request reaches OpenSearch; everything else is forwarded as it is.
 */
final class SheddingOpenSearchFront implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BREAKER_REASON = "[parent] Data too large, data for [<http_request>] would be "
            + "[1063004212/1013.7mb], which is larger than the limit of [1020054732/972.7mb]";
    private static final String QUEUE_REASON = "rejected execution of coordinating operation "
            + "[coordinating_and_primary_bytes=0, replica_bytes=0, all_bytes=0, coordinating_operation_bytes=1, "
            + "max_coordinating_and_primary_bytes=1]";

    private final HttpServer server;
    private final ExecutorService workers;
    private final URI target;
    private final HttpClient forward = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicInteger stormRequests = new AtomicInteger();
    private final AtomicInteger breakerRejections = new AtomicInteger();
    private final AtomicInteger queueRejections = new AtomicInteger();

    private SheddingOpenSearchFront(HttpServer server, ExecutorService workers, URI target) {
        this.server = server;
        this.workers = workers;
        this.target = target;
    }

    static SheddingOpenSearchFront to(URI openSearch) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
            ExecutorService workers = Executors.newFixedThreadPool(8, r -> {
                Thread t = new Thread(r, "shedding-front");
                t.setDaemon(true);
                return t;
            });
            SheddingOpenSearchFront front = new SheddingOpenSearchFront(server, workers, openSearch);
            server.createContext("/", front::handle);
            server.setExecutor(workers);
            server.start();
            return front;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the shedding front", e);
        }
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The next {@code requests} bulk requests are rejected; {@link Integer#MAX_VALUE} for a storm without end. */
    void storm(int requests) {
        stormRequests.set(requests);
    }

    int breakerRejections() {
        return breakerRejections.get();
    }

    int queueRejections() {
        return queueRejections.get();
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getRawPath();
            int storming = path.endsWith("/_bulk") ? stormRequests.getAndUpdate(n -> n > 0 ? n - 1 : 0) : 0;
            if (storming > 0) {
                if (storming % 2 == 0) {
                    breakerRejections.incrementAndGet();
                    respond(exchange, 429, breakerBody());
                } else {
                    queueRejections.incrementAndGet();
                    respond(exchange, 200, everyItemRejected(body));
                }
                return;
            }
            forward(exchange, body);
        }
    }

    private void forward(HttpExchange exchange, byte[] body) throws IOException {
        URI uri = target.resolve(exchange.getRequestURI().toString());
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
        if (encoding != null) {
            request.header("Content-Encoding", encoding);
        }
        try {
            HttpResponse<byte[]> response = forward.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            respond(exchange, response.statusCode(), response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            respond(exchange, 503, "{\"error\":\"interrupted\"}".getBytes(StandardCharsets.UTF_8));
        }
    }

    private static byte[] breakerBody() throws IOException {
        ObjectNode cause = JSON.createObjectNode();
        cause.put("type", "circuit_breaking_exception");
        cause.put("reason", BREAKER_REASON);
        cause.put("bytes_wanted", 1063004212L);
        cause.put("bytes_limit", 1020054732L);
        cause.put("durability", "TRANSIENT");
        ObjectNode error = JSON.createObjectNode();
        error.putArray("root_cause").add(cause);
        error.setAll(cause.deepCopy());
        ObjectNode root = JSON.createObjectNode();
        root.set("error", error);
        root.put("status", 429);
        return JSON.writeValueAsBytes(root);
    }

    /** A bulk response with one 429 item per action line of the request, in order. */
    private static byte[] everyItemRejected(byte[] request) throws IOException {
        ObjectNode response = JSON.createObjectNode();
        response.put("took", 1);
        response.put("errors", true);
        ArrayNode items = response.putArray("items");
        String[] lines = new String(request, StandardCharsets.UTF_8).split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            JsonNode action = JSON.readTree(lines[i]);
            String op = action.fieldNames().next();
            ObjectNode result = items.addObject().putObject(op);
            result.put("_id", action.get(op).path("_id").asText());
            result.put("status", 429);
            ObjectNode error = result.putObject("error");
            error.put("type", "es_rejected_execution_exception");
            error.put("reason", QUEUE_REASON);
            if (!op.equals("delete")) {
                i++; // the document line
            }
        }
        return JSON.writeValueAsBytes(response);
    }

    private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
