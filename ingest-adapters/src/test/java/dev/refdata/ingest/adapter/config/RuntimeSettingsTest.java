package dev.refdata.ingest.adapter.config;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RuntimeSettingsTest {

    @Test
    void defaultsNeedNoVariables() {
        RuntimeSettings settings = RuntimeSettings.from(Map.of());

        assertThat(settings.region()).isEqualTo("us-east-1");
        assertThat(settings.s3EndpointOverride()).isEmpty();
        assertThat(settings.targetChunkBytes()).isEqualTo(64L << 20);
        assertThat(settings.datasetsDirectory()).isEmpty();
    }

    @Test
    void variablesOverrideTheDefaults() {
        RuntimeSettings settings = RuntimeSettings.from(Map.of("AWS_REGION", "eu-central-1",
                "INGEST_S3_ENDPOINT", "http://127.0.0.1:9000", "INGEST_TARGET_CHUNK_BYTES", "8MB",
                "INGEST_DATASETS_DIR", "/etc/ingest/datasets"));

        assertThat(settings.region()).isEqualTo("eu-central-1");
        assertThat(settings.s3EndpointOverride()).contains(URI.create("http://127.0.0.1:9000"));
        assertThat(settings.targetChunkBytes()).isEqualTo(8L << 20);
        assertThat(settings.datasetsDirectory()).contains(Path.of("/etc/ingest/datasets"));
    }

    @Test
    void sizesTakeBinaryUnits() {
        assertThat(RuntimeSettings.parseSize("65536")).isEqualTo(65536);
        assertThat(RuntimeSettings.parseSize("512KB")).isEqualTo(512 * 1024);
        assertThat(RuntimeSettings.parseSize("64 mib")).isEqualTo(64L << 20);
        assertThat(RuntimeSettings.parseSize("1G")).isEqualTo(1L << 30);
    }

    @Test
    void aBadValueNamesTheVariable() {
        assertThatThrownBy(() -> RuntimeSettings.from(Map.of("INGEST_TARGET_CHUNK_BYTES", "lots")))
                .hasMessageStartingWith("INGEST_TARGET_CHUNK_BYTES: not a size: 'lots'");
        assertThatThrownBy(() -> RuntimeSettings.from(Map.of("INGEST_S3_ENDPOINT", "localhost")))
                .hasMessageStartingWith("INGEST_S3_ENDPOINT: not a URL");
    }

    @Test
    void aUrlCarryingCredentialsIsRefusedAndTheMessageHidesThem() {
        assertThatThrownBy(() -> RuntimeSettings.from(Map.of("INGEST_OPENSEARCH_URL",
                "https://admin:s3cret-pw@search.example.com:9200")))
                .hasMessage("INGEST_OPENSEARCH_URL: a URL must not carry credentials (user info): "
                        + "'https://[redacted]@search.example.com:9200'; configure authentication explicitly instead");
        assertThatThrownBy(() -> RuntimeSettings.from(Map.of("INGEST_DYNAMODB_ENDPOINT",
                "http://admin:s3cret-pw@bad host")))
                .hasMessageStartingWith("INGEST_DYNAMODB_ENDPOINT: not a URL")
                .hasMessageNotContaining("s3cret-pw").hasNoCause();
    }

    @Test
    void tlsVerificationIsOnUnlessExplicitlyTurnedOff() {
        assertThat(RuntimeSettings.from(Map.of()).openSearchTrustAllCertificates()).isFalse();
        assertThat(RuntimeSettings.from(Map.of("INGEST_OPENSEARCH_TRUST_ALL_CERTIFICATES", "true"))
                .openSearchTrustAllCertificates()).isTrue();
        assertThatThrownBy(() -> RuntimeSettings.from(Map.of("INGEST_OPENSEARCH_TRUST_ALL_CERTIFICATES", "1")))
                .hasMessageStartingWith("INGEST_OPENSEARCH_TRUST_ALL_CERTIFICATES:");
    }

    @Test
    void theOpenSearchIdleLimitDefaultsToThirtySecondsAndCanBeLoweredForAStricterMiddlebox() {
        assertThat(RuntimeSettings.from(Map.of()).openSearchMaxIdle()).isEqualTo(java.time.Duration.ofSeconds(30));
        assertThat(RuntimeSettings.from(Map.of("INGEST_OPENSEARCH_MAX_IDLE", "20s")).openSearchMaxIdle())
                .isEqualTo(java.time.Duration.ofSeconds(20));
        assertThat(RuntimeSettings.from(Map.of("INGEST_OPENSEARCH_MAX_IDLE", "750ms")).openSearchMaxIdle())
                .isEqualTo(java.time.Duration.ofMillis(750));
        assertThatThrownBy(() -> RuntimeSettings.from(Map.of("INGEST_OPENSEARCH_MAX_IDLE", "90s")))
                .hasMessageStartingWith("INGEST_OPENSEARCH_MAX_IDLE: '90s' must be above zero and at most 50s");
        assertThatThrownBy(() -> RuntimeSettings.from(Map.of("INGEST_OPENSEARCH_MAX_IDLE", "0s")))
                .hasMessageStartingWith("INGEST_OPENSEARCH_MAX_IDLE:");
        assertThatThrownBy(() -> RuntimeSettings.from(Map.of("INGEST_OPENSEARCH_MAX_IDLE", "soon")))
                .hasMessage("INGEST_OPENSEARCH_MAX_IDLE: not a duration such as 20s or 500ms: 'soon'");
    }

    @Test
    void recordAndFieldLimitsDefaultToOneMebibyteAndAQuarterOfOne() {
        assertThat(RuntimeSettings.from(Map.of()).recordLimits())
                .isEqualTo(new dev.refdata.ingest.core.csv.RecordLimits(1 << 20, 256 << 10));
        assertThat(RuntimeSettings.from(Map.of("INGEST_MAX_RECORD_BYTES", "4MiB", "INGEST_MAX_FIELD_BYTES", "1MiB"))
                .recordLimits()).isEqualTo(new dev.refdata.ingest.core.csv.RecordLimits(4 << 20, 1 << 20));
        assertThat(RuntimeSettings.from(Map.of("INGEST_MAX_RECORD_BYTES", "64KB")).recordLimits().maxFieldBytes())
                .as("the field limit never exceeds the record limit").isEqualTo(64 << 10);
        assertThatThrownBy(() -> RuntimeSettings.from(Map.of("INGEST_MAX_RECORD_BYTES", "1KB",
                "INGEST_MAX_FIELD_BYTES", "2KB"))).hasMessageContaining("INGEST_MAX_FIELD_BYTES");
    }
}
