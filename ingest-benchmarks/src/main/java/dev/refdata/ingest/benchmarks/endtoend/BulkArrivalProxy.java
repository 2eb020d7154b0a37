package dev.refdata.ingest.benchmarks.endtoend;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * A loopback TCP forwarder in front of the OpenSearch node that notes when the first {@code _bulk} request arrives.
 * It tells when a process whose OpenSearch client the harness cannot wrap (the loader handler as the Lambda runtime
 * builds it, from its environment) sent its first bulk request. Bytes pass through unchanged; only the requests'
 * lines are looked at, until the first bulk request is seen.
 */
final class BulkArrivalProxy implements AutoCloseable {

    private static final Pattern BULK_REQUEST_LINE = Pattern.compile("POST [^ \\r\\n]*/_bulk[ ?]");
    /** Bytes of the previous read kept in front of the next, so a request line split between two reads is found. */
    private static final int CARRY = 512;

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final AtomicLong firstBulkEpochMs = new AtomicLong(-1);

    private BulkArrivalProxy(ServerSocket server, InetSocketAddress target) {
        this.server = server;
        this.target = target;
    }

    /** Listens on a free loopback port and forwards every connection to {@code target} (an {@code http://} URI). */
    static BulkArrivalProxy start(URI target) throws IOException {
        if (!"http".equals(target.getScheme())) {
            throw new IllegalArgumentException("only plain http can be watched: " + target);
        }
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        BulkArrivalProxy proxy = new BulkArrivalProxy(server, new InetSocketAddress(target.getHost(), target.getPort()));
        Thread acceptor = new Thread(proxy::accept, "bulk-arrival-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
        return proxy;
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** Forgets the last bulk request seen, before the next measured process starts. */
    void reset() {
        firstBulkEpochMs.set(-1);
    }

    /** When the first bulk request since {@link #reset} arrived (epoch milliseconds), or -1 when none has. */
    long firstBulkEpochMs() {
        return firstBulkEpochMs.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (!server.isClosed()) {
                    System.err.println("bulk-arrival proxy: " + e);
                }
                continue;
            }
            Socket upstream = new Socket();
            try {
                upstream.connect(target, 5_000);
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
            } catch (IOException e) {
                System.err.println("bulk-arrival proxy: cannot reach " + target + ": " + e);
                closeQuietly(client); // the client sees its connection closed, as it would without the proxy
                closeQuietly(upstream);
                continue;
            }
            pump(client, upstream, true);
            pump(upstream, client, false);
        }
    }

    private void pump(Socket from, Socket to, boolean requests) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            String carry = "";
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (requests && firstBulkEpochMs.get() < 0) {
                        long now = System.currentTimeMillis();
                        String seen = carry + new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
                        if (BULK_REQUEST_LINE.matcher(seen).find()) {
                            firstBulkEpochMs.compareAndSet(-1, now);
                        }
                        carry = seen.substring(Math.max(0, seen.length() - CARRY));
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // the other side closed: the connection ends
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, requests ? "bulk-arrival-requests" : "bulk-arrival-responses");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing after the connection ended
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
