package dev.refdata.ingest.adapter.opensearch;

import dev.refdata.ingest.adapter.opensearch.FakeHttpPeer.Received;
import dev.refdata.ingest.adapter.opensearch.OpenSearchClientSettings.AwsService;
import dev.refdata.ingest.adapter.opensearch.OpenSearchClientSettings.SigV4;
import dev.refdata.ingest.core.port.out.SearchSink.BulkBody;
import dev.refdata.ingest.core.port.out.SearchSink.SearchSinkException;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** SigV4 with static test credentials and a fixed clock; nothing leaves the machine. */
class SigV4RequestSignerTest {

    private static final String HOST = "search-refdata-abc123.eu-west-1.es.amazonaws.com";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-02T03:04:05Z"), ZoneOffset.UTC);
    private static final StaticCredentialsProvider CREDENTIALS = StaticCredentialsProvider.create(
            AwsBasicCredentials.create("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));
    private static final byte[] BODY = "{\"index\":{\"_id\":\"1\"}}\n{\"isin\":\"US0378331005\"}\n"
            .getBytes(StandardCharsets.UTF_8);

    @Test
    void aSignedBulkCarriesAnAws4AuthorizationTheDateAndThePayloadHash() throws Exception {
        HttpPost post = bulkRequest();

        signer(AwsService.ES, CREDENTIALS).process(post, post.getEntity(), HttpClientContext.create());

        assertThat(post.getFirstHeader("X-Amz-Date").getValue()).isEqualTo("20250102T030405Z");
        assertThat(post.getFirstHeader("x-amz-content-sha256").getValue()).isEqualTo(sha256(BODY));
        assertThat(post.getFirstHeader("Authorization").getValue())
                .startsWith("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20250102/eu-west-1/es/aws4_request, ")
                .contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date, ")
                .matches(".*Signature=[0-9a-f]{64}$")
                .doesNotContain("wJalrXUtnFEMI");
        assertThat(post.getFirstHeader("X-Amz-Security-Token")).isNull();
    }

    @Test
    void theSignatureCoversTheBody() throws Exception {
        HttpPost first = bulkRequest();
        HttpPost same = bulkRequest();
        HttpPost other = bulkRequest();
        other.setEntity(new ByteArrayEntity("{}\n".getBytes(StandardCharsets.UTF_8), OpenSearchSink.NDJSON));
        SigV4RequestSigner signer = signer(AwsService.ES, CREDENTIALS);

        signer.process(first, first.getEntity(), HttpClientContext.create());
        signer.process(same, same.getEntity(), HttpClientContext.create());
        signer.process(other, other.getEntity(), HttpClientContext.create());

        assertThat(same.getFirstHeader("Authorization").getValue()).isEqualTo(first.getFirstHeader("Authorization").getValue());
        assertThat(other.getFirstHeader("Authorization").getValue()).isNotEqualTo(first.getFirstHeader("Authorization").getValue());
    }

    @Test
    void serverlessCollectionsAreSignedForAossAndTemporaryCredentialsSendTheirToken() throws Exception {
        StaticCredentialsProvider session = StaticCredentialsProvider.create(
                AwsSessionCredentials.create("ASIAEXAMPLE", "secret", "session-token-from-the-lambda-role"));
        HttpGet get = new HttpGet("https://abc123.eu-west-1.aoss.amazonaws.com/instruments/_count");
        get.setHeader("Host", "abc123.eu-west-1.aoss.amazonaws.com");

        signer(AwsService.AOSS, session).process(get, null, HttpClientContext.create());

        assertThat(get.getFirstHeader("Authorization").getValue())
                .contains("Credential=ASIAEXAMPLE/20250102/eu-west-1/aoss/aws4_request")
                .contains("x-amz-security-token");
        assertThat(get.getFirstHeader("X-Amz-Security-Token").getValue()).isEqualTo("session-token-from-the-lambda-role");
        assertThat(get.getFirstHeader("x-amz-content-sha256").getValue()).isEqualTo(sha256(new byte[0]));
    }

    @Test
    void theClientSignsWhatItSendsIncludingTheHostAndTheCompressedBody() throws Exception {
        try (FakeHttpPeer peer = FakeHttpPeer.answering(200,
                "{\"took\":1,\"errors\":false,\"items\":[{\"index\":{\"status\":201}}]}");
             OpenSearchHttpClient client = OpenSearchSinks.create(OpenSearchClientSettings.builder(peer.url())
                     .sigV4("eu-west-1", AwsService.ES).gzip(true).build(), CREDENTIALS, CLOCK)) {

            client.sink().bulk("instruments", new BulkBody(BODY, BODY.length, 1));

            Received request = peer.last();
            assertThat(request.header("Authorization")).startsWith("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/");
            assertThat(request.header("X-Amz-Date")).isEqualTo("20250102T030405Z");
            assertThat(request.header("Content-Encoding")).isEqualTo("gzip");
            assertThat(request.header("x-amz-content-sha256")).isEqualTo(sha256(request.body()));
            assertThat(request.header("Host")).isEqualTo(peer.url().getAuthority());
        }
    }

    @Test
    void credentialsThatCannotBeResolvedFailTheRequestRetryablyWithoutSendingIt() {
        AwsCredentialsProvider unavailable = () -> {
            throw SdkClientException.create("Failed to load credentials from the container credentials endpoint");
        };
        try (FakeHttpPeer peer = FakeHttpPeer.answering(200, "{}");
             OpenSearchHttpClient client = OpenSearchSinks.create(OpenSearchClientSettings.builder(peer.url())
                     .sigV4("eu-west-1", AwsService.ES).build(), unavailable, CLOCK)) {

            SearchSinkException e = catchThrowableOfType(SearchSinkException.class,
                    () -> client.sink().bulk("instruments", new BulkBody(BODY, BODY.length, 1)));

            assertThat(e.status()).isZero();
            assertThat(e.retryable()).isTrue();
            assertThat(e.getMessage()).contains("cannot resolve AWS credentials");
            assertThat(peer.received()).isEmpty();
        }
    }

    private static SigV4RequestSigner signer(AwsService service, StaticCredentialsProvider credentials) {
        return new SigV4RequestSigner(new SigV4("eu-west-1", service), credentials, CLOCK);
    }

    private static HttpPost bulkRequest() {
        HttpPost post = new HttpPost("https://" + HOST + "/instruments/_bulk");
        post.setHeader("Host", HOST);
        post.setEntity(new ByteArrayEntity(BODY, OpenSearchSink.NDJSON));
        return post;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
