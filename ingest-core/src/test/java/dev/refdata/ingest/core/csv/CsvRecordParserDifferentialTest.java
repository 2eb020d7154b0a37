package dev.refdata.ingest.core.csv;

import dev.refdata.ingest.core.csv.CsvRecordParser.CsvRecordException;
import dev.refdata.ingest.core.domain.CsvDialect;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The byte-level splitter gives exactly what jackson-dataformat-csv with the checks over the decoded text gave
 * ({@link JacksonCsvSplitter}): the same rows, field by field, or the same error message, for any bytes at any
 * offset of a buffer, in every dialect. Blocks are built from fragments that stress every rule: delimiters,
 * quotes opening, closing and doubled, blanks after a closing quote, line breaks of the three kinds inside
 * quotes and out, blank lines, text of one to four UTF-8 bytes per character, invalid UTF-8, NUL, byte-order
 * marks, control characters, and fields longer than the CSV parser's 4,000-character read buffer.
 */
class CsvRecordParserDifferentialTest {

    private static final List<CsvDialect> DIALECTS = List.of(
            new CsvDialect(',', '"', false), new CsvDialect(';', '\'', false),
            new CsvDialect('\t', '"', false), new CsvDialect('|', '"', false), new CsvDialect(' ', '"', false));

    /** Bytes to split, at an offset inside a larger buffer, and the dialect. */
    record Block(int dialect, byte[] buffer, int offset, int length) {
        CsvDialect csvDialect() {
            return DIALECTS.get(dialect);
        }

        @Override
        public String toString() {
            byte[] bytes = Arrays.copyOfRange(buffer, offset, offset + length);
            String text = new String(bytes, StandardCharsets.UTF_8);
            return "Block[" + csvDialect() + ", offset=" + offset + ", hex=" + HexFormat.of().formatHex(bytes)
                    + "\n" + (text.length() > 300 ? text.substring(0, 300) + "..." : text)
                    .replace("\r", "\\r").replace("\n", "\\n\n") + "]";
        }
    }

    /** What splitting gave: the rows, or the error. */
    record Outcome(List<List<String>> rows, int count, String error) {
    }

