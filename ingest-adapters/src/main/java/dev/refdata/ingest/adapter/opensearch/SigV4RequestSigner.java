package dev.refdata.ingest.adapter.opensearch;

import dev.refdata.ingest.adapter.opensearch.OpenSearchClientSettings.SigV4;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpRequestInterceptor;
import org.apache.hc.core5.http.ProtocolException;
import org.apache.hc.core5.http.protocol.HttpContext;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Signs every request with AWS Signature Version 4 as the last request interceptor, after HttpClient has set
 * {@code Host}, so that the signed host is the one sent.
 *
 * <p>Signed are {@code host}, {@code x-amz-date}, {@code x-amz-content-sha256} and, with temporary credentials,
 * {@code x-amz-security-token}; not the headers a proxy may rewrite ({@code Content-Length},
 * {@code Accept-Encoding}, {@code Connection}, {@code User-Agent}).
 *
 * <p>The payload is signed (its SHA-256 goes into the signature and into {@code x-amz-content-sha256}) rather
 * than sent as {@code UNSIGNED-PAYLOAD}: the body is already in memory, so hashing it is one pass over bytes
 * about to be written anyway; Amazon OpenSearch Serverless requires {@code x-amz-content-sha256} on requests
 * with a body, and a signed hash also works with managed domains, so one setting serves both; and a body
 * damaged on the way is refused instead of indexed.
 */
final class SigV4RequestSigner implements HttpRequestInterceptor {

    private static final Set<String> SIGNING_HEADERS = Set.of(
            "authorization", "x-amz-date", "x-amz-content-sha256", "x-amz-security-token");

    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
    private final AwsCredentialsProvider credentials;
    private final String region;
    private final String signingName;
    private final Clock clock;

    SigV4RequestSigner(SigV4 sigV4, AwsCredentialsProvider credentials, Clock clock) {
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.region = sigV4.region();
        this.signingName = sigV4.service().signingName();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void process(HttpRequest request, EntityDetails entityDetails, HttpContext context)
            throws HttpException, IOException {
        URI uri;
        try {
            uri = request.getUri();
        } catch (URISyntaxException e) {
            throw new ProtocolException("cannot sign a request without a valid URI: " + e.getMessage(), e);
        }
        SdkHttpRequest.Builder unsigned = SdkHttpRequest.builder()
                .uri(uri)
                .method(SdkHttpMethod.fromValue(request.getMethod()));
        Header host = request.getFirstHeader(HttpHeaders.HOST);
        if (host != null) {
            unsigned.putHeader("Host", host.getValue());
        }
        HttpEntity entity = request instanceof ClassicHttpRequest classic ? classic.getEntity() : null;
        AwsCredentialsIdentity identity;
        try {
            identity = credentials.resolveCredentials();
        } catch (SdkClientException e) {
            // e.g. the container credentials endpoint did not answer in time: worth another attempt later
            throw new IOException("cannot resolve AWS credentials to sign the request: " + e.getMessage(), e);
        }
        SignedRequest signed;
        try {
            signed = signer.sign(r -> r
                    .identity(identity)
                    .request(unsigned.build())
                    .payload(entity == null ? null : payload(entity))
                    .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, signingName)
                    .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                    .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, true)
                    .putProperty(HttpSigner.SIGNING_CLOCK, clock));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        for (Map.Entry<String, List<String>> header : signed.request().headers().entrySet()) {
            if (SIGNING_HEADERS.contains(header.getKey().toLowerCase(Locale.ROOT)) && !header.getValue().isEmpty()) {
                request.setHeader(header.getKey(), header.getValue().get(0));
            }
        }
    }

    private static ContentStreamProvider payload(HttpEntity entity) {
        if (!entity.isRepeatable()) {
            throw new IllegalStateException("SigV4 needs a repeatable request body to hash before sending it");
        }
        return () -> {
            try {
                InputStream content = entity.getContent();
                return content != null ? content : InputStream.nullInputStream();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }
}
