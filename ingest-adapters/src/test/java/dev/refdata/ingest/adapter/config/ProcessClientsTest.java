package dev.refdata.ingest.adapter.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessClientsTest {

    private final ProcessClients clients = new ProcessClients(RuntimeSettings.from(Map.of(
            "AWS_REGION", "eu-central-1",
            "INGEST_S3_ENDPOINT", "http://127.0.0.1:1",
            "INGEST_DYNAMODB_ENDPOINT", "http://127.0.0.1:1",
            "INGEST_OPENSEARCH_URL", "http://127.0.0.1:1",
            "INGEST_BULK_IN_FLIGHT", "12",
            "INGEST_OPENSEARCH_MAX_IDLE", "7s")));

    @Test
    void eachClientIsBuiltOncePerProcessAndShared() {
        assertThat(clients.objectStore()).isSameAs(clients.objectStore());
        assertThat(clients.openSearch()).isSameAs(clients.openSearch());
    }

    @Test
    void theOpenSearchClientNeverReusesAConnectionIdleLongerThanTheConfiguredLimit() {
        assertThat(clients.openSearch().settings().maxIdleTime()).isEqualTo(java.time.Duration.ofSeconds(7));
    }

    @Test
    void theOpenSearchPoolIsSizedForTheRequestsInFlight() {
        assertThat(clients.openSearch().poolStats().max()).isGreaterThanOrEqualTo(24);
    }
}
