package dev.refdata.ingest.adapter.opensearch;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A tiny HTTP/1.1 server on 127.0.0.1 standing in for the network peer (the JDK's own server): it records what
 * arrives and answers what the test tells it to. A fake of the network, not of the code under test.
 */
final class FakeHttpPeer implements AutoCloseable {

    /**
     * One request as it arrived: the raw (still percent-encoded) path and query ({@code null} without one);
     * {@code clientPort} tells connections apart.
     */
    record Received(String method, String path, String query, Headers headers, byte[] body, int clientPort) {

        String header(String name) {
            return headers.getFirst(name);
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** What to answer: a status and a JSON body ({@code ""} for none). */
    record Reply(int status, String body) {

        static Reply json(int status, String body) {
            return new Reply(status, body);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<Received> received = new CopyOnWriteArrayList<>();

    private FakeHttpPeer(Function<Received, Reply> replies) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", exchange -> answer(exchange, replies));
        server.start();
    }

    static FakeHttpPeer start(Function<Received, Reply> replies) {
        try {
            return new FakeHttpPeer(replies);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Answers every request with {@code status} and {@code body}. */
    static FakeHttpPeer answering(int status, String body) {
        return start(request -> Reply.json(status, body));
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    Received last() {
        return received.get(received.size() - 1);
    }

    /** How many TCP connections requests arrived on. */
    int connectionsUsed() {
        Set<Integer> ports = received.stream().map(Received::clientPort).collect(Collectors.toSet());
        return ports.size();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void answer(HttpExchange exchange, Function<Received, Reply> replies) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            Received request = new Received(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders(), body,
                    exchange.getRemoteAddress().getPort());
            received.add(request);
            Reply reply = replies.apply(request);
            byte[] out = reply.body().getBytes(StandardCharsets.UTF_8);
            if (out.length > 0) {
                exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
            }
            boolean noBody = out.length == 0 || exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(reply.status(), noBody ? -1 : out.length);
            if (!noBody) {
                try (OutputStream response = exchange.getResponseBody()) {
                    response.write(out);
                }
            }
        }
    }
}
