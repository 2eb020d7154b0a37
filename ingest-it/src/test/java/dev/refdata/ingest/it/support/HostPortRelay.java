package dev.refdata.ingest.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes a service that listens on loopback reachable from containers: accepts on every interface and copies bytes
 * both ways to {@code 127.0.0.1:targetPort}. The OpenSearch node binds to loopback only (it has no security
 * plugin), and the Lambda containers LocalStack starts reach this host through {@code host.docker.internal}.
 */
public final class HostPortRelay implements AutoCloseable {

    private final ServerSocket server;
    private final int targetPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    private HostPortRelay(ServerSocket server, int targetPort) {
        this.server = server;
        this.targetPort = targetPort;
    }

    /** Starts relaying from a free port on all interfaces to {@code 127.0.0.1:targetPort}. */
    public static HostPortRelay toLoopbackPort(int targetPort) {
        try {
            ServerSocket server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0));
            HostPortRelay relay = new HostPortRelay(server, targetPort);
            Thread acceptor = new Thread(relay::acceptLoop, "relay-accept-" + targetPort);
            acceptor.setDaemon(true);
            acceptor.start();
            return relay;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a relay to port " + targetPort, e);
        }
    }

    /** The port the relay accepts on (every interface). */
    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                open.add(client);
                open.add(target);
                pump(client, target);
                pump(target, client);
            } catch (SocketException e) {
                return; // closed
            } catch (IOException e) {
                // one failed connection does not stop the relay; the client sees its connection closed
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // either side went away: close both below
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "relay-" + from.getPort() + "-" + to.getPort());
        t.setDaemon(true);
        t.start();
    }

    private void closeQuietly(Socket socket) {
        open.remove(socket);
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        open.forEach(this::closeQuietly);
    }

    @Override
    public String toString() {
        return "HostPortRelay[0.0.0.0:" + server.getLocalPort() + " -> 127.0.0.1:" + Objects.toString(targetPort) + "]";
    }
}
