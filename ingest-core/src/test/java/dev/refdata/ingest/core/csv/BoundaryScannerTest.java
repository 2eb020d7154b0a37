package dev.refdata.ingest.core.csv;

import dev.refdata.ingest.core.domain.CsvDialect;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where records end when quotes appear inside unquoted fields: a quote opens a quoted field only as the field's
 * first byte; anywhere else it is data (the CSV reader's rule), so a line break after it still ends the record.
 */
class BoundaryScannerTest {

    private static final CsvDialect DIALECT = new CsvDialect(',', '"', false);

    /** A file and where each of its records ends. */
    record Written(byte[] bytes, List<Long> ends) {
        @Override
        public String toString() {
            return new String(bytes, StandardCharsets.UTF_8).replace("\r", "\\r").replace("\n", "\\n\n") + " " + ends;
        }
    }

    @Provide
    Arbitrary<Written> filesWithInnerQuotes() {
        Arbitrary<String> plain = Arbitraries.strings().withChars('a', 'b', '1', ' ', 'é').ofMinLength(0).ofMaxLength(20);
        Arbitrary<String> innerQuotes = Combinators.combine(
                Arbitraries.strings().withChars('a', ' ', 'é').ofMinLength(1).ofMaxLength(12),
                Arbitraries.strings().withChars('a', '"', ' ').ofMinLength(1).ofMaxLength(12))
                .as((head, tail) -> head + tail); // never a quote first
        Arbitrary<String> quoted = Arbitraries.strings().withChars('a', ',', '"', '\n', '\r', ' ').ofMaxLength(12)
                .map(content -> "\"" + content.replace("\"", "\"\"") + "\"");
        Arbitrary<String> field = Arbitraries.frequencyOf(Tuple.of(2, plain), Tuple.of(2, innerQuotes), Tuple.of(1, quoted));
        Arbitrary<String> record = field.list().ofMinSize(1).ofMaxSize(6).map(fields -> String.join(",", fields));
        Arbitrary<String> lineBreak = Arbitraries.of("\n", "\r\n", "\r");
        return Combinators.combine(record.list().ofMinSize(1).ofMaxSize(10), lineBreak).as((records, lb) -> {
            StringBuilder text = new StringBuilder();
            List<Long> ends = new ArrayList<>();
            for (String r : records) {
                text.append(r).append(lb);
                ends.add((long) text.toString().getBytes(StandardCharsets.UTF_8).length);
            }
            return new Written(text.toString().getBytes(StandardCharsets.UTF_8), ends);
        });
    }

    @Property(tries = 1000)
    void aQuoteInsideAnUnquotedFieldIsDataHoweverTheBytesArrive(@ForAll("filesWithInnerQuotes") Written file,
                                                                  @ForAll @IntRange(min = 1, max = 40) int piece) {
        assertThat(recordEnds(file.bytes(), piece)).isEqualTo(file.ends());
    }

    @Test
    void aQuoteAfterABlankIsDataButAfterADelimiterOpensAField() {
        byte[] bytes = "x, \"a\nb,\"c\nd\"\ne\"\n".getBytes(StandardCharsets.UTF_8);

        assertThat(recordEnds(bytes, bytes.length)).containsExactly(6L, 14L, 17L);
    }

    private static List<Long> recordEnds(byte[] bytes, int piece) {
        BoundaryScanner scanner = new BoundaryScanner(DIALECT);
        List<Long> ends = new ArrayList<>();
        for (int from = 0; from < bytes.length; from += piece) {
            int to = Math.min(bytes.length, from + piece);
            int pos = from;
            int end;
            while ((end = scanner.nextRecordEnd(bytes, pos, to)) >= 0) {
                ends.add(scanner.recordEnd());
                pos = end;
            }
        }
        if (scanner.finish()) {
            ends.add(scanner.recordEnd());
        }
        return ends;
    }
}
