package dev.refdata.ingest.cli;

import dev.refdata.ingest.core.domain.RunSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PipelineEndpointsTest {

    @TempDir
    Path dir;

    private PipelineEndpoints resolve(Map<String, String> env, URI openSearchUrl) {
        return PipelineEndpoints.resolve(env, dir, openSearchUrl, new PrintWriter(new StringWriter()));
    }

    @Test
    void withNothingConfiguredRunsAndArtifactsLiveUnderDotIngestInTheWorkingDirectory() {
        try (PipelineEndpoints endpoints = resolve(Map.of(), null)) {
            assertThat(endpoints.stateDirectory()).isEqualTo(dir.resolve(".ingest"));
            assertThat(endpoints.artifactsBucket()).isEqualTo(dir.resolve(".ingest").toString());
            assertThat(endpoints.describe()).containsExactly("artifacts: " + dir.resolve(".ingest"),
                    "runs: SQLite " + dir.resolve(".ingest/runs.db"),
                    "OpenSearch: local node (" + dir.resolve(".ingest/opensearch") + ")");
            assertThat(endpoints.runs().recent(5)).isEmpty();
            assertThat(dir.resolve(".ingest/runs.db")).exists();
        }
    }

    @Test
    void anArtifactsBucketAndAnOpenSearchUrlFromTheEnvironmentAreUsed() {
        try (PipelineEndpoints endpoints = resolve(Map.of("INGEST_ARTIFACTS_BUCKET", "my-artifacts",
                "INGEST_OPENSEARCH_URL", "https://search.example:9200"), null)) {
            assertThat(endpoints.artifactsBucket()).isEqualTo("my-artifacts");
            assertThat(endpoints.describe()).contains("artifacts: s3://my-artifacts",
                    "OpenSearch: https://search.example:9200 (INGEST_OPENSEARCH_URL)");
        }
    }

    @Test
    void theOpenSearchFlagWinsOverTheEnvironment() {
        try (PipelineEndpoints endpoints = resolve(Map.of("INGEST_OPENSEARCH_URL", "http://env:9200"),
                URI.create("http://flag:9200"))) {
            assertThat(endpoints.describe()).contains("OpenSearch: http://flag:9200 (--opensearch-url)");
        }
    }

    @Test
    void anUnreachableOpenSearchIsAnErrorWithTheNextStep() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        URI url = URI.create("http://127.0.0.1:" + closedPort);
        try (PipelineEndpoints endpoints = resolve(Map.of(), url)) {
            assertThatThrownBy(endpoints::openSearch).isInstanceOf(CommandFailedException.class)
                    .hasMessageContaining("OpenSearch at " + url + " is not reachable (connection refused)")
                    .hasMessageContaining("next step: start it, fix --opensearch-url / INGEST_OPENSEARCH_URL");
        }
    }

    @Test
    void aMalformedSettingIsAnErrorNamingTheVariable() {
        assertThatThrownBy(() -> resolve(Map.of("INGEST_BULK_IN_FLIGHT", "many"), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("INGEST_BULK_IN_FLIGHT");
    }

    @Test
    void aLocalFileIsAnObjectOfItsAbsoluteDirectorySoALaterProcessFindsItAgain() throws Exception {
        Path file = Files.createDirectories(dir.resolve("feeds")).resolve("i.csv");
        Files.writeString(file, "isin\n");
        try (PipelineEndpoints endpoints = resolve(Map.of(), null)) {
            RunSource source = endpoints.source(file.toString());

            assertThat(source).isEqualTo(RunSource.object(dir.resolve("feeds").toString(), "i.csv"));
            assertThat(endpoints.source("file:" + file)).isEqualTo(source);
            assertThat(endpoints.objects().describe(new dev.refdata.ingest.core.domain.ObjectRef(source.bucket(),
                    source.key())).size()).isEqualTo(5);
        }
    }

    @Test
    void aLocalDirectoryIsAPrefixAndAnS3UrlEndingInSlashToo() throws Exception {
        Files.createDirectories(dir.resolve("feeds"));
        try (PipelineEndpoints endpoints = resolve(Map.of(), null)) {
            assertThat(endpoints.source(dir.resolve("feeds").toString()))
                    .isEqualTo(RunSource.prefix(dir.resolve("feeds").toString(), ""));
            assertThat(endpoints.source("s3://feeds/daily/")).isEqualTo(RunSource.prefix("feeds", "daily/"));
            assertThat(endpoints.source("s3://feeds/daily/i.csv")).isEqualTo(RunSource.object("feeds", "daily/i.csv"));
        }
    }
}
