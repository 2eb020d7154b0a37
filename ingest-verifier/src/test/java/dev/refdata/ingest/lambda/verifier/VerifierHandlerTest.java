package dev.refdata.ingest.lambda.verifier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refdata.ingest.core.domain.ChunkCounters;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.domain.RunStatus;
import dev.refdata.ingest.core.port.in.VerifyRunCommand;
import dev.refdata.ingest.core.port.in.VerifyRunResult;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VerifierHandlerTest {

    private final AtomicReference<VerifyRunCommand> received = new AtomicReference<>();

    private JsonNode invoke(RunStatus status, String reason, String input) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new VerifierHandler(command -> {
            received.set(command);
            return new VerifyRunResult(command.run(), status, reason, new ChunkCounters(10, 8, 1, 1, 0, 2),
                    new ObjectRef("artifacts", "reports/" + command.run() + "/execution-001.json"));
        }).handleRequest(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out, null);
        return new ObjectMapper().readTree(out.toByteArray());
    }

    @Test
    void theRunIdIsEnoughAndTheDefaultsAreStrict() throws IOException {
        JsonNode out = invoke(RunStatus.SUCCEEDED, null, "{\"runId\":\"instruments-20261127-full-0a1b2c3d\"}");

        assertThat(received.get().maxRejects()).isZero();
        assertThat(received.get().sampleSize()).isEqualTo(100);
        assertThat(out.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(out.at("/totals/indexed").asLong()).isEqualTo(8);
        assertThat(out.get("reportKey").asText()).endsWith("execution-001.json");
    }

    @Test
    void aFailedVerificationIsAnAnswerWithItsReasonNotAnError() throws IOException {
        JsonNode out = invoke(RunStatus.FAILED, "every chunk completed: #3 FAILED",
                "{\"runId\":\"r1\",\"maxRejects\":10,\"retention\":2}");

        assertThat(out.get("status").asText()).isEqualTo("FAILED");
        assertThat(out.get("reason").asText()).isEqualTo("every chunk completed: #3 FAILED");
        assertThat(received.get().maxRejects()).isEqualTo(10);
        assertThat(received.get().retention()).isEqualTo(2);
    }

    @Test
    void anInputWithoutRunIdIsRefused() {
        assertThatThrownBy(() -> invoke(RunStatus.SUCCEEDED, null, "{}")).hasMessageContaining("runId");
    }
}
