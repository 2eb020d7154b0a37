package dev.refdata.ingest.statemachine;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class IngestDefinitionTest {

    @Test
    void thePackagedDefinitionIsTheRepositoryFileItself() throws IOException {
        // the module's base directory is the test's working directory
        assertThat(IngestDefinition.text()).isEqualTo(Files.readString(Path.of("ingest.asl.json")));
    }

    @Test
    void thePackagedDefinitionParsesWithTheLocalSubstitutions() {
        StateMachineDefinition definition = StateMachineDefinition.parse(IngestDefinition.text(), Map.of(
                "ChunkerFunctionArn", "chunker", "LoaderFunctionArn", "loader", "VerifierFunctionArn", "verifier",
                "ArtifactsBucketName", "artifacts"));

        assertThat(definition.boundTaskNames()).containsExactlyInAnyOrder("chunker", "loader", "verifier");
    }
}
