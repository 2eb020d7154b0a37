package dev.refdata.ingest.adapter.opensearch;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP peer on 127.0.0.1 that accepts connections and then misbehaves the way real networks do: it closes the
 * connection without answering (an idle connection dropped by a load balancer), or never answers at all.
 */
final class MisbehavingPeer implements AutoCloseable {

    enum Behaviour { CLOSE_WITHOUT_ANSWER, NEVER_ANSWER }

    private final ServerSocket server;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    private MisbehavingPeer(Behaviour behaviour) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> acceptLoop(behaviour), "misbehaving-peer");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static MisbehavingPeer start(Behaviour behaviour) {
        try {
            return new MisbehavingPeer(behaviour);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    private void acceptLoop(Behaviour behaviour) {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                accepted.add(socket);
                if (behaviour == Behaviour.CLOSE_WITHOUT_ANSWER) {
                    readRequestHead(socket.getInputStream());
                    socket.close();
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    /** Reads up to the blank line ending the request head, so the client has sent its request. */
    private static void readRequestHead(InputStream in) throws IOException {
        int matched = 0;
        int b;
        while (matched < 4 && (b = in.read()) >= 0) {
            matched = (b == '\r' || b == '\n') ? matched + 1 : 0;
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing a test peer
        }
        for (Socket socket : accepted) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing a test peer
            }
        }
    }
}
