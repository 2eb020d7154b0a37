package dev.refdata.ingest.lambda.loader;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refdata.ingest.core.domain.Checkpoint;
import dev.refdata.ingest.core.domain.ChunkCounters;
import dev.refdata.ingest.core.port.in.LoadChunkResult;
import dev.refdata.ingest.core.port.in.LoadChunkResult.BulkRequests;
import dev.refdata.ingest.core.port.in.LoadChunkUseCase;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChunkMetricsTest {

    private static final String INPUT = """
            {"runId":"instruments-2026-11-27-a1b2","chunk":3,"bucket":"feeds","key":"2026-11-27/instruments.csv",
             "start":1000,"end":9000,"firstLine":12,"records":50000,"dataset":"instruments",
             "columns":["isin","ticker"],"index":"instruments-2026-11-27"}""";
    private static final Instant NOW = Instant.parse("2026-11-27T02:31:00Z");
    /** The units the specification allows (CloudWatch's StandardUnit). */
    private static final Set<String> UNITS = Set.of("Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes",
            "Megabytes", "Gigabytes", "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent",
            "Count", "Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second",
            "Bits/Second", "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second",
            "Count/Second", "None");

    private final List<String> emitted = new ArrayList<>();

    /** Resumed at 20,000 records (5 rejected, 7 retries so far); this call read 30,000 in 10 s with 12 bulk requests. */
    private final LoadChunkUseCase useCase = (command, budget) -> new LoadChunkResult(command.key(),
            LoadChunkResult.Outcome.COMPLETED, new ChunkCounters(50_000, 49_900, 80, 5, 15, 10),
            new Checkpoint(500_000, 20_012, new ChunkCounters(20_000, 19_990, 0, 5, 5, 7)), 30_000, 2,
            Duration.ofSeconds(10), new BulkRequests(12, 3_600_000_000L, 900_000_000L));

    private JsonNode invoke(ChunkMetrics.Settings settings) throws IOException {
        ChunkMetrics metrics = new ChunkMetrics(settings, emitted::add, Clock.fixed(NOW, ZoneOffset.UTC));
        new LoaderHandler(useCase, "artifacts", metrics).handleRequest(
                new ByteArrayInputStream(INPUT.getBytes(StandardCharsets.UTF_8)), new ByteArrayOutputStream(),
                new FakeLambdaContext("req-7f3a", "ingest-loader"));
        assertThat(emitted).as("one line per invocation").hasSize(1);
        assertThat(emitted.get(0)).doesNotContain("\n");
        return new ObjectMapper().readTree(emitted.get(0));
    }

    /** The structure the Embedded Metric Format specification requires of a document. */
    private static void assertValidEmf(JsonNode doc) {
        JsonNode aws = doc.get("_aws");
        assertThat(aws.isObject()).isTrue();
        assertThat(aws.get("Timestamp").isIntegralNumber()).as("Timestamp: epoch milliseconds").isTrue();
        JsonNode directives = aws.get("CloudWatchMetrics");
        assertThat(directives.isArray()).isTrue();
        assertThat(directives).isNotEmpty();
        for (JsonNode directive : directives) {
            String namespace = directive.get("Namespace").asText();
            assertThat(namespace).isNotBlank().hasSizeLessThanOrEqualTo(255);
            assertThat(directive.get("Dimensions").isArray()).isTrue();
            for (JsonNode set : directive.get("Dimensions")) {
                assertThat(set.isArray()).isTrue();
                assertThat(set.size()).isLessThanOrEqualTo(30);
                for (JsonNode dimension : set) {
                    assertThat(doc.get(dimension.asText())).as("dimension %s is a root member", dimension).isNotNull();
                    assertThat(doc.get(dimension.asText()).isTextual()).as("dimension values are strings").isTrue();
                }
            }
            Set<String> names = new HashSet<>();
            assertThat(directive.get("Metrics").size()).isBetween(1, 100);
            for (JsonNode metric : directive.get("Metrics")) {
                String name = metric.get("Name").asText();
                assertThat(names.add(name)).as("metric names are unique").isTrue();
                assertThat(UNITS).contains(metric.get("Unit").asText());
                assertThat(doc.get(name)).as("metric %s is a root member", name).isNotNull();
                assertThat(doc.get(name).isNumber()).as("metric %s is a number", name).isTrue();
            }
        }
    }

    @Test
    void aLoadEmitsOneValidEmfLineWithThisInvocationsFigures() throws IOException {
        JsonNode doc = invoke(ChunkMetrics.Settings.from(Map.of()));

        assertValidEmf(doc);
        assertThat(doc.at("/_aws/Timestamp").asLong()).isEqualTo(NOW.toEpochMilli());
        JsonNode directive = doc.at("/_aws/CloudWatchMetrics/0");
        assertThat(directive.get("Namespace").asText()).isEqualTo("RefdataIngest");
        assertThat(directive.get("Dimensions").toString()).isEqualTo("[[\"Dataset\"]]");
        assertThat(doc.get("Dataset").asText()).isEqualTo("instruments");
        assertThat(directive.get("Metrics").toString()).isEqualTo("[{\"Name\":\"Records\",\"Unit\":\"Count\"},"
                + "{\"Name\":\"Rejects\",\"Unit\":\"Count\"},{\"Name\":\"Retries\",\"Unit\":\"Count\"},"
                + "{\"Name\":\"BulkRequests\",\"Unit\":\"Count\"},{\"Name\":\"BulkLatency\",\"Unit\":\"Milliseconds\"},"
                + "{\"Name\":\"BulkLatencyMax\",\"Unit\":\"Milliseconds\"},"
                + "{\"Name\":\"DocumentsPerSecond\",\"Unit\":\"Count/Second\"}]");
        assertThat(doc.get("Records").asLong()).isEqualTo(30_000);
        assertThat(doc.get("Rejects").asLong()).as("this invocation's rejects: 15 - 5").isEqualTo(10);
        assertThat(doc.get("Retries").asLong()).isEqualTo(3);
        assertThat(doc.get("BulkRequests").asLong()).isEqualTo(12);
        assertThat(doc.get("BulkLatency").asDouble()).as("3.6 s over 12 requests").isEqualTo(300.0);
        assertThat(doc.get("BulkLatencyMax").asDouble()).isEqualTo(900.0);
        assertThat(doc.get("DocumentsPerSecond").asDouble()).isEqualTo(3_000.0);
        assertThat(doc.get("runId").asText()).isEqualTo("instruments-2026-11-27-a1b2");
        assertThat(doc.get("chunk").asInt()).isEqualTo(3);
        assertThat(doc.get("requestId").asText()).isEqualTo("req-7f3a");
        assertThat(doc.get("outcome").asText()).isEqualTo("COMPLETED");
    }

    @Test
    void namespaceAndDimensionsAreConfigurable() throws IOException {
        JsonNode doc = invoke(ChunkMetrics.Settings.from(Map.of("INGEST_METRICS_NAMESPACE", "Team/Refdata",
                "INGEST_METRICS_DIMENSIONS", "FunctionName, Dataset,Index")));

        assertValidEmf(doc);
        assertThat(doc.at("/_aws/CloudWatchMetrics/0/Namespace").asText()).isEqualTo("Team/Refdata");
        assertThat(doc.at("/_aws/CloudWatchMetrics/0/Dimensions").toString())
                .isEqualTo("[[\"FunctionName\",\"Dataset\",\"Index\"]]");
        assertThat(doc.get("FunctionName").asText()).isEqualTo("ingest-loader");
        assertThat(doc.get("Index").asText()).isEqualTo("instruments-2026-11-27");
    }

    @Test
    void noDimensionsIsAnEmptyDimensionSet() throws IOException {
        JsonNode doc = invoke(ChunkMetrics.Settings.from(Map.of("INGEST_METRICS_DIMENSIONS", "none")));

        assertValidEmf(doc);
        assertThat(doc.at("/_aws/CloudWatchMetrics/0/Dimensions").toString()).isEqualTo("[[]]");
    }

    @Test
    void badSettingsNameTheVariable() {
        assertThatThrownBy(() -> ChunkMetrics.Settings.from(Map.of("INGEST_METRICS_DIMENSIONS", "Dataset,Chunk")))
                .hasMessageContaining("INGEST_METRICS_DIMENSIONS").hasMessageContaining("'Chunk'");
        assertThatThrownBy(() -> ChunkMetrics.Settings.from(Map.of("INGEST_METRICS_NAMESPACE", "AWS/Lambda")))
                .hasMessageContaining("INGEST_METRICS_NAMESPACE");
        assertThatThrownBy(() -> ChunkMetrics.Settings.from(Map.of("INGEST_METRICS", "yes")))
                .hasMessageContaining("INGEST_METRICS");
        assertThat(ChunkMetrics.Settings.from(Map.of("INGEST_METRICS", "off")).enabled()).isFalse();
    }

    @Test
    void outsideLambdaTheHandlerWritesNoMetrics() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new LoaderHandler(useCase, "artifacts").handleRequest(
                new ByteArrayInputStream(INPUT.getBytes(StandardCharsets.UTF_8)), out, null);

        assertThat(emitted).isEmpty();
        assertThat(new ObjectMapper().readTree(out.toByteArray()).get("done").asBoolean()).isTrue();
    }
}
