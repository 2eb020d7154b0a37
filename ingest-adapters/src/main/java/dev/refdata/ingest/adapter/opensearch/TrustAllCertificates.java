package dev.refdata.ingest.adapter.opensearch;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.security.cert.X509Certificate;

/**
 * A trust manager that accepts every certificate, for {@link OpenSearchClientSettings#insecureTrustAll()} only.
 * It is an {@link X509ExtendedTrustManager} so that the JDK does not wrap it and check the host name after all.
 */
final class TrustAllCertificates extends X509ExtendedTrustManager {

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        // trusts everything, by design
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        // trusts everything, by design
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        // trusts everything, by design
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        // trusts everything, by design
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
        // trusts everything, by design
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
        // trusts everything, by design
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
