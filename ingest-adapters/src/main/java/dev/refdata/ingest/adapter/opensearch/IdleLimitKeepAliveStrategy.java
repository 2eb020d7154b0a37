package dev.refdata.ingest.adapter.opensearch;

import org.apache.hc.client5.http.ConnectionKeepAliveStrategy;
import org.apache.hc.client5.http.impl.DefaultConnectionKeepAliveStrategy;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.util.TimeValue;

import java.time.Duration;

/**
 * How long a connection may sit idle in the pool after a response: the server's {@code Keep-Alive: timeout=}
 * when it sends a shorter one, else the configured maximum. The pool sets the connection's expiry from this
 * after every response and, when a request asks for a connection, closes expired ones instead of handing them
 * out; that check runs on the requesting thread, so it also holds after a Lambda container was frozen, when no
 * background evictor ran.
 */
final class IdleLimitKeepAliveStrategy implements ConnectionKeepAliveStrategy {

    private final TimeValue maxIdle;

    IdleLimitKeepAliveStrategy(Duration maxIdle) {
        this.maxIdle = TimeValue.ofMilliseconds(maxIdle.toMillis());
    }

    @Override
    public TimeValue getKeepAliveDuration(HttpResponse response, HttpContext context) {
        TimeValue server = DefaultConnectionKeepAliveStrategy.INSTANCE.getKeepAliveDuration(response, context);
        return TimeValue.isNonNegative(server) && server.compareTo(maxIdle) < 0 ? server : maxIdle;
    }
}
