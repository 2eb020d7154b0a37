package dev.refdata.ingest.adapter.logging;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The level of the Lambda's JSON logging, from {@code INGEST_LOG_LEVEL}. */
class LambdaLoggingTest {

    @Test
    void theLevelIsInfoWhenTheVariableIsUnsetOrBlank() {
        assertThat(LambdaLogging.level(null)).isEqualTo(Level.INFO);
        assertThat(LambdaLogging.level("  ")).isEqualTo(Level.INFO);
    }

    @Test
    void aLevelIsReadInAnyCaseAndAroundSpaces() {
        assertThat(LambdaLogging.level("debug")).isEqualTo(Level.DEBUG);
        assertThat(LambdaLogging.level(" Warn ")).isEqualTo(Level.WARN);
        assertThat(LambdaLogging.level("OFF")).isEqualTo(Level.OFF);
    }

    @Test
    void aSettingThatNamesNoLevelIsRefusedNamingTheVariableAndTheValue() {
        assertThatThrownBy(() -> LambdaLogging.level("verbose"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("INGEST_LOG_LEVEL")
                .hasMessageContaining("'verbose'");
    }
}
