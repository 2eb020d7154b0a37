package dev.refdata.ingest.core.csv;

import dev.refdata.ingest.core.csv.CsvRecordParser.CsvRecordException;
import dev.refdata.ingest.core.domain.CsvDialect;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How framed records are split into fields, rule by rule (the rules jackson-dataformat-csv applied; the
 * differential test holds the splitter to them on random input).
 */
class CsvRecordParserTest {

    private static final CsvDialect COMMA = new CsvDialect(',', '"', false);

    private static List<List<String>> rows(String text) {
        return rows(COMMA, text.getBytes(StandardCharsets.UTF_8));
    }

    private static List<List<String>> rows(CsvDialect dialect, byte[] bytes) {
        List<List<String>> rows = new ArrayList<>();
        int count = CsvRecordParser.forDialect(dialect).parseRows(bytes, 0, bytes.length,
                fields -> rows.add(Arrays.asList(fields)));
        assertThat(count).as("the count returned is the rows handed over").isEqualTo(rows.size());
        return rows;
    }

    private static String error(String text) {
        return error(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String error(byte[] bytes) {
        CsvRecordParser parser = CsvRecordParser.forDialect(COMMA);
        return assertThatThrownBy(() -> parser.parseRows(bytes, 0, bytes.length, fields -> { }))
                .isInstanceOf(CsvRecordException.class)
                .actual().getMessage();
    }

    @Test
    void fieldsAreSplitAtTheDelimiterAndRecordsAtEachKindOfLineBreak() {
        assertThat(rows("a,b\nc,d\r\ne,f\rg,h")).containsExactly(
                List.of("a", "b"), List.of("c", "d"), List.of("e", "f"), List.of("g", "h"));
    }

    @Test
    void emptyFieldsAreEmptyStringsNeverNull() {
        assertThat(rows(",x,,\n")).containsExactly(List.of("", "x", "", ""));
    }

    @Test
    void aDelimiterAtTheEndOfARecordIsFollowedByOneMoreEmptyField() {
        assertThat(rows("a,b,\nc,d,")).containsExactly(List.of("a", "b", ""), List.of("c", "d", ""));
    }

    @Test
    void aBlankLineIsARowOfOneEmptyFieldAndNoBytesAreNoRows() {
        assertThat(rows("\n\r\n")).containsExactly(List.of(""), List.of(""));
        assertThat(rows("")).isEmpty();
    }

    @Test
    void blanksInAnUnquotedFieldAreKept() {
        assertThat(rows(" a , b\t")).containsExactly(List.of(" a ", " b\t"));
    }

    @Test
    void aQuotedFieldHoldsDelimitersLineBreaksAndDoubledQuotesAsOneQuote() {
        assertThat(rows("\"a,b\",\"line1\nline2\r\nline3\",\"say \"\"hi\"\"\",\"\"\n"))
                .containsExactly(List.of("a,b", "line1\nline2\r\nline3", "say \"hi\"", ""));
    }

    @Test
    void blanksAfterAClosingQuoteAreSkipped() {
        assertThat(rows("\"a\"  ,\"b\"\t\r\n")).containsExactly(List.of("a", "b"));
    }

    @Test
    void textAfterAClosingQuoteIsAnError() {
        assertThat(error("\"a\"x,b\n")).isEqualTo("Unexpected character ('x' (code 120)): "
                + "Expected column separator character (',' (code 44)) or end-of-line");
        assertThat(error("\"a\"é\n")).isEqualTo("Unexpected character ('é' (code 233)): "
                + "Expected column separator character (',' (code 44)) or end-of-line");
    }

    @Test
    void aQuotedFieldNeverClosedIsAnError() {
        assertThat(error("a,\"b\n")).isEqualTo("Missing closing quote for value");
        assertThat(error("\"b\"\"")).as("a doubled quote does not close it").isEqualTo("Missing closing quote for value");
    }

    @Test
    void aQuoteInsideAnUnquotedFieldIsAnErrorPlacedByCharacter() {
        assertThat(error("é,ab\"c\n")).isEqualTo("a quote inside an unquoted field at character 5 of the record: "
                + "quote the whole field, and double the quotes inside it");
        assertThat(error("a, \"x\"\n")).as("a blank before the opening quote makes the field unquoted")
                .startsWith("a quote inside an unquoted field at character 4 ");
    }

    @Test
    void aNulIsAnErrorWhereverItStands() {
        assertThat(error("a,b\u0000\n")).isEqualTo("a NUL character (byte 0x00) at character 4 of the record");
        assertThat(error("\"a\u0000\"\n")).startsWith("a NUL character (byte 0x00) at character 3 ");
        assertThat(error("\"a\"\u0000\n")).as("even among the blanks after a closing quote")
                .startsWith("a NUL character (byte 0x00) at character 4 ");
    }

    @Test
    void aByteOrderMarkIsAnErrorWhereverItStandsCountingCharactersNotBytes() {
        assertThat(error("😀,\uFEFFa\n")).isEqualTo("a byte-order mark (U+FEFF) at character 4 of the record: "
                + "were files concatenated with their marks?");
        assertThat(error("\"\uFEFF\"\n")).startsWith("a byte-order mark (U+FEFF) at character 2 ");
    }

    @Test
    void invalidUtf8IsAnErrorPlacedByByte() {
        byte[] overlong = {'a', ',', (byte) 0xC0, (byte) 0x80, '\n'};
        byte[] surrogate = {'a', (byte) 0xED, (byte) 0xA0, (byte) 0x80};
        byte[] cutShort = {'a', 'b', (byte) 0xE6, (byte) 0x97};

        assertThat(error(overlong)).isEqualTo("invalid UTF-8 at byte 2 of the record");
        assertThat(error(surrogate)).isEqualTo("invalid UTF-8 at byte 1 of the record");
        assertThat(error(cutShort)).isEqualTo("invalid UTF-8 at byte 2 of the record");
    }

    @Test
    void textOfOneToFourBytesACharacterIsDecoded() {
        assertThat(rows("é,東京,\"😀,x\"\n")).containsExactly(List.of("é", "東京", "😀,x"));
    }

    @Test
    void invalidUtf8IsReportedBeforeAMisplacedCharacterWhichIsReportedBeforeABrokenStructure() {
        assertThat(error(new byte[] {'"', 'a', '"', 'x', '\n', 0, '\n', (byte) 0xFF}))
                .isEqualTo("invalid UTF-8 at byte 7 of the record");
        assertThat(error("\"a\"x\nb\u0000\n")).isEqualTo("a NUL character (byte 0x00) at character 7 of the record");
    }

    @Test
    void onlyTheGivenRangeOfTheBufferIsRead() {
        byte[] buffer = "\"x\u0000a,b\nc\"".getBytes(StandardCharsets.UTF_8);
        List<List<String>> rows = new ArrayList<>();

        int count = CsvRecordParser.forDialect(COMMA).parseRows(buffer, 3, 4, fields -> rows.add(List.of(fields)));

        assertThat(count).isEqualTo(1);
        assertThat(rows).containsExactly(List.of("a", "b"));
    }

    @Property(tries = 2000)
    void aRangeSplitsAlikeWhereverItSitsWhateverBytesSurroundIt(@ForAll("records") String text,
                                                                @ForAll("surroundings") String before,
                                                                @ForAll("surroundings") String after) {
        byte[] alone = text.getBytes(StandardCharsets.UTF_8);
        byte[] within = (before + text + after).getBytes(StandardCharsets.UTF_8);
        int from = before.getBytes(StandardCharsets.UTF_8).length;

        assertThat(outcome(within, from, alone.length)).isEqualTo(outcome(alone, 0, alone.length));
    }

    /** The rows, or the error's message. */
    private static String outcome(byte[] buffer, int off, int len) {
        List<List<String>> rows = new ArrayList<>();
        try {
            CsvRecordParser.forDialect(COMMA).parseRows(buffer, off, len, fields -> rows.add(Arrays.asList(fields)));
            return rows.toString();
        } catch (CsvRecordException e) {
            return "error: " + e.getMessage();
        }
    }

    @Provide
    Arbitrary<String> records() {
        Arbitrary<String> piece = Arbitraries.oneOf(Arbitraries.strings().withCharRange('a', 'z').ofMaxLength(11),
                Arbitraries.of(",", "\"", "\"\"", "\n", "\r\n", "\r", " ", "\u0000", "\uFEFF", "\u00E9", "\uFFEE", "\uD83D\uDE00"));
        return piece.list().ofMaxSize(14).map(parts -> String.join("", parts));
    }

    @Provide
    Arbitrary<String> surroundings() {
        return Arbitraries.strings().withChars(',', '"', '\n', '\r', (char) 0, '\uFEFF', 'a').ofMaxLength(17);
    }

    @Test
    void theDialectsDelimiterAndQuoteAreUsed() {
        byte[] text = "'a;b';c,d;'it''s'\n".getBytes(StandardCharsets.UTF_8);

        assertThat(rows(new CsvDialect(';', '\'', false), text)).containsExactly(List.of("a;b", "c,d", "it's"));
    }

    @Test
    void aHeaderIsItsFirstRowAndABadHeaderNamesLineOne() {
        CsvRecordParser parser = CsvRecordParser.forDialect(COMMA);

        assertThat(parser.parseHeader("id,\"name\"\r\n".getBytes(StandardCharsets.UTF_8)))
                .containsExactly("id", "name");
        assertThatThrownBy(() -> parser.parseHeader("id,na\"me\n".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedCsvException.class)
                .hasMessageContaining("the header cannot be read: a quote inside an unquoted field");
    }
}
