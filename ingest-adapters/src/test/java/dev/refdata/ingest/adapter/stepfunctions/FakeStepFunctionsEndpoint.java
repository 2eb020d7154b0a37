package dev.refdata.ingest.adapter.stepfunctions;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The Step Functions JSON protocol (AWS JSON 1.0: POST /, the operation in {@code X-Amz-Target}) on 127.0.0.1, in
 * this process: it records each request and answers what the test scripted for its operation. A fake of the
 * network peer, so the real SDK client builds, signs, sends and parses real HTTP.
 */
final class FakeStepFunctionsEndpoint implements AutoCloseable {

    /** One request as it arrived. */
    record Received(String method, String path, String target, String contentType, String authorization, String body) {
    }

    /** A scripted answer. */
    record Answer(int status, String body) {
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();

    FakeStepFunctionsEndpoint() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), target,
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    exchange.getRequestHeaders().getFirst("Authorization"), body));
            Answer answer = answers.getOrDefault(target == null ? "" : target.substring(target.indexOf('.') + 1),
                    new Answer(400, "{\"__type\":\"com.amazonaws.swf.base.model#UnknownOperationException\"}"));
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
            exchange.getResponseHeaders().set("x-amzn-RequestId", "req-1");
            exchange.sendResponseHeaders(answer.status(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    /** Answers {@code operation} (e.g. StartExecution) with this status and body from now on. */
    FakeStepFunctionsEndpoint answer(String operation, int status, String body) {
        answers.put(operation, new Answer(status, body));
        return this;
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
