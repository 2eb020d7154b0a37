package dev.refdata.ingest.adapter.opensearch;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.refdata.ingest.core.port.out.SearchSink.BulkBody;
import dev.refdata.ingest.core.port.out.SearchSink.SearchSinkException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** TLS against a local HTTPS peer with a self-signed certificate (made with the JDK's keytool). */
class OpenSearchTlsTest {

    private static final char[] PASSWORD = "changeit".toCharArray();
    private static final String RESPONSE = "{\"took\":1,\"errors\":false,\"items\":[{\"index\":{\"status\":201}}]}";
    private static final byte[] NDJSON = "{\"index\":{}}\n{\"isin\":\"US0378331005\"}\n".getBytes(StandardCharsets.UTF_8);

    @TempDir
    static Path directory;
    private static HttpsServer server;
    private static URI url;

    @BeforeAll
    static void startHttpsPeer() throws Exception {
        Path keyStore = directory.resolve("peer.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "peer", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=not-this-host", "-keystore", keyStore.toString(), "-storetype", "PKCS12",
                "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
                .redirectErrorStream(true).start();
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(new String(keytool.getInputStream().readAllBytes())).isZero();

        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            store.load(in, PASSWORD);
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, PASSWORD);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);

        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(context));
        server.createContext("/", exchange -> {
            try (exchange; InputStream in = exchange.getRequestBody()) {
                in.readAllBytes();
                byte[] body = RESPONSE.getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.start();
        url = URI.create("https://127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterAll
    static void stopHttpsPeer() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void anUntrustedCertificateIsRefusedByDefaultAndRetryingWouldNotHelp() {
        try (OpenSearchHttpClient client = OpenSearchSinks.create(OpenSearchClientSettings.builder(url).build())) {

            SearchSinkException e = catchThrowableOfType(SearchSinkException.class,
                    () -> client.sink().bulk("instruments", new BulkBody(NDJSON, NDJSON.length, 1)));

            assertThat(e.status()).isZero();
            assertThat(e.retryable()).isFalse();
        }
    }

    @Test
    void trustAllIsAnExplicitChoiceThatAcceptsAnyCertificateAndHostName() throws IOException {
        try (OpenSearchHttpClient client = OpenSearchSinks.create(OpenSearchClientSettings.builder(url)
                .insecureTrustAll(true).build())) {

            assertThat(client.sink().bulk("instruments", new BulkBody(NDJSON, NDJSON.length, 1)).items())
                    .extracting(item -> item.status()).isEqualTo(List.of(201));
            assertThat(client.poolStats().opened()).isEqualTo(1);
        }
    }
}
