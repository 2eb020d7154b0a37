package dev.refdata.ingest.adapter.opensearch;

import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.message.BasicHttpResponse;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class IdleLimitKeepAliveStrategyTest {

    private final IdleLimitKeepAliveStrategy strategy = new IdleLimitKeepAliveStrategy(Duration.ofSeconds(30));

    @Test
    void withoutAServerTimeoutAConnectionMayIdleForTheConfiguredMaximum() {
        assertThat(keepAlive(new BasicHttpResponse(200))).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void aShorterServerTimeoutWins() {
        assertThat(keepAlive(withKeepAlive("timeout=5"))).isEqualTo(Duration.ofSeconds(5));
        assertThat(keepAlive(withKeepAlive("timeout=0"))).isEqualTo(Duration.ZERO);
    }

    @Test
    void aLongerServerTimeoutIsCappedAtTheConfiguredMaximum() {
        assertThat(keepAlive(withKeepAlive("timeout=600, max=1000"))).isEqualTo(Duration.ofSeconds(30));
    }

    private Duration keepAlive(BasicHttpResponse response) {
        return Duration.ofMillis(strategy.getKeepAliveDuration(response, HttpClientContext.create()).toMilliseconds());
    }

    private static BasicHttpResponse withKeepAlive(String value) {
        BasicHttpResponse response = new BasicHttpResponse(200);
        response.addHeader("Keep-Alive", value);
        return response;
    }
}
