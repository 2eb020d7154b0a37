package dev.refdata.ingest.core.domain;

import dev.refdata.ingest.core.testing.SurroundedBytes;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    @Test
    void aCharacterBeyondAsciiFailsWhereItStands() {
        assertThat(Isin.problem("\u00dcS0378331005"))
                .isEqualTo("an ISIN is two capital letters, nine capital letters or digits and a check digit");
        assertThat(Isin.problem("US037833100\u0665")).isEqualTo("the last character of an ISIN is a check digit");
        assertThat(Isin.problem("US037833100\u00e9\u00e9")).isEqualTo("an ISIN has 12 characters, got 13");
        assertThat(Isin.isValid("US03783310\u00d85")).isFalse();
        assertThatThrownBy(() -> Isin.checkDigit("XS12345678\u00c5"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("not an ISIN character: '\u00c5'");
    }

    @Provide
    Arbitrary<String> isinLike() {
        Arbitrary<String> body = Arbitraries.strings().withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789").ofLength(11);
        Arbitrary<String> valid = body.map(b -> b + Isin.checkDigit(b));
        Arbitrary<String> anyAscii = Arbitraries.strings().ascii().ofMinLength(0).ofMaxLength(14);
        Arbitrary<String> nearlyValid = valid.flatMap(v -> Arbitraries.integers().between(0, 11).flatMap(at ->
                Arbitraries.chars().ascii().map(c -> v.substring(0, at) + c + v.substring(at + 1))));
        return Arbitraries.oneOf(valid, anyAscii, nearlyValid);
    }

    @Property(tries = 3000)
    void aCellsBytesAreJudgedAsItsTextWhateverBytesSurroundThem(@ForAll("isinLike") String candidate,
                                                                 @ForAll byte[] before, @ForAll byte[] after) {
        SurroundedBytes inside = SurroundedBytes.of(before, candidate.getBytes(StandardCharsets.US_ASCII), after);

        assertThat(Isin.problem(inside.array(), inside.from(), inside.to())).as(candidate).isEqualTo(Isin.problem(candidate));
        assertThat(Isin.isValid(inside.array(), inside.from(), inside.to())).as(candidate).isEqualTo(Isin.isValid(candidate));
        assertThat(Isin.isValid(candidate)).as(candidate).isEqualTo(Isin.problem(candidate) == null);
    }

    @Property(tries = 1000)
    void everyOtherCheckDigitIsNamedAsWrongWithTheRightOne(@ForAll("isinLike") String candidate) {
        if (!Isin.isValid(candidate)) {
            return; // only valid ones are altered here
        }
        int right = candidate.charAt(11) - '0';
        for (int wrong = 0; wrong <= 9; wrong++) {
            if (wrong != right) {
                assertThat(Isin.problem(candidate.substring(0, 11) + wrong))
                        .isEqualTo("wrong ISIN check digit: expected " + right);
            }
        }
    }

    @Provide
    Arbitrary<String> bodies() {
        return Arbitraries.strings().withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789").ofLength(11);
    }

    @Property(tries = 3000)
    void theCheckDigitIsTheTextbooksLuhnOverTheLettersSpelledAsNumbers(@ForAll("bodies") String body) {
        StringBuilder digits = new StringBuilder();
        for (char c : body.toCharArray()) {
            digits.append(Character.isDigit(c) ? String.valueOf(c - '0') : String.valueOf(c - 'A' + 10));
        }
        int sum = 0;
        for (int i = digits.length() - 1, position = 0; i >= 0; i--, position++) {
            int d = digits.charAt(i) - '0';
            if (position % 2 == 0) { // the rightmost digit is doubled: the check digit will stand after it
                d = d * 2 > 9 ? d * 2 - 9 : d * 2;
            }
            sum += d;
        }
        assertThat(Isin.checkDigit(body)).as(body).isEqualTo((10 - sum % 10) % 10);
    }
}
