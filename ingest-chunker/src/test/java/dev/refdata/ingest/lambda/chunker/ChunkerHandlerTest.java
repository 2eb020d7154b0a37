package dev.refdata.ingest.lambda.chunker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refdata.ingest.adapter.local.LocalObjectStores;
import dev.refdata.ingest.core.port.in.InvalidSourceException;
import dev.refdata.ingest.core.sample.InstrumentSampleGenerator;
import dev.refdata.ingest.core.sample.SampleOptions;
import dev.refdata.ingest.core.service.PlanChunksService;
import dev.refdata.ingest.core.spec.DatasetCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChunkerHandlerTest {

    @TempDir
    Path root;

    private JsonNode invoke(String input) throws IOException {
        ChunkerHandler handler = new ChunkerHandler(
                new PlanChunksService(LocalObjectStores.rootedAt(root), DatasetCatalog.builtIn()), 64 * 1024);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out, null);
        return new ObjectMapper().readTree(out.toByteArray());
    }

    @Test
    void plansAnObjectAndAnswersWithRecordExactChunks() throws IOException {
        Files.createDirectories(root.resolve("feeds/2026-11-27"));
        var summary = InstrumentSampleGenerator.write(root.resolve("feeds/2026-11-27/instruments.csv"),
                SampleOptions.builder().records(5_000).build());

        JsonNode out = invoke("{\"bucket\":\"feeds\",\"key\":\"2026-11-27/instruments.csv\"}");

        assertThat(out.get("dataset").asText()).isEqualTo("instruments");
        assertThat(out.get("records").asLong()).isEqualTo(summary.records());
        assertThat(out.get("objectSize").asLong()).isEqualTo(summary.bytes());
        assertThat(out.get("header")).hasSize(12);
        long sum = 0;
        long expectedStart = out.get("chunks").get(0).get("start").asLong();
        for (JsonNode chunk : out.get("chunks")) {
            assertThat(chunk.get("start").asLong()).isEqualTo(expectedStart);
            expectedStart = chunk.get("end").asLong();
            sum += chunk.get("records").asLong();
        }
        assertThat(sum).isEqualTo(summary.records());
        assertThat(out.get("chunks").size()).as("64 KiB chunks of a ~650 KB file").isGreaterThan(5);
    }

    @Test
    void theChunkSizeCanBeChosenPerInvocation() throws IOException {
        Files.createDirectories(root.resolve("feeds"));
        InstrumentSampleGenerator.write(root.resolve("feeds/i.csv"), SampleOptions.builder().records(1_000).build());

        JsonNode out = invoke("{\"bucket\":\"feeds\",\"key\":\"i.csv\",\"targetChunkBytes\":1000000000}");

        assertThat(out.get("chunks")).hasSize(1);
    }

    @Test
    void aMissingObjectIsAnErrorNamingIt() {
        assertThatThrownBy(() -> invoke("{\"bucket\":\"feeds\",\"key\":\"nope.csv\"}"))
                .isInstanceOf(InvalidSourceException.class)
                .hasMessage("feeds/nope.csv: no such object");
    }

    @Test
    void anInputWithoutKeyOrWithUnknownFieldsIsRefused() {
        assertThatThrownBy(() -> invoke("{\"bucket\":\"feeds\"}")).hasMessageContaining("\"bucket\" and \"key\"");
        assertThatThrownBy(() -> invoke("{\"bucket\":\"feeds\",\"key\":\"k\",\"chunkSize\":5}"))
                .hasMessageContaining("chunkSize");
    }
}
