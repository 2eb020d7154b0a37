package dev.refdata.ingest.lambda.loader;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refdata.ingest.core.domain.Checkpoint;
import dev.refdata.ingest.core.domain.ChunkCounters;
import dev.refdata.ingest.core.port.in.ChunkBusyException;
import dev.refdata.ingest.core.port.in.ChunkLoadFailedException;
import dev.refdata.ingest.core.port.in.LoadChunkCommand;
import dev.refdata.ingest.core.port.in.LoadChunkResult;
import dev.refdata.ingest.core.port.in.LoadChunkUseCase;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoaderHandlerTest {

    private static final String INPUT = """
            {"runId":"instruments-2026-11-27-a1b2","chunk":3,"bucket":"feeds","key":"2026-11-27/instruments.csv",
             "start":1000,"end":9000,"firstLine":12,"records":50,"dataset":"instruments",
             "columns":["isin","ticker"],"index":"instruments-2026-11-27"}""";

    private final AtomicReference<LoadChunkCommand> received = new AtomicReference<>();

    private JsonNode invoke(LoadChunkUseCase useCase, String input) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new LoaderHandler(useCase, "artifacts")
                .handleRequest(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out, null);
        return new ObjectMapper().readTree(out.toByteArray());
    }

    private LoadChunkUseCase answering(LoadChunkResult.Outcome outcome) {
        return (command, budget) -> {
            received.set(command);
            return new LoadChunkResult(command.key(), outcome, new ChunkCounters(50, 47, 1, 1, 1, 3),
                    new Checkpoint(1000, 12, ChunkCounters.ZERO), 50, 1, Duration.ofMillis(1234));
        };
    }

    @Test
    void mapsTheInputToACommandAndTheResultToJson() throws IOException {
        JsonNode out = invoke(answering(LoadChunkResult.Outcome.COMPLETED), INPUT);

        LoadChunkCommand command = received.get();
        assertThat(command.key().run().value()).isEqualTo("instruments-2026-11-27-a1b2");
        assertThat(command.key().chunk()).isEqualTo(3);
        assertThat(command.object().key()).isEqualTo("2026-11-27/instruments.csv");
        assertThat(command.range().start()).isEqualTo(1000);
        assertThat(command.range().end()).isEqualTo(9000);
        assertThat(command.rejectsBucket()).isEqualTo("artifacts");
        assertThat(command.owner()).isNotBlank();
        assertThat(out.get("done").asBoolean()).isTrue();
        assertThat(out.get("outcome").asText()).isEqualTo("COMPLETED");
        assertThat(out.at("/counters/indexed").asLong()).isEqualTo(47);
        assertThat(out.at("/counters/retries").asLong()).isEqualTo(3);
        assertThat(out.get("resumedFromLine").asLong()).isEqualTo(12);
    }

    @Test
    void aPartialLoadAnswersDoneFalseSoTheStateMachineCallsAgain() throws IOException {
        assertThat(invoke(answering(LoadChunkResult.Outcome.PARTIAL), INPUT).get("done").asBoolean()).isFalse();
    }

    @Test
    void failuresBecomeDistinctErrorTypes() {
        assertThatThrownBy(() -> invoke((c, b) -> {
            throw new ChunkBusyException(c.key(), "other", Instant.EPOCH);
        }, INPUT)).isInstanceOf(LoaderErrors.ChunkBusy.class);
        assertThatThrownBy(() -> invoke((c, b) -> {
            throw new ChunkLoadFailedException("3 bulk items still failing", true, null);
        }, INPUT)).isInstanceOf(LoaderErrors.RetryableLoadFailure.class).hasMessage("3 bulk items still failing");
        assertThatThrownBy(() -> invoke((c, b) -> {
            throw new ChunkLoadFailedException("read 49 records but the plan counted 50", false, null);
        }, INPUT)).isInstanceOf(LoaderErrors.PermanentLoadFailure.class);
    }

    @Test
    void anIncompleteInputIsAPermanentFailureNamingWhatIsNeeded() {
        assertThatThrownBy(() -> invoke(answering(LoadChunkResult.Outcome.COMPLETED), "{\"runId\":\"r1\"}"))
                .isInstanceOf(LoaderErrors.PermanentLoadFailure.class)
                .hasMessageContaining("needs runId, chunk, bucket, key");
    }
}
