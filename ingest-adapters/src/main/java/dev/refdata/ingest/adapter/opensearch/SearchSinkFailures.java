package dev.refdata.ingest.adapter.opensearch;

import dev.refdata.ingest.core.port.out.SearchSink.SearchSinkException;
import org.apache.hc.client5.http.ClientProtocolException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.HttpHostConnectException;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.ConnectionRequestTimeoutException;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.TruncatedChunkException;

import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;

/**
 * Turns what went wrong with a whole request into a {@link SearchSinkException} that says whether sending the
 * same request again may succeed.
 *
 * <p>Retryable: 429 (the cluster sheds load), 502/503/504 (a proxy or the cluster is briefly unavailable), and
 * transport failures (refused or reset connections, a peer that closed without answering, timeouts, an
 * exhausted pool, a DNS hiccup). Not retryable: every other status (400 malformed request, 401/403
 * credentials, 404 missing index, 413 body too large: the same request fails the same way), TLS certificate
 * failures, protocol violations, and an interrupted thread.
 *
 * <p>Messages name the action and the node's origin ({@code scheme://host:port}) and, when the response had a
 * body, the server's error type and reason; never a credential (URLs with user info are refused when the
 * settings are built, and authorization headers never reach a message).
 */
final class SearchSinkFailures {

    private SearchSinkFailures() {
    }

    static boolean isRetryableStatus(int status) {
        return status == 429 || status == 502 || status == 503 || status == 504;
    }

    /** The server answered {@code status} to the whole request. */
    static SearchSinkException forStatus(String action, int status, ServerError error) {
        return new SearchSinkException(status, isRetryableStatus(status),
                action + " failed: HTTP " + status + " " + error.describe(), null);
    }

    /**
     * No (complete) response arrived. On an interrupted thread the failure is not retryable, and the interrupt
     * flag stays set (HttpClient sets it again when it turns an interrupt into an exception).
     */
    static SearchSinkException forTransport(String action, IOException e) {
        String what = e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + SecretRedaction.redact(e.getMessage()));
        if (Thread.currentThread().isInterrupted()) {
            return new SearchSinkException(0, false, action + " interrupted: " + what, e);
        }
        boolean retryable = isRetryableTransportFailure(e);
        return new SearchSinkException(0, retryable, action + " failed without a response: " + what, e);
    }

    /** A response the sink cannot read; sending the request again will not make it readable. */
    static SearchSinkException unreadable(String action, int status, String problem, Throwable cause) {
        return new SearchSinkException(status, false, action + ": unreadable response (HTTP " + status + "): "
                + SecretRedaction.redact(problem), cause);
    }

    static boolean isRetryableTransportFailure(IOException e) {
        if (hasCause(e, CertificateException.class) || hasCause(e, SSLPeerUnverifiedException.class)
                || e instanceof SSLHandshakeException && !hasCause(e, SocketException.class)) {
            return false;
        }
        if (e instanceof ClientProtocolException) {
            return false;
        }
        return e instanceof NoHttpResponseException
                || e instanceof ConnectionClosedException
                || e instanceof TruncatedChunkException
                || e instanceof HttpHostConnectException
                || e instanceof ConnectTimeoutException
                || e instanceof ConnectionRequestTimeoutException
                || e instanceof SocketTimeoutException
                || e instanceof SocketException
                || e instanceof UnknownHostException
                || e.getClass() == IOException.class
                || hasCause(e, SocketException.class);
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