    @Provide
    Arbitrary<Block> blocks() {
        // D and Q stand for the dialect's delimiter and quote; the rest is taken as it is
        Arbitrary<byte[]> fragment = Arbitraries.frequencyOf(
                Tuple.of(30, Arbitraries.strings().withChars('a', 'b', 'Z', '1', '.').ofMinLength(1).ofMaxLength(6)
                        .map(CsvRecordParserDifferentialTest::utf8)),
                Tuple.of(14, Arbitraries.just(new byte[] {'D'})),
                Tuple.of(12, Arbitraries.just(new byte[] {'Q'})),
                Tuple.of(4, Arbitraries.just(new byte[] {'Q', 'Q'})),
                Tuple.of(5, Arbitraries.of("\n", "\r\n", "\r").map(CsvRecordParserDifferentialTest::utf8)),
                Tuple.of(4, Arbitraries.of(" ", "\t", "  ").map(CsvRecordParserDifferentialTest::utf8)),
                Tuple.of(5, Arbitraries.of("é", "東京", "😀", "\u0085", "\u2028", "\u00A0", "\u007F", "\u0001", "#")
                        .map(CsvRecordParserDifferentialTest::utf8)),
                Tuple.of(1, Arbitraries.of(
                        new byte[] {(byte) 0x80}, new byte[] {(byte) 0xC0, (byte) 0x80},
                        new byte[] {(byte) 0xC3}, new byte[] {(byte) 0xE6, (byte) 0x97},
                        new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                        new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
                        new byte[] {(byte) 0xF0, (byte) 0x8F, (byte) 0xBF, (byte) 0xBF},
                        new byte[] {(byte) 0xE0, (byte) 0x9F, (byte) 0xBF}, new byte[] {(byte) 0xFF},
                        new byte[] {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80})),
                Tuple.of(1, Arbitraries.just(new byte[] {0})),
                Tuple.of(1, Arbitraries.just(utf8("\uFEFF"))),
                Tuple.of(1, Arbitraries.of(4001, 4096, 9000).map(n -> utf8("x".repeat(n)))));
        // a well-formed field: plain, or quoted with anything inside
        Arbitrary<byte[]> wellFormedField = Arbitraries.oneOf(
                fragment.list().ofMaxSize(3).map(CsvRecordParserDifferentialTest::concat),
                fragment.list().ofMaxSize(5).map(parts -> quoted(concat(parts))));
        Arbitrary<byte[]> wellFormedRecord = wellFormedField.list().ofMinSize(1).ofMaxSize(6)
                .map(CsvRecordParserDifferentialTest::joinedByDelimiters);
        Arbitrary<byte[]> text = Arbitraries.oneOf(
                // records built right, that mostly split, and sometimes hold a bad byte from their fragments
                Combinators.combine(wellFormedRecord.list().ofMaxSize(6), Arbitraries.of("\n", "\r\n", "\r"),
                        Arbitraries.of(true, false))
                        .as((records, lineBreak, finalBreak) -> lines(records, lineBreak, finalBreak)),
                // anything at all
                fragment.list().ofMaxSize(30).map(CsvRecordParserDifferentialTest::concat));
        return Combinators.combine(Arbitraries.integers().between(0, DIALECTS.size() - 1), text,
                        Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 3))
                .as((dialect, bytes, before, after) -> {
                    CsvDialect d = DIALECTS.get(dialect);
                    byte[] inDialect = bytes.clone();
                    for (int i = 0; i < inDialect.length; i++) {
                        if (inDialect[i] == 'D') {
                            inDialect[i] = (byte) d.delimiter();
                        } else if (inDialect[i] == 'Q') {
                            inDialect[i] = (byte) d.quote();
                        }
                    }
                    // bytes around the block that must not be read: a quote and a delimiter
                    byte[] buffer = new byte[before + inDialect.length + after];
                    Arrays.fill(buffer, (byte) d.quote());
                    System.arraycopy(inDialect, 0, buffer, before, inDialect.length);
                    return new Block(dialect, buffer, before, inDialect.length);
                });
    }

    @Property(tries = 10_000)
    void theByteSplitterGivesTheRowsOrTheErrorOfJacksonCsv(@ForAll("blocks") Block block) {
        Outcome expected = outcome(block, (b, off, len, sink) -> new JacksonCsvSplitter(block.csvDialect())
                .parseRows(b, off, len, sink));
        Outcome actual = outcome(block, (b, off, len, sink) -> CsvRecordParser.forDialect(block.csvDialect())
                .parseRows(b, off, len, sink));

        assertThat(actual).isEqualTo(expected);
        Statistics.label("outcome").collect(kind(expected));
        Statistics.label("outcome").coverage(coverage -> {
            for (String kind : List.of("rows", "invalid UTF-8", "NUL", "byte-order mark", "quote inside",
                    "text after a closing quote", "never closed")) {
                coverage.check(kind).percentage(p -> p >= 1.0);
            }
        });
        Statistics.label("rows with a non-ASCII field").collect(expected.rows().stream().flatMap(List::stream)
                .anyMatch(f -> f.chars().anyMatch(c -> c >= 0x80)));
        Statistics.label("rows with a field of a doubled quote or a line break").collect(expected.rows().stream()
                .flatMap(List::stream).anyMatch(f -> f.indexOf('\n') >= 0 || f.indexOf('\r') >= 0
                        || f.indexOf(block.csvDialect().quote()) >= 0));
    }

    /** The kind of outcome, to show (and require) that the blocks reach every rule. */
    private static String kind(Outcome outcome) {
        if (outcome.error() == null) {
            return "rows";
        }
        for (String kind : List.of("invalid UTF-8", "NUL", "byte-order mark", "quote inside")) {
            if (outcome.error().contains(kind)) {
                return kind;
            }
        }
        if (outcome.error().startsWith("Unexpected character")) {
            return "text after a closing quote";
        }
        if (outcome.error().startsWith("Missing closing quote")) {
            return "never closed";
        }
        return outcome.error();
    }

    @Property(tries = 300)
    void oneParserGivesTheSameResultsBlockAfterBlock(@ForAll("blocks") Block first, @ForAll("blocks") Block second) {
        CsvDialect dialect = first.csvDialect();
        Block again = new Block(first.dialect(), second.buffer(), second.offset(), second.length());
        CsvRecordParser reused = CsvRecordParser.forDialect(dialect);
        outcome(first, reused::parseRows);

        Outcome afterOther = outcome(again, reused::parseRows);

        assertThat(afterOther).isEqualTo(outcome(again, (b, off, len, sink) -> new JacksonCsvSplitter(dialect)
                .parseRows(b, off, len, sink)));
    }

    interface Splitter {
        int parseRows(byte[] buf, int off, int len, CsvRecordParser.RowSink sink);
    }

    private static Outcome outcome(Block block, Splitter splitter) {
        List<List<String>> rows = new ArrayList<>();
        try {
            int count = splitter.parseRows(block.buffer(), block.offset(), block.length(),
                    fields -> rows.add(Arrays.asList(fields.clone())));
            return new Outcome(rows, count, null);
        } catch (CsvRecordException e) {
            // rows handed over before an error are discarded by the reader
            return new Outcome(List.of(), -1, e.getMessage());
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        return out.toByteArray();
    }

    /** Q + content with each Q doubled + Q. */
    private static byte[] quoted(byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write('Q');
        for (byte b : content) {
            out.write(b);
            if (b == 'Q') {
                out.write('Q');
            }
        }
        out.write('Q');
        return out.toByteArray();
    }

    private static byte[] joinedByDelimiters(List<byte[]> fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.write('D');
            }
            out.writeBytes(fields.get(i));
        }
        return out.toByteArray();
    }

    private static byte[] lines(List<byte[]> records, String lineBreak, boolean finalBreak) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < records.size(); i++) {
            out.writeBytes(records.get(i));
            if (i < records.size() - 1 || finalBreak) {
                out.writeBytes(utf8(lineBreak));
            }
        }
        return out.toByteArray();
    }
}
