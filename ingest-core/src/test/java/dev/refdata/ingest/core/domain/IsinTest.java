package dev.refdata.ingest.core.domain;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IsinTest {

    @ParameterizedTest
    @ValueSource(strings = {"US0378331005", "DE0007164600", "GB0002634946", "FR0000120271", "JP3633400001",
            "CH0012032048", "US5949181045"})
    void realIsinsAreValid(String isin) {
        assertThat(Isin.isValid(isin)).isTrue();
        assertThat(Isin.problem(isin)).isNull();
    }

    @Test
    void aWrongCheckDigitIsNamedWithTheRightOne() {
        assertThat(Isin.isValid("US0378331006")).isFalse();
        assertThat(Isin.problem("US0378331006")).isEqualTo("wrong ISIN check digit: expected 5");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "US037833100", "US03783310055", "us0378331005", "U10378331005", "US03783310O5",
            "US037833100X"})
    void malformedValuesAreInvalid(String candidate) {
        assertThat(Isin.isValid(candidate)).isFalse();
        assertThat(Isin.problem(candidate)).isNotNull();
    }

    @Test
    void theCheckDigitOfElevenCharactersCompletesAValidIsin() {
        String body = "XS12345678A";
        String isin = body + Isin.checkDigit(body);
        assertThat(Isin.isValid(isin)).isTrue();
    }
}
