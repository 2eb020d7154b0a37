package dev.refdata.ingest.adapter.s3;

import dev.refdata.ingest.adapter.s3.S3ClientSettings.StaticCredentials;
import dev.refdata.ingest.core.domain.ByteRange;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class S3ClientSettingsTest {

    @Test
    void aLocalEndpointCarriesItsEndpointAndCredentials() {
        S3ClientSettings settings = S3ClientSettings.forLocalEndpoint("us-east-1", URI.create("http://127.0.0.1:9000"),
                new StaticCredentials("key", "secret"));

        assertThat(settings.isLocalEndpoint()).isTrue();
        assertThat(settings.endpoint()).contains(URI.create("http://127.0.0.1:9000"));
        assertThat(settings.connectionMaxIdleTime()).isLessThan(Duration.ofSeconds(60));
        assertThat(S3ClientSettings.forRegion("eu-west-1").isLocalEndpoint()).isFalse();
    }

    @Test
    void anIdleTimeNearS3sOwnIsRejected() {
        assertThatThrownBy(() -> new S3ClientSettings("eu-west-1", null, null, 8, Duration.ofSeconds(60),
                Duration.ofSeconds(1), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("connectionMaxIdleTime");
    }

    @Test
    void theSecretNeverShowsInToString() {
        assertThat(new StaticCredentials("AKIAEXAMPLE", "very-secret").toString())
                .contains("AKIAEXAMPLE")
                .doesNotContain("very-secret");
    }

    @Test
    void aHalfOpenRangeBecomesAnInclusiveHttpRange() {
        assertThat(S3ObjectStore.httpRange(new ByteRange(0, 1))).isEqualTo("bytes=0-0");
        assertThat(S3ObjectStore.httpRange(new ByteRange(100, 250))).isEqualTo("bytes=100-249");
    }
}
