package dev.refdata.ingest.adapter.opensearch;

import dev.refdata.ingest.adapter.opensearch.OpenSearchClientSettings.AwsService;
import dev.refdata.ingest.adapter.opensearch.OpenSearchClientSettings.Basic;
import dev.refdata.ingest.adapter.opensearch.OpenSearchClientSettings.None;
import dev.refdata.ingest.adapter.opensearch.OpenSearchClientSettings.SigV4;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OpenSearchClientSettingsTest {

    private static final URI URL = URI.create("https://search-refdata.eu-west-1.es.amazonaws.com");

    @Test
    void theDefaultsKeepIdleConnectionsWellUnderALoadBalancersTimeoutAndVerifyTls() {
        OpenSearchClientSettings settings = OpenSearchClientSettings.builder(URL).build();

        assertThat(settings.urls()).containsExactly(URL);
        assertThat(settings.authentication()).isEqualTo(None.INSTANCE);
        assertThat(settings.maxIdleTime()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.timeToLive()).isEqualTo(Duration.ofMinutes(5));
        assertThat(settings.connectTimeout()).isPositive();
        assertThat(settings.responseTimeout()).isPositive();
        assertThat(settings.maxConnections()).isEqualTo(OpenSearchClientSettings.DEFAULT_MAX_CONNECTIONS);
        assertThat(settings.insecureTrustAll()).isFalse();
        assertThat(settings.gzip()).isFalse();
        assertThat(settings.backgroundEviction()).isFalse();
    }

    @Test
    void sigV4IsWhatTheSettingsSayNotWhatTheHostNameSuggests() {
        OpenSearchClientSettings plain = OpenSearchClientSettings.builder(URL).build();
        OpenSearchClientSettings signed = OpenSearchClientSettings.builder(URL).sigV4("eu-west-1", AwsService.ES).build();
        OpenSearchClientSettings serverless = OpenSearchClientSettings
                .builder(URI.create("https://abc123.eu-west-1.aoss.amazonaws.com"))
                .sigV4("eu-west-1", AwsService.AOSS).build();

        assertThat(plain.authentication()).isEqualTo(None.INSTANCE);
        assertThat(signed.authentication()).isEqualTo(new SigV4("eu-west-1", AwsService.ES));
        assertThat(((SigV4) serverless.authentication()).service().signingName()).isEqualTo("aoss");
        assertThat(AwsService.ES.signingName()).isEqualTo("es");
    }

    @Test
    void aUrlWithCredentialsIsRefusedWithoutRepeatingThem() {
        assertThatThrownBy(() -> OpenSearchClientSettings.builder(URI.create("https://admin:s3cret@localhost:9200")).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("user info")
                .hasMessageNotContaining("s3cret")
                .hasMessageNotContaining("admin");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://localhost:9200", "localhost:9200", "http://localhost:9200/prefix",
            "http://localhost:9200?pretty", "http://localhost:9200#x", "http:///path"})
    void aUrlMustBeSchemeHostAndPortOnly(String url) {
        assertThatThrownBy(() -> OpenSearchClientSettings.builder(URI.create(url)).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aTrailingSlashIsAcceptedAndSeveralUrlsAreKeptInOrder() {
        List<URI> urls = List.of(URI.create("http://10.0.0.1:9200/"), URI.create("http://10.0.0.2:9200"));

        assertThat(OpenSearchClientSettings.builder(urls).build().urls()).isEqualTo(urls);
        assertThatThrownBy(() -> OpenSearchClientSettings.builder(List.of()).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anIdleTimeNearALoadBalancersOwnIsRefused() {
        assertThatThrownBy(() -> OpenSearchClientSettings.builder(URL).maxIdleTime(Duration.ofSeconds(60)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxIdleTime");
        assertThat(OpenSearchClientSettings.builder(URL).maxIdleTime(Duration.ofSeconds(50)).build().maxIdleTime())
                .isEqualTo(Duration.ofSeconds(50));
    }

    @Test
    void durationsMustBePositiveAndTheTimeToLiveNoShorterThanTheIdleTime() {
        assertThatThrownBy(() -> OpenSearchClientSettings.builder(URL).maxIdleTime(Duration.ZERO).build())
                .hasMessageContaining("maxIdleTime");
        assertThatThrownBy(() -> OpenSearchClientSettings.builder(URL).connectTimeout(Duration.ofSeconds(-1)).build())
                .hasMessageContaining("connectTimeout");
        assertThatThrownBy(() -> OpenSearchClientSettings.builder(URL).responseTimeout(null).build())
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> OpenSearchClientSettings.builder(URL).timeToLive(Duration.ofSeconds(10)).build())
                .hasMessageContaining("timeToLive");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 1025})
    void thePoolSizeIsBounded(int maxConnections) {
        assertThatThrownBy(() -> OpenSearchClientSettings.builder(URL).maxConnections(maxConnections).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxConnections");
    }

    @Test
    void basicAuthNeverShowsItsPassword() {
        OpenSearchClientSettings settings = OpenSearchClientSettings.builder(URL).basicAuth("loader", "pa55word").build();

        assertThat(settings.authentication()).isEqualTo(new Basic("loader", "pa55word"));
        assertThat(settings.toString()).contains("loader").doesNotContain("pa55word");
        assertThatThrownBy(() -> new Basic("a:b", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Basic(" ", "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sigV4NeedsARegionAndAService() {
        assertThatThrownBy(() -> new SigV4(" ", AwsService.ES)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SigV4("eu-west-1", null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void withersChangeOnlyTheirOwnComponent() {
        OpenSearchClientSettings settings = OpenSearchClientSettings.builder(URL).basicAuth("u", "p").build();

        OpenSearchClientSettings changed = settings.withGzip(true).withMaxConnections(64);

        assertThat(changed.gzip()).isTrue();
        assertThat(changed.maxConnections()).isEqualTo(64);
        assertThat(changed.withGzip(false).withMaxConnections(settings.maxConnections())).isEqualTo(settings);
    }
}
