package dev.refdata.ingest.it.faults;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on a loopback port in front of one service, that breaks connections the way networks do:
 * <ul>
 *   <li>{@link #discardConnectionsIdleLongerThan}: a connection that was idle longer than the limit is silently
 *       dropped, as a load balancer or NAT does after its idle timeout (and as a frozen Lambda container finds on
 *       waking): neither side gets a FIN or RST, both sockets stay open, and whatever is sent on it afterwards
 *       vanishes, so a request on it waits for its socket timeout;</li>
 *   <li>{@link #resetNextRequests}: the next requests are answered, once their first bytes arrived, with a TCP
 *       reset (close with {@code SO_LINGER 0}), before anything reached the service;</li>
 *   <li>{@link #cutNextResponseAfter}: the next response is reset after that many bytes were forwarded;</li>
 *   <li>{@link #addLatency}: every forwarded piece of a request waits first;</li>
 *   <li>{@link #goDown()}: every open connection is reset and new ones are reset on their first request, as an
 *       endpoint that stopped; {@link #comeBack()} forwards again.</li>
 * </ul>
 * A "request" is the first bytes a client sends after the service's last answer on that connection.
 */
final class FaultInjectingProxy implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FaultInjectingProxy.class);
    private static final int BUFFER_BYTES = 64 * 1024;

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger blackHoled = new AtomicInteger();
    private final AtomicInteger resets = new AtomicInteger();
    private final AtomicInteger resetsArmed = new AtomicInteger();
    private final AtomicLong cutArmedAfter = new AtomicLong(-1);
    private final AtomicInteger cuts = new AtomicInteger();
    private volatile long idleLimitNanos = Long.MAX_VALUE;
    private volatile long latencyMillis;
    private volatile boolean down;
    private volatile boolean closed;

    private FaultInjectingProxy(ServerSocket server, InetSocketAddress target) {
        this.server = server;
        this.target = target;
        this.acceptor = new Thread(this::acceptLoop, "fault-proxy-accept-" + server.getLocalPort());
        acceptor.setDaemon(true);
    }

    /** A proxy to {@code service} ({@code http://host:port}), forwarding faithfully until told otherwise. */
    static FaultInjectingProxy to(URI service) {
        try {
            ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            FaultInjectingProxy proxy = new FaultInjectingProxy(server,
                    new InetSocketAddress(service.getHost(), service.getPort()));
            proxy.acceptor.start();
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a proxy port", e);
        }
    }

    /** {@code http://127.0.0.1:<port>}: where clients connect instead of the service. */
    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    void discardConnectionsIdleLongerThan(Duration idle) {
        idleLimitNanos = idle.toNanos();
    }

    void addLatency(Duration latency) {
        latencyMillis = latency.toMillis();
    }

    void resetNextRequests(int requests) {
        resetsArmed.set(requests);
    }

    void cutNextResponseAfter(long bytes) {
        cutArmedAfter.set(bytes);
    }

    /** Resets every open connection and every request from now on. */
    void goDown() {
        down = true;
        for (Link link : links) {
            link.reset();
        }
    }

    void comeBack() {
        down = false;
    }

    int connectionsAccepted() {
        return accepted.get();
    }

    /** Requests that vanished on a connection the proxy had silently dropped for idleness. */
    int blackHoledRequests() {
        return blackHoled.get();
    }

    /** Connections reset: by {@link #resetNextRequests}, {@link #cutNextResponseAfter} or while down. */
    int resets() {
        return resets.get();
    }

    /** Responses cut by {@link #cutNextResponseAfter}. */
    int cutResponses() {
        return cuts.get();
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("closing the proxy's server socket", e);
        }
        for (Link link : links) {
            link.closeQuietly();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("proxy accept failed", e);
                }
                return;
            }
            accepted.incrementAndGet();
            try {
                Socket upstream = new Socket();
                upstream.connect(target, 5_000);
                Link link = new Link(client, upstream);
                links.add(link);
                link.start();
            } catch (IOException e) {
                LOG.debug("proxy cannot reach {}", target, e);
                rst(client);
            }
        }
    }

    private void rst(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException e) {
            LOG.debug("reset", e);
        }
    }

    /** One client connection and its upstream connection, each direction pumped by its own thread. */
    private final class Link {
        private final Socket client;
        private final Socket upstream;
        private volatile long lastActivityNanos = System.nanoTime();
        private volatile boolean blackHole;
        private volatile boolean awaitingRequest = true;
        private long responseBytes;

        Link(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void start() {
            Thread requests = new Thread(this::pumpRequests, "fault-proxy-requests-" + client.getPort());
            Thread responses = new Thread(this::pumpResponses, "fault-proxy-responses-" + client.getPort());
            requests.setDaemon(true);
            responses.setDaemon(true);
            requests.start();
            responses.start();
        }

        private void pumpRequests() {
            byte[] buffer = new byte[BUFFER_BYTES];
            try (InputStream in = client.getInputStream(); OutputStream out = upstream.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (blackHole) {
                        continue; // swallowed: the client waits for an answer that never comes
                    }
                    long now = System.nanoTime();
                    if (now - lastActivityNanos > idleLimitNanos) {
                        blackHole = true;
                        blackHoled.incrementAndGet();
                        LOG.info("proxy: connection from port {} was idle {} ms, dropped silently", client.getPort(),
                                Duration.ofNanos(now - lastActivityNanos).toMillis());
                        continue;
                    }
                    if (awaitingRequest) {
                        awaitingRequest = false;
                        synchronized (this) {
                            responseBytes = 0;
                        }
                        if (down || takeArmedReset()) {
                            reset();
                            return;
                        }
                    }
                    lastActivityNanos = now;
                    long latency = latencyMillis;
                    if (latency > 0) {
                        Thread.sleep(latency);
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
                if (!blackHole) {
                    upstream.shutdownOutput();
                }
            } catch (IOException e) {
                closeUnlessBlackHoled();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                closeQuietly();
            }
        }

        private boolean takeArmedReset() {
            while (true) {
                int armed = resetsArmed.get();
                if (armed <= 0) {
                    return false;
                }
                if (resetsArmed.compareAndSet(armed, armed - 1)) {
                    return true;
                }
            }
        }

        private void pumpResponses() {
            byte[] buffer = new byte[BUFFER_BYTES];
            try (InputStream in = upstream.getInputStream(); OutputStream out = client.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (blackHole) {
                        continue;
                    }
                    awaitingRequest = true;
                    lastActivityNanos = System.nanoTime();
                    long cutAfter = cutArmedAfter.get();
                    long before;
                    synchronized (this) {
                        before = responseBytes;
                        responseBytes += n;
                    }
                    if (cutAfter >= 0 && before + n > cutAfter && cutArmedAfter.compareAndSet(cutAfter, -1)) {
                        int keep = (int) Math.max(0, cutAfter - before);
                        out.write(buffer, 0, keep);
                        out.flush();
                        cuts.incrementAndGet();
                        LOG.info("proxy: response on port {} cut after {} bytes", client.getPort(), cutAfter);
                        reset();
                        return;
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
                if (!blackHole) {
                    client.shutdownOutput();
                }
            } catch (IOException e) {
                closeUnlessBlackHoled();
            }
        }

        void reset() {
            resets.incrementAndGet();
            rst(client);
            closeQuietly();
        }

        private void closeUnlessBlackHoled() {
            if (!blackHole) {
                closeQuietly();
            }
        }

        void closeQuietly() {
            links.remove(this);
            for (Socket s : new Socket[] {client, upstream}) {
                try {
                    s.close();
                } catch (IOException e) {
                    LOG.debug("close", e);
                }
            }
        }
    }
}
