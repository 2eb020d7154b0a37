package dev.refdata.ingest.it.security;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.refdata.ingest.adapter.config.ProcessClients;
import dev.refdata.ingest.adapter.config.RuntimeSettings;
import dev.refdata.ingest.adapter.opensearch.OpenSearchHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * TLS verification towards a remote OpenSearch is on unless the deployment explicitly turns it off with
 * {@code INGEST_OPENSEARCH_TRUST_ALL_CERTIFICATES=true}, and turning it off is logged as a warning naming the
 * endpoint, from the same wiring the Lambda handlers and the CLI use ({@link ProcessClients}). What the client
 * then does with an untrusted certificate (refuses it; accepts it only when told to) is OpenSearchTlsTest's, in
 * ingest-adapters, against an HTTPS peer with a self-signed certificate.
 */
class TlsVerificationIT {

    private static final String REMOTE = "https://search-refdata.eu-central-1.es.amazonaws.com";

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private Logger transport;

    @BeforeEach
    void captureLogs() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        logs.setContext(context);
        logs.start();
        transport = context.getLogger("dev.refdata.ingest.adapter.opensearch");
        transport.addAppender(logs);
    }

    @AfterEach
    void stopCapturing() {
        transport.detachAppender(logs);
        logs.stop();
    }

    @Test
    void byDefaultARemoteOpenSearchIsVerifiedAndNothingIsWarned() {
        ProcessClients clients = new ProcessClients(RuntimeSettings.from(Map.of("INGEST_OPENSEARCH_URL", REMOTE)));
        try (OpenSearchHttpClient search = clients.openSearch()) {

            assertThat(search.settings().insecureTrustAll()).isFalse();
            assertThat(warnings()).isEmpty();
        }
    }

    @Test
    void turningVerificationOffTakesAnExplicitFlagAndIsLoggedAsAWarningNamingTheEndpoint() {
        ProcessClients clients = new ProcessClients(RuntimeSettings.from(Map.of("INGEST_OPENSEARCH_URL", REMOTE,
                "INGEST_OPENSEARCH_TRUST_ALL_CERTIFICATES", "true")));
        try (OpenSearchHttpClient search = clients.openSearch()) {

            assertThat(search.settings().insecureTrustAll()).isTrue();
            assertThat(warnings()).singleElement().satisfies(w -> assertThat(w)
                    .contains("TLS certificate and host name verification is OFF").contains(REMOTE));
        }
    }

    @Test
    void anythingButTrueOrFalseIsRefusedRatherThanGuessed() {
        assertThatThrownBy(() -> RuntimeSettings.from(Map.of("INGEST_OPENSEARCH_TRUST_ALL_CERTIFICATES", "yes")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("INGEST_OPENSEARCH_TRUST_ALL_CERTIFICATES");
        assertThat(RuntimeSettings.from(Map.of("INGEST_OPENSEARCH_TRUST_ALL_CERTIFICATES", "false"))
                .openSearchTrustAllCertificates()).isFalse();
    }

    private List<String> warnings() {
        return logs.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .map(ILoggingEvent::getFormattedMessage).toList();
    }
}
