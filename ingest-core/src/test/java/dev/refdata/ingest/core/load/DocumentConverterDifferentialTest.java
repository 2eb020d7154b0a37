package dev.refdata.ingest.core.load;

import dev.refdata.ingest.core.csv.ChunkRecordReader;
import dev.refdata.ingest.core.csv.CsvRecord;
import dev.refdata.ingest.core.domain.DatasetSpec;
import dev.refdata.ingest.core.domain.HeaderLayout;
import dev.refdata.ingest.core.spec.DatasetCatalog;
import dev.refdata.ingest.core.spec.DatasetSpecParser;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The converter that reads cells as bytes gives exactly what the one that decoded every cell to a string gave
 * ({@link StringDocumentConverter}, kept as the oracle): the same bulk bytes, the same reasons for the same
 * records, and the same id, version and operation for each, for any cells. Cells are drawn to hit every rule:
 * empty and required cells, doubled quotes, text beyond ASCII (two, three and four UTF-8 bytes a character,
 * and the characters whose case folds onto ASCII letters), control characters to escape, cells at and over their
 * length limits in chars and in bytes, numbers with signs and too many digits, dates and timestamps in the
 * common shape, in rarer valid shapes and invalid, and operations with blanks and odd cases.
 */
class DocumentConverterDifferentialTest {

    /** Every type, a check, a multi-column id, an integer version and an operation column. */
    private static final DatasetSpec TYPED = DatasetSpecParser.parse("typed.yaml", new ByteArrayInputStream("""
            name: typed
            csv: { delimiter: ",", quote: "\\"", header: true }
            columns:
              - { name: code,  type: string, required: true, maxLength: 12 }
              - { name: venue, type: string, required: true, maxLength: 4 }
              - { name: isin,  type: string, check: isin, maxLength: 12 }
              - { name: label, type: string, maxLength: 6 }
              - { name: qty,   type: integer }
              - { name: price, type: decimal }
              - { name: live,  type: boolean }
              - { name: day,   type: date }
              - { name: at,    type: timestamp }
              - { name: rev,   type: integer, required: true }
            id: [code, venue]
            version: rev
            operation: op
            index: { alias: typed, shards: 1, replicas: 0 }
            """.getBytes(StandardCharsets.UTF_8)), DatasetSpecParser.Format.YAML);
    private static final DatasetSpec INSTRUMENTS = DatasetCatalog.builtIn().get("instruments");

    @Provide
    Arbitrary<List<List<String>>> typedRows() {
        return rows(List.of(
                text(), text(), isins(), text(), integers(), decimals(), booleans(), dates(), timestamps(),
                integers(), operations()));
    }

    @Provide
    Arbitrary<List<List<String>>> instrumentRows() {
        return rows(List.of(
                isins(), text(), text(), text(), text(), text(), text(), text(), dates(), decimals(), text(),
                timestamps(), operations()));
    }

    @Property(tries = 400)
    void typedRecordsConvertToTheSameBytesAndReasons(@ForAll("typedRows") List<List<String>> rows)
            throws IOException {
        assertSameConversion(TYPED, "code,venue,isin,label,qty,price,live,day,at,rev,op", rows);
    }

    @Property(tries = 300)
    void instrumentRecordsConvertToTheSameBytesAndReasons(@ForAll("instrumentRows") List<List<String>> rows)
            throws IOException {
        assertSameConversion(INSTRUMENTS,
                "isin,ticker,name,asset_class,currency,mic,issuer,country,maturity,coupon,status,updated_at,op", rows);
    }

    private static void assertSameConversion(DatasetSpec spec, String header, List<List<String>> rows)
            throws IOException {
        StringBuilder csv = new StringBuilder(header).append('\n');
        for (List<String> row : rows) {
            csv.append(String.join(",", row)).append('\n');
        }
        byte[] bytes = csv.toString().getBytes(StandardCharsets.UTF_8);
        int start = header.length() + 1;
        HeaderLayout layout = HeaderLayout.resolve(spec, List.of(header.split(",")));
        DocumentConverter converter = new DocumentConverter(spec, layout, "run-\"1\"", "feeds/ü.csv");
        StringDocumentConverter oracle = new StringDocumentConverter(spec, layout, "run-\"1\"", "feeds/ü.csv");
        BulkBuffer ours = new BulkBuffer(1024);
        BulkBuffer theirs = new BulkBuffer(1024);
        List<String> ourOutcomes = new ArrayList<>();
        List<String> theirOutcomes = new ArrayList<>();
        try (ChunkRecordReader reader = new ChunkRecordReader(
                new ByteArrayInputStream(bytes, start, bytes.length - start), spec.dialect(), start, 2)) {
            CsvRecord record;
            while ((record = reader.next()) != null) {
                String identified = converter.identify(record);
                String expected = oracle.identify(record);
                assertThat(identified).as("identify, line %d: %s", record.line(), record.raw()).isEqualTo(expected);
                if (expected == null) {
                    assertThat(converter.lastId()).isEqualTo(oracle.lastId());
                    assertThat(converter.lastVersion()).isEqualTo(oracle.lastVersion());
                    assertThat(converter.lastOperation().name()).isEqualTo(oracle.lastOperation().name());
                }
                String reason = converter.append(record, ours);
                ourOutcomes.add(reason == null ? converter.lastOperation() + " " + converter.lastId() : reason);
                String theirReason = oracle.append(record, theirs);
                theirOutcomes.add(theirReason == null ? oracle.lastOperation() + " " + oracle.lastId() : theirReason);
                Statistics.label("outcome").collect(reason == null ? "converted"
                        : reason.replaceAll("'[^']*'", "_").replaceAll("[0-9]+", "N").replaceAll(" \\(.*", ""));
            }
        }
        assertThat(ourOutcomes).isEqualTo(theirOutcomes);
        assertThat(ours.items()).isEqualTo(theirs.items());
        assertThat(text(ours)).isEqualTo(text(theirs));
    }

