package dev.refdata.ingest.adapter.opensearch;

import org.apache.hc.client5.http.impl.io.ManagedHttpClientConnectionFactory;
import org.apache.hc.client5.http.io.ManagedHttpClientConnection;
import org.apache.hc.core5.http.io.HttpConnectionFactory;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;

/** HttpClient's own connection factory, counting the connections it opens (see {@link ConnectionPoolStats#opened()}). */
final class CountingConnectionFactory implements HttpConnectionFactory<ManagedHttpClientConnection> {

    private final HttpConnectionFactory<ManagedHttpClientConnection> delegate = ManagedHttpClientConnectionFactory.INSTANCE;
    private final AtomicLong opened = new AtomicLong();

    @Override
    public ManagedHttpClientConnection createConnection(Socket socket) throws IOException {
        opened.incrementAndGet();
        return delegate.createConnection(socket);
    }

    @Override
    public ManagedHttpClientConnection createConnection(SSLSocket sslSocket, Socket socket) throws IOException {
        opened.incrementAndGet();
        return delegate.createConnection(sslSocket, socket);
    }

    long opened() {
        return opened.get();
    }
}
