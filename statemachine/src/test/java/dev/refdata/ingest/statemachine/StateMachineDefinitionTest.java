package dev.refdata.ingest.statemachine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StateMachineDefinitionTest {

    static final Map<String, String> SUBSTITUTIONS = Map.of(
            "ChunkerFunctionArn", "chunker",
            "LoaderFunctionArn", "loader",
            "VerifierFunctionArn", "verifier",
            "ArtifactsBucketName", "artifacts");

    static String ingestDefinition() throws IOException {
        return Files.readString(Path.of("ingest.asl.json"));
    }

    private static String machine(String states) {
        return "{\"StartAt\":\"A\",\"States\":{" + states + "}}";
    }

    @Test
    void theIngestDefinitionIsSupportedAndNamesItsThreeFunctions() throws IOException {
        StateMachineDefinition definition = StateMachineDefinition.parse(ingestDefinition(), SUBSTITUTIONS);

        assertThat(definition.boundTaskNames()).containsExactlyInAnyOrder("chunker", "loader", "verifier");
    }

    @Test
    void aMissingSubstitutionIsInvalid() throws IOException {
        assertThatThrownBy(() -> StateMachineDefinition.parse(ingestDefinition(), Map.of()))
                .isInstanceOf(InvalidDefinitionException.class)
                .hasMessageContaining("${");
    }

    @Test
    void aWaitStateIsRefusedNamingStateAndField() {
        assertThatThrownBy(() -> StateMachineDefinition.parse(
                machine("\"A\":{\"Type\":\"Wait\",\"Seconds\":1,\"End\":true}"), Map.of()))
                .isInstanceOfSatisfying(UnsupportedDefinitionException.class, e -> {
                    assertThat(e.stateName()).isEqualTo("A");
                    assertThat(e.field()).isEqualTo("Type");
                })
                .hasMessage("state 'A': field 'Type' is not supported: Wait");
    }

    @Test
    void aParallelStateIsRefused() {
        assertThatThrownBy(() -> StateMachineDefinition.parse(
                machine("\"A\":{\"Type\":\"Parallel\",\"Branches\":[],\"End\":true}"), Map.of()))
                .isInstanceOf(UnsupportedDefinitionException.class)
                .hasMessageStartingWith("state 'A': field 'Type' is not supported");
    }

    @Test
    void anUnsupportedFieldIsRefusedNamingStateAndField() {
        assertThatThrownBy(() -> StateMachineDefinition.parse(
                machine("\"A\":{\"Type\":\"Task\",\"Resource\":\"x\",\"TimeoutSeconds\":5,\"End\":true}"), Map.of()))
                .isInstanceOf(UnsupportedDefinitionException.class)
                .hasMessage("state 'A': field 'TimeoutSeconds' is not supported");
    }

    @Test
    void anUnsupportedChoiceOperatorIsRefusedWithItsPlace() {
        assertThatThrownBy(() -> StateMachineDefinition.parse(machine(
                "\"A\":{\"Type\":\"Choice\",\"Choices\":[{\"Not\":{\"Variable\":\"$.t\","
                        + "\"TimestampEquals\":\"2020-01-01T00:00:00Z\"},\"Next\":\"B\"}]},"
                        + "\"B\":{\"Type\":\"Succeed\"}"), Map.of()))
                .isInstanceOf(UnsupportedDefinitionException.class)
                .hasMessage("state 'A': field 'Choices[0].Not.TimestampEquals' is not supported");
    }

    @Test
    void anUnsupportedIntrinsicFunctionIsRefusedByName() {
        assertThatThrownBy(() -> StateMachineDefinition.parse(machine(
                "\"A\":{\"Type\":\"Pass\",\"Parameters\":{\"h.$\":\"States.Hash($.x, 'SHA-1')\"},\"End\":true}"),
                Map.of()))
                .isInstanceOf(UnsupportedDefinitionException.class)
                .hasMessage("state 'A': field 'Parameters.h.$' is not supported: intrinsic function States.Hash");
    }

    @Test
    void anotherServiceIntegrationIsRefused() {
        assertThatThrownBy(() -> StateMachineDefinition.parse(machine(
                "\"A\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::sqs:sendMessage\",\"End\":true}"),
                Map.of()))
                .isInstanceOf(UnsupportedDefinitionException.class)
                .hasMessageStartingWith("state 'A': field 'Resource' is not supported");
    }

    @Test
    void aTransitionToAMissingStateIsInvalid() {
        assertThatThrownBy(() -> StateMachineDefinition.parse(
                machine("\"A\":{\"Type\":\"Pass\",\"Next\":\"Nowhere\"}"), Map.of()))
                .isInstanceOf(InvalidDefinitionException.class)
                .hasMessageContaining("'A'").hasMessageContaining("Next");
    }

    @Test
    void aMalformedPathIsInvalid() {
        assertThatThrownBy(() -> StateMachineDefinition.parse(
                machine("\"A\":{\"Type\":\"Pass\",\"InputPath\":\"input.a\",\"End\":true}"), Map.of()))
                .isInstanceOf(InvalidDefinitionException.class)
                .hasMessageContaining("state 'A': field 'InputPath'");
    }

    @Test
    void toleratedFailuresAreRefusedOnAnInlineMap() {
        assertThatThrownBy(() -> StateMachineDefinition.parse(machine(
                "\"A\":{\"Type\":\"Map\",\"ToleratedFailureCount\":1,\"ItemProcessor\":{\"StartAt\":\"I\","
                        + "\"States\":{\"I\":{\"Type\":\"Succeed\"}}},\"End\":true}"), Map.of()))
                .isInstanceOf(InvalidDefinitionException.class)
                .hasMessageContaining("ToleratedFailureCount");
    }

    @Test
    void statesAllMustStandAloneInTheLastCatcher() {
        assertThatThrownBy(() -> StateMachineDefinition.parse(machine(
                "\"A\":{\"Type\":\"Task\",\"Resource\":\"x\",\"Catch\":[{\"ErrorEquals\":[\"States.ALL\",\"E\"],"
                        + "\"Next\":\"A\"}],\"End\":true}"), Map.of()))
                .isInstanceOf(InvalidDefinitionException.class)
                .hasMessageContaining("Catch[0].ErrorEquals");
    }
}
