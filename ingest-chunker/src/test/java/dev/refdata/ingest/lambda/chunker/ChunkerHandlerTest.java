package dev.refdata.ingest.lambda.chunker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.domain.RunId;
import dev.refdata.ingest.core.domain.RunMode;
import dev.refdata.ingest.core.domain.RunStatus;
import dev.refdata.ingest.core.port.in.InvalidSourceException;
import dev.refdata.ingest.core.port.in.PlanRunCommand;
import dev.refdata.ingest.core.port.in.PlanRunResult;
import dev.refdata.ingest.core.port.in.PlanRunUseCase;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChunkerHandlerTest {

    private final AtomicReference<PlanRunCommand> received = new AtomicReference<>();
    private final PlanRunUseCase answering = command -> {
        received.set(command);
        RunId id = command.rerunOf() != null ? command.rerunOf() : new RunId("instruments-20261127-full-0a1b2c3d");
        return new PlanRunResult(id, RunStatus.RUNNING, true,
                new ObjectRef("artifacts", "manifests/" + id + "/execution-001.json"), 12, 1_000_000,
                "instruments-20261127-0a1b2c3d", "instruments", 1);
    };

    private JsonNode invoke(PlanRunUseCase useCase, String input) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new ChunkerHandler(useCase).handleRequest(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                out, null);
        return new ObjectMapper().readTree(out.toByteArray());
    }

    @Test
    void aScheduledInputBecomesAPlanRunCommandAndTheResultASmallPayload() throws IOException {
        JsonNode out = invoke(answering, """
                {"bucket":"feeds","prefix":"2026-11-27/","mode":"full","scheduledTime":"2026-11-27T01:00:00Z"}""");

        PlanRunCommand command = received.get();
        assertThat(command.source().prefix()).isEqualTo("2026-11-27/");
        assertThat(command.mode()).isEqualTo(RunMode.FULL);
        assertThat(command.dataset()).isEqualTo("instruments");
        assertThat(command.scheduledTime()).isEqualTo(Instant.parse("2026-11-27T01:00:00Z"));
        assertThat(command.businessDate()).isNull();
        assertThat(out.get("runId").asText()).isEqualTo("instruments-20261127-full-0a1b2c3d");
        assertThat(out.at("/manifest/bucket").asText()).isEqualTo("artifacts");
        assertThat(out.at("/manifest/key").asText()).endsWith("execution-001.json");
        assertThat(out.get("chunkCount").asInt()).isEqualTo(12);
        assertThat(out.get("targetIndex").asText()).isEqualTo("instruments-20261127-0a1b2c3d");
    }

    @Test
    void aRerunNeedsOnlyTheRunId() throws IOException {
        invoke(answering, "{\"rerunOf\":\"instruments-20261127-full-0a1b2c3d\"}");

        assertThat(received.get().rerunOf().value()).isEqualTo("instruments-20261127-full-0a1b2c3d");
    }

    @Test
    void aDeltaOnAGivenDateIsTheDefaultMode() throws IOException {
        invoke(answering, "{\"bucket\":\"feeds\",\"key\":\"a.csv\",\"businessDate\":\"2026-11-27\"}");

        assertThat(received.get().mode()).isEqualTo(RunMode.DELTA);
        assertThat(received.get().businessDate()).isEqualTo(LocalDate.of(2026, 11, 27));
    }

    @Test
    void badInputIsAnInvalidRunInputThatSaysWhatIsWrong() {
        assertThatThrownBy(() -> invoke(answering, "{\"bucket\":\"feeds\"}"))
                .isInstanceOf(ChunkerHandler.InvalidRunInput.class).hasMessageContaining("either \"key\" or \"prefix\"");
        assertThatThrownBy(() -> invoke(answering, "{\"bucket\":\"feeds\",\"key\":\"a\",\"mode\":\"partial\"}"))
                .isInstanceOf(ChunkerHandler.InvalidRunInput.class).hasMessageContaining("unknown mode 'partial'");
        assertThatThrownBy(() -> invoke(answering, "{\"bucket\":\"feeds\",\"key\":\"a\",\"businessDate\":\"27.11.2026\"}"))
                .isInstanceOf(ChunkerHandler.InvalidRunInput.class);
        assertThatThrownBy(() -> invoke(command -> {
            throw new InvalidSourceException(new ObjectRef("feeds", "a.csv"), 1, "header does not match", null);
        }, "{\"bucket\":\"feeds\",\"key\":\"a.csv\"}")).isInstanceOf(ChunkerHandler.InvalidRunInput.class)
                .hasMessage("feeds/a.csv, line 1: header does not match");
    }
}
