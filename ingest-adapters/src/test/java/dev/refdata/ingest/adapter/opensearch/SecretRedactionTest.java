package dev.refdata.ingest.adapter.opensearch;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SecretRedactionTest {

    @Test
    void aSigV4AuthorizationIsBlankedWholeKeepingItsScheme() {
        String text = "Authorization: AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20261127/us-east-1/es/aws4_request, "
                + "SignedHeaders=host;x-amz-date, Signature=0123456789abcdef0123456789abcdef";

        assertThat(SecretRedaction.redact(text)).isEqualTo("Authorization: AWS4-HMAC-SHA256 [redacted]")
                .doesNotContain("AKIAEXAMPLE").doesNotContain("0123456789abcdef");
    }

    @Test
    void signedHeaderValuesAreBlankedInEveryWayTheyAreWritten() {
        assertThat(SecretRedaction.redact("x-amz-security-token:FwoGZXIvYXdzEXAMPLE\nhost:search"))
                .isEqualTo("x-amz-security-token:[redacted]\nhost:search");
        assertThat(SecretRedaction.redact("X-Amz-Security-Token: FwoGZXIv more"))
                .isEqualTo("X-Amz-Security-Token: [redacted] more");
        assertThat(SecretRedaction.redact("?X-Amz-Signature=abc123&X-Amz-Credential=AKIA%2F2026"))
                .isEqualTo("?X-Amz-Signature=[redacted]&X-Amz-Credential=[redacted]");
        assertThat(SecretRedaction.redact("{\"password\":\"hunter2\"}")).isEqualTo("{\"password\":\"[redacted]\"}");
    }

    @Test
    void basicAndBearerCredentialsAreBlanked() {
        assertThat(SecretRedaction.redact("Authorization: Basic YWRtaW46c2VjcmV0")).isEqualTo(
                "Authorization: Basic [redacted]");
        assertThat(SecretRedaction.redact("got Bearer eyJhbGciOi.x.y")).isEqualTo("got Bearer [redacted]");
    }

    @Test
    void theUserInfoOfAUrlIsBlankedAndTheHostKept() {
        assertThat(SecretRedaction.redact("cannot reach https://admin:pw@search.example.com:9200/_bulk"))
                .isEqualTo("cannot reach https://[redacted]@search.example.com:9200/_bulk");
    }

    @Test
    void textWithoutSecretsIsUnchanged() {
        String text = "index_not_found_exception: no such index [instruments-20261127] (HTTP 404)";

        assertThat(SecretRedaction.redact(text)).isEqualTo(text);
        assertThat(SecretRedaction.redact(null)).isNull();
    }
}