    private static String text(BulkBuffer buffer) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        buffer.writeTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Rows of cells as CSV text: each cell quoted (with its quotes doubled) when it needs it, or at random. */
    private static Arbitrary<List<List<String>>> rows(List<Arbitrary<String>> cells) {
        Arbitrary<List<String>> row = Arbitraries.just(List.<String>of());
        for (Arbitrary<String> cell : cells) {
            Arbitrary<String> written = net.jqwik.api.Combinators.combine(cell, Arbitraries.integers().between(0, 4))
                    .as(DocumentConverterDifferentialTest::csvCell);
            row = net.jqwik.api.Combinators.combine(row, written).as((r, c) -> {
                List<String> next = new ArrayList<>(r);
                next.add(c);
                return next;
            });
        }
        return row.list().ofMinSize(1).ofMaxSize(8);
    }

    private static String csvCell(String value, int coin) {
        boolean needs = value.contains(",") || value.contains("\"") || value.contains("\n") || value.contains("\r");
        if (needs || coin == 0) {
            return "\"" + value.replace("\"", "\"\"") + "\"";
        }
        return value;
    }

    private static Arbitrary<String> text() {
        return Arbitraries.frequencyOf(
                Tuple.of(40, Arbitraries.strings().withChars('a', 'B', '7', ' ', '.', '-').ofMaxLength(4)),
                Tuple.of(3, Arbitraries.just("")),
                Tuple.of(4, Arbitraries.strings().withChars('x', 'é', '東', '"', '\\', '\t', '\u0001', '\u007F', ',')
                        .ofMaxLength(8)),
                Tuple.of(2, Arbitraries.of("😀😀", "ab😀", "ééééé", "éééééé", "東京東京", "a\nb", "a\r\nb", "ſ", "K")),
                Tuple.of(1, Arbitraries.strings().withChars('z').ofMinLength(500).ofMaxLength(3000)));
    }

    private static Arbitrary<String> isins() {
        return Arbitraries.frequencyOf(
                Tuple.of(20, Arbitraries.of("US0378331005", "DE0007164600", "GB0002634946", "FR0000120271")),
                Tuple.of(2, Arbitraries.of("US0378331006", "us0378331005", "US037833100", "US03783310055", "",
                        "US03783310é5", "US0378331\"05", "ÜS0378331005")),
                Tuple.of(1, Arbitraries.strings().withChars('A', 'Z', '0', '9').ofLength(12)));
    }

    private static Arbitrary<String> integers() {
        return Arbitraries.frequencyOf(
                Tuple.of(20, Arbitraries.longs().between(-1_000_000, 1_000_000_000_000L).map(String::valueOf)),
                Tuple.of(2, Arbitraries.of("", "+7", "-0", "007", "9223372036854775807", "9223372036854775808",
                        "-9223372036854775808", "12345678901234567890", "1.5", "1e3", " 1", "١٢", "+", "-", "x")));
    }

    private static Arbitrary<String> decimals() {
        return Arbitraries.frequencyOf(
                Tuple.of(20, Arbitraries.bigDecimals().between(java.math.BigDecimal.valueOf(-1e6), java.math.BigDecimal.valueOf(1e6)).ofScale(4).map(java.math.BigDecimal::toPlainString)),
                Tuple.of(2, Arbitraries.of("", "-", ".", "1.", ".5", "-.5", "1.2.3", "+1.5", "1e3", "١.٢", " 1",
                        "0001.2000")));
    }

    private static Arbitrary<String> booleans() {
        return Arbitraries.of("", "true", "false", "TRUE", "False", "tRuE", "yes", "1", "fal\u017Fe", "t", "truee");
    }

    private static Arbitrary<String> dates() {
        return Arbitraries.frequencyOf(
                Tuple.of(20, Arbitraries.of("2026-11-27", "2030-06-15", "2024-02-29", "1999-12-31", "0001-01-01")),
                Tuple.of(3, Arbitraries.of("", "2023-02-29", "2026-13-01", "2026-1-01", "+10000-01-01", "20261127",
                        "2026-11-27T00:00:00Z", "٢٠٢٦-11-27", "2026-11-3x", " 2026-11-27")));
    }

    private static Arbitrary<String> timestamps() {
        return Arbitraries.frequencyOf(
                Tuple.of(20, Arbitraries.of("2026-11-27T02:00:00Z", "2026-11-27T02:00:00.123+01:00",
                        "2020-02-29T23:59:59.999999999-05:30", "1970-01-01T00:00:00Z")),
                Tuple.of(3, Arbitraries.of("", "2026-11-27T02:00:00", "2026-11-27t02:00:00Z",
                        "2026-11-27T02:00:00+01:00:30", "2026-11-27T02:00Z", "2026-11-27T24:00:00Z",
                        "2026-11-27T02:00:00+18:00", "2026-11-27T02:00:00+19:00", "2026-11-27T02:00:00.Z",
                        "2026-11-27T02:00:00.1234567891Z", "x")));
    }

    private static Arbitrary<String> operations() {
        return Arbitraries.of("", "", "", "upsert", "delete", "DELETE", " delete ", "\tUpsert", "remove", "upſert",
                "de\"lete", "délete", "   ");
    }
}
