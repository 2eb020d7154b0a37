package dev.refdata.ingest.lambda.loader;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refdata.ingest.adapter.logging.LambdaLogging;
import dev.refdata.ingest.core.domain.Checkpoint;
import dev.refdata.ingest.core.domain.ChunkCounters;
import dev.refdata.ingest.core.port.in.ChunkLoadFailedException;
import dev.refdata.ingest.core.port.in.LoadChunkResult;
import dev.refdata.ingest.core.port.in.LoadChunkUseCase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The loader's logs in Lambda: JSON lines on stdout, each with the request id, the run id and the chunk. */
class LoaderHandlerLoggingTest {

    private static final String INPUT = """
            {"runId":"instruments-2026-11-27-a1b2","chunk":3,"bucket":"feeds","key":"2026-11-27/instruments.csv",
             "start":1000,"end":9000,"firstLine":12,"records":50,"dataset":"instruments",
             "columns":["isin","ticker"],"index":"instruments-2026-11-27"}""";
    /** Stands in for the core's loader, which logs through SLF4J without knowing where the lines go. */
    private static final Logger CORE = LoggerFactory.getLogger("dev.refdata.ingest.core.load.LoadChunkService");

    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private PrintStream original;

    @BeforeEach
    void captureStdout() {
        original = System.out;
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
        LambdaLogging.configure(); // what the Lambda runtime's no-argument constructor does first
    }

    @AfterEach
    void restoreStdout() {
        System.setOut(original);
    }

    private List<JsonNode> lines() throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : stdout.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                lines.add(new ObjectMapper().readTree(line));
            }
        }
        return lines;
    }

    private void invoke(LoadChunkUseCase useCase, String requestId) throws IOException {
        new LoaderHandler(useCase, "artifacts").handleRequest(
                new ByteArrayInputStream(INPUT.getBytes(StandardCharsets.UTF_8)), new ByteArrayOutputStream(),
                new FakeLambdaContext(requestId, "ingest-loader"));
    }

    @Test
    void everyLineOfAnInvocationIsJsonWithRequestIdRunIdAndChunk() throws Exception {
        LoadChunkUseCase useCase = (command, budget) -> {
            CORE.info("chunk {}: attempt 1 from line 12", command.key());
            CORE.warn("retrying 3 items");
            return new LoadChunkResult(command.key(), LoadChunkResult.Outcome.COMPLETED,
                    new ChunkCounters(50, 50, 0, 0, 0, 0), new Checkpoint(1000, 12, ChunkCounters.ZERO), 50, 1,
                    Duration.ofMillis(800));
        };

        invoke(useCase, "req-7f3a");

        List<JsonNode> lines = lines();
        assertThat(lines).hasSizeGreaterThanOrEqualTo(3);
        assertThat(lines).extracting(l -> l.get("message").asText())
                .contains("chunk instruments-2026-11-27-a1b2#3: attempt 1 from line 12", "retrying 3 items");
        assertThat(lines).allSatisfy(line -> {
            assertThat(line.get("requestId").asText()).isEqualTo("req-7f3a");
            assertThat(line.get("runId").asText()).isEqualTo("instruments-2026-11-27-a1b2");
            assertThat(line.get("chunk").asText()).isEqualTo("3");
            assertThat(line.get("level").asText()).isIn("INFO", "WARN");
            assertThat(line.get("time").asText()).isNotBlank();
            assertThat(line.has("logger_name")).isTrue();
            assertThat(line.has("thread_name")).isTrue();
            assertThat(line.has("@version")).as("left out").isFalse();
            assertThat(line.has("level_value")).as("left out").isFalse();
        });
    }

    @Test
    void theNextInvocationCarriesOnlyItsOwnIdsAndAFailureIsLoggedWithThem() throws Exception {
        invoke((command, budget) -> new LoadChunkResult(command.key(), LoadChunkResult.Outcome.COMPLETED,
                ChunkCounters.ZERO, null, 0, 1, Duration.ZERO), "req-1");
        stdout.reset();

        assertThatThrownBy(() -> invoke((command, budget) -> {
            throw new ChunkLoadFailedException("read 49 records but the plan counted 50", false, null);
        }, "req-2")).isInstanceOf(LoaderErrors.PermanentLoadFailure.class);

        List<JsonNode> lines = lines();
        assertThat(lines).extracting(l -> l.get("requestId").asText()).containsOnly("req-2");
        assertThat(lines).anySatisfy(l -> {
            assertThat(l.get("level").asText()).isEqualTo("ERROR");
            assertThat(l.get("message").asText()).contains("read 49 records");
        });
        CORE.info("between invocations");
        assertThat(lines().get(lines().size() - 1).has("requestId")).as("cleared after the invocation").isFalse();
    }
}
