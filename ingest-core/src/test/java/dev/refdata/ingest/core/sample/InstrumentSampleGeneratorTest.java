package dev.refdata.ingest.core.sample;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import dev.refdata.ingest.core.domain.Isin;
import dev.refdata.ingest.core.sample.SampleOptions.LineEnding;
import dev.refdata.ingest.core.sample.SampleOptions.Placement;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InstrumentSampleGeneratorTest {

    private static final CsvMapper CSV = CsvMapper.builder().enable(CsvParser.Feature.WRAP_AS_ARRAY).build();

    private static final String HEADER =
            "isin,ticker,name,asset_class,currency,mic,issuer,country,maturity,coupon,status,updated_at";
    private static final Pattern DECIMAL = Pattern.compile("-?\\d+(\\.\\d+)?");
    private static final Set<String> ASSET_CLASSES = Set.of("EQUITY", "BOND", "ETF", "FUND", "WARRANT");
    private static final Set<String> STATUSES = Set.of("ACTIVE", "SUSPENDED", "DELISTED");
    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
    private static final Pattern MIC = Pattern.compile("[A-Z0-9]{4}");
    private static final Pattern COUNTRY = Pattern.compile("[A-Z]{2}");
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    // ---------------------------------------------------------------------------------------------------------
    // Header, base records, ids
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void headerIsExactlyTheInstrumentsColumns() {
        Output plain = generate(options().records(3).build());
        assertThat(plain.text()).startsWith(HEADER + "\n");
        assertThat(plain.rows().get(0)).containsExactly(HEADER.split(","));

        Output withOp = generate(options().records(3).opColumn(true).build());
        assertThat(withOp.text()).startsWith(HEADER + ",op\n");
        assertThat(withOp.rows().get(0)).containsExactly((HEADER + ",op").split(","));
        assertThat(InstrumentSampleGenerator.header(true)).containsExactly((HEADER + ",op").split(","));
    }

    @Test
    void writesTheRequestedRecordsWithUniqueValidIsinsAndConsistentFields() {
        SampleOptions options = options().records(5_000).build();
        Output out = generate(options);
        List<String[]> rows = out.rows();

        assertThat(rows).hasSize(5_001);
        assertThat(out.summary().records()).isEqualTo(5_000);
        assertThat(out.summary().baseRecords()).isEqualTo(5_000);
        assertThat(out.summary().distinctIds()).isEqualTo(5_000);
        assertThat(out.summary().bytes()).isEqualTo(out.bytes().length);
        assertThat(out.summary().invalidRows()).isZero();

        Set<String> isins = new HashSet<>();
        Map<String, Integer> byAssetClass = new HashMap<>();
        Instant asOf = options.asOf();
        for (String[] row : data(rows)) {
            assertThat(row).hasSize(12);
            String isin = row[0];
            assertThat(Isin.isValid(isin)).as("valid ISIN %s", isin).isTrue();
            assertThat(isins.add(isin)).as("unique ISIN %s", isin).isTrue();
            assertThat(row[7]).as("country is the ISIN prefix").isEqualTo(isin.substring(0, 2));
            assertThat(row[1]).isNotBlank();
            assertThat(row[2]).isNotBlank();
            assertThat(row[3]).isIn(ASSET_CLASSES);
            assertThat(row[4]).matches(CURRENCY);
            assertThat(row[5]).matches(MIC);
            assertThat(row[6]).isNotBlank();
            assertThat(row[7]).matches(COUNTRY);
            assertThat(row[10]).isIn(STATUSES);
            Instant updatedAt = Instant.parse(row[11]);
            assertThat(updatedAt).isBefore(asOf).isAfter(asOf.minusSeconds(31 * 86_400L));
            assertThat(row[11]).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z");
            byAssetClass.merge(row[3], 1, Integer::sum);
            switch (row[3]) {
                case "BOND" -> {
                    assertThat(LocalDate.parse(row[8])).isAfter(LocalDate.of(2026, 11, 27));
                    assertThat(row[9]).matches(DECIMAL);
                }
                case "WARRANT" -> {
                    assertThat(LocalDate.parse(row[8])).isAfter(LocalDate.of(2026, 11, 27));
                    assertThat(row[9]).isEmpty();
                }
                default -> {
                    assertThat(row[8]).as("no maturity for %s", row[3]).isEmpty();
                    assertThat(row[9]).as("no coupon for %s", row[3]).isEmpty();
                }
            }
            if (row[7].equals("JP") && row[3].equals("EQUITY")) {
                assertThat(row[4]).isEqualTo("JPY");
                assertThat(row[5]).isEqualTo("XTKS");
            }
            if (row[7].equals("US") && row[3].equals("EQUITY")) {
                assertThat(row[4]).isEqualTo("USD");
                assertThat(row[5]).isIn("XNYS", "XNAS");
            }
        }
        assertThat(byAssetClass.keySet()).containsExactlyInAnyOrderElementsOf(ASSET_CLASSES);
        assertThat(byAssetClass.get("EQUITY")).isGreaterThan(byAssetClass.get("ETF"));
    }

    @Test
    void emptyFileHasOnlyTheHeader() {
        Output out = generate(options().records(0).build());
        assertThat(out.text()).isEqualTo(HEADER + "\n");
        assertThat(out.summary().records()).isZero();

        Output noBreak = generate(options().records(0).finalLineBreak(false).build());
        assertThat(noBreak.text()).isEqualTo(HEADER);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Quoting
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void defaultNamesExerciseEveryQuotingPathAndRoundTrip() {
        Output out = generate(options().records(5_000).build());
        List<String[]> data = data(out.rows());
        assertThat(data).hasSize(5_000).allSatisfy(row -> assertThat(row).hasSize(12));

        long commas = data.stream().filter(r -> r[2].contains(",")).count();
        long quotes = data.stream().filter(r -> r[2].contains("\"")).count();
        long lineBreaks = data.stream().filter(r -> r[2].contains("\n")).count();
        long nonAscii = data.stream().filter(r -> r[2].chars().anyMatch(c -> c > 0x7F)).count();
        // Defaults are a few percent each: 4 %, 3 %, 2 %, 5 % of 5,000.
        assertThat(commas).isBetween(100L, 350L);
        assertThat(quotes).isBetween(75L, 250L);
        assertThat(lineBreaks).isBetween(50L, 200L);
        assertThat(nonAscii).isBetween(150L, 400L);
        assertThat(data).as("non-BMP characters (surrogate pairs)")
                .anySatisfy(r -> assertThat(r[2].codePoints().anyMatch(Character::isSupplementaryCodePoint)).isTrue());
        assertThat(data).noneSatisfy(r -> assertThat(r[2]).contains("\r"));
        assertThat(data).as("names that start with a quote").anySatisfy(r -> assertThat(r[2]).startsWith("\""));

        // The parsed values, written again with the minimal RFC 4180 quoting, give back the exact text.
        assertThat(encode(out.rows(), "\n", true)).isEqualTo(out.text());
        assertThat(out.text()).contains("\"\"");
    }

    @Test
    void crlfOutputUsesCrlfBetweenRecordsAndInNames() {
        Output out = generate(options().records(5_000).lineEnding(LineEnding.CRLF).build());
        List<String[]> data = data(out.rows());
        assertThat(data).hasSize(5_000);
        assertThat(data).anySatisfy(r -> assertThat(r[2]).contains("\r\n"));
        assertThat(data).anySatisfy(r -> assertThat(r[2]).containsPattern("[^\r]\n"));
        assertThat(encode(out.rows(), "\r\n", true)).isEqualTo(out.text());
        assertThat(out.text()).endsWith("Z\r\n");
    }

    @Test
    void plainNamesAreAsciiAndNeverQuoted() {
        Output out = generate(options().records(3_000).nameQuirks(NameQuirks.NONE).lineEnding(LineEnding.CRLF).build());
        assertThat(out.text()).doesNotContain("\"");
        for (byte b : out.bytes()) {
            assertThat(b).isGreaterThanOrEqualTo((byte) 0);
        }
        // Every CR is a record terminator: 3,001 lines, each ending with CRLF.
        assertThat(out.text().split("\r\n", -1)).hasSize(3_002);
        assertThat(out.text().chars().filter(c -> c == '\n').count()).isEqualTo(3_001);
        assertThat(data(out.rows())).allSatisfy(r -> assertThat(r[2]).doesNotContain(","));
    }

    @Test
    void everyNameCarriesTheQuirksWhenTheRatesAreOne() {
        Output out = generate(options().records(500).nameQuirks(new NameQuirks(1, 1, 1, 1)).build());
        assertThat(data(out.rows())).hasSize(500).allSatisfy(r -> {
            assertThat(r[2]).contains(",").contains("\"").contains("\n");
            assertThat(r[2].chars().anyMatch(c -> c > 0x7F)).as("non-ASCII in %s", r[2]).isTrue();
        });
        assertThat(encode(out.rows(), "\n", true)).isEqualTo(out.text());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Determinism and output options
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void sameSeedGivesTheSameBytesAndAnotherSeedOtherBytes() {
        SampleOptions options = options().records(2_000).seed(7).opColumn(true).updates(Amount.count(40))
                .olderVersions(Amount.count(20)).deletes(Amount.count(10))
                .invalidRowsOfEachKind(Amount.count(3)).build();
        Output first = generate(options);
        Output again = generate(options);
        Output other = generate(options.toBuilder().seed(8).build());

        assertThat(again.bytes()).isEqualTo(first.bytes());
        assertThat(again.summary()).isEqualTo(first.summary());
        assertThat(other.bytes()).isNotEqualTo(first.bytes());
        assertThat(other.summary().records()).isEqualTo(first.summary().records());

        StringWriter writer = new StringWriter();
        try {
            SampleSummary viaWriter = new InstrumentSampleGenerator(options).writeTo(writer);
            assertThat(viaWriter).isEqualTo(first.summary());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(writer.toString().getBytes(StandardCharsets.UTF_8)).isEqualTo(first.bytes());
    }

    @Test
    void byteOrderMarkIsWrittenOnlyWhenAsked() {
        Output without = generate(options().records(10).build());
        Output with = generate(options().records(10).byteOrderMark(true).build());
        assertThat(Arrays.copyOf(without.bytes(), 3)).isNotEqualTo(BOM);
        assertThat(Arrays.copyOf(with.bytes(), 3)).isEqualTo(BOM);
        assertThat(Arrays.copyOfRange(with.bytes(), 3, with.bytes().length)).isEqualTo(without.bytes());
        assertThat(with.summary().bytes()).isEqualTo(without.summary().bytes() + 3);

        StringWriter writer = new StringWriter();
        try {
            SampleSummary summary = new InstrumentSampleGenerator(options().records(10).byteOrderMark(true).build())
                    .writeTo(writer);
            assertThat(summary.bytes()).isEqualTo(with.bytes().length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(writer.toString()).startsWith("\uFEFF" + HEADER);
    }

    @Test
    void finalLineBreakIsOptional() {
        for (LineEnding ending : LineEnding.values()) {
            Output with = generate(options().records(100).lineEnding(ending).build());
            Output without = generate(options().records(100).lineEnding(ending).finalLineBreak(false).build());
            String eol = ending.sequence();
            assertThat(with.text()).endsWith("Z" + eol);
            assertThat(without.text()).endsWith("Z").isEqualTo(with.text().substring(0, with.text().length() - eol.length()));
            assertThat(without.rows()).hasSize(101);
            assertThat(encode(without.rows(), eol, false)).isEqualTo(without.text());
        }
        Output lf = generate(options().records(3_000).build());
        assertThat(lf.text()).as("LF output has no CR at all").doesNotContain("\r");
    }

    @Test
    void writesAFile(@TempDir Path dir) throws IOException {
        SampleOptions options = options().records(1_000).byteOrderMark(true).build();
        Path file = dir.resolve("instruments.csv");
        SampleSummary summary = InstrumentSampleGenerator.write(file, options);
        assertThat(Files.size(file)).isEqualTo(summary.bytes());
        assertThat(Files.readAllBytes(file)).isEqualTo(generate(options).bytes());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Updates, stale versions, deletes, invalid rows
    // ---------------------------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Placement.class)
    void updatesOlderVersionsAndDeletesReferToEarlierIds(Placement placement) {
        SampleOptions options = options().records(2_000).opColumn(true).placement(placement)
                .updates(Amount.count(50)).olderVersions(Amount.rate(0.015)).deletes(Amount.count(20)).build();
        Output out = generate(options);
        List<String[]> data = data(out.rows());
        assertThat(data).hasSize(2_000 + 50 + 30 + 20);

        Map<String, String[]> base = new HashMap<>();
        Set<String> touched = new HashSet<>();
        int updates = 0;
        int older = 0;
        int deletes = 0;
        int lastBase = -1;
        int firstExtra = Integer.MAX_VALUE;
        for (int i = 0; i < data.size(); i++) {
            String[] row = data.get(i);
            assertThat(row).hasSize(13);
            assertThat(Isin.isValid(row[0])).isTrue();
            assertThat(row[12]).isIn("", "upsert", "delete");
            String[] first = base.get(row[0]);
            if (first == null) {
                assertThat(row[12]).isNotEqualTo("delete");
                base.put(row[0], row);
                lastBase = i;
                continue;
            }
            firstExtra = Math.min(firstExtra, i);
            assertThat(touched.add(row[0])).as("each id is touched at most once: %s", row[0]).isTrue();
            Instant version = Instant.parse(row[11]);
            Instant baseVersion = Instant.parse(first[11]);
            assertThat(version).isNotEqualTo(baseVersion).isBefore(options.asOf());
            for (int c : new int[] {1, 3, 4, 5, 7, 8, 9}) {
                assertThat(row[c]).as("column %d of %s does not change", c, row[0]).isEqualTo(first[c]);
            }
            if (row[12].equals("delete")) {
                deletes++;
                assertThat(version).isAfter(baseVersion);
            } else if (version.isAfter(baseVersion)) {
                updates++;
            } else {
                older++;
                assertThat(Arrays.asList(row)).as("a stale version differs from the current one")
                        .isNotEqualTo(Arrays.asList(first));
                assertThat(row[10]).isNotEqualTo(first[10]);
            }
        }
        assertThat(base).hasSize(2_000);
        assertThat(updates).isEqualTo(50);
        assertThat(older).isEqualTo(30);
        assertThat(deletes).isEqualTo(20);

        SampleSummary summary = out.summary();
        assertThat(summary.records()).isEqualTo(2_100);
        assertThat(summary.distinctIds()).isEqualTo(2_000);
        assertThat(summary.updates()).isEqualTo(50);
        assertThat(summary.olderVersions()).isEqualTo(30);
        assertThat(summary.deletes()).isEqualTo(20);
        assertThat(summary.expectedDocuments()).isEqualTo(1_980);
        if (placement == Placement.APPENDED) {
            assertThat(lastBase).isEqualTo(1_999);
            assertThat(firstExtra).isEqualTo(2_000);
        } else {
            assertThat(firstExtra).isLessThan(lastBase);
        }
    }

    @Test
    void invalidRowsAreInvalidInTheStatedWay() {
        SampleOptions options = options().records(1_000).opColumn(true)
                .invalidRows(InvalidRowKind.BAD_CHECK_DIGIT, Amount.count(12))
                .invalidRows(InvalidRowKind.BAD_DATE, Amount.count(30))
                .invalidRows(InvalidRowKind.BAD_DECIMAL, Amount.rate(0.02))
                .invalidRows(InvalidRowKind.WRONG_COLUMN_COUNT, Amount.count(25))
                .invalidRows(InvalidRowKind.MISSING_ID, Amount.parse("1.5%"))
                .build();
        Output out = generate(options);
        List<String[]> data = data(out.rows());
        assertThat(data).hasSize(1_000 + 12 + 30 + 20 + 25 + 15);

        EnumMap<InvalidRowKind, Integer> found = new EnumMap<>(InvalidRowKind.class);
        Set<String> isins = new HashSet<>();
        int valid = 0;
        boolean badMaturity = false;
        boolean badUpdatedAt = false;
        for (String[] row : data) {
            EnumSet<InvalidRowKind> problems = problems(row, 13);
            assertThat(problems.size()).as("at most one problem in %s", Arrays.toString(row)).isLessThanOrEqualTo(1);
            if (problems.isEmpty()) {
                valid++;
                assertThat(isins.add(row[0])).isTrue();
                continue;
            }
            InvalidRowKind kind = problems.iterator().next();
            found.merge(kind, 1, Integer::sum);
            switch (kind) {
                case BAD_CHECK_DIGIT -> assertThat(Isin.problem(row[0])).startsWith("wrong ISIN check digit");
                case BAD_DATE -> {
                    badMaturity |= !isDate(row[8]);
                    badUpdatedAt |= !isInstant(row[11]);
                }
                case BAD_DECIMAL -> assertThat(row[3]).isEqualTo("BOND");
                case WRONG_COLUMN_COUNT -> assertThat(row.length).satisfiesAnyOf(
                        n -> assertThat(n).isLessThanOrEqualTo(11), n -> assertThat(n).isGreaterThan(13));
                case MISSING_ID -> assertThat(row[0]).isBlank();
            }
        }
        assertThat(valid).isEqualTo(1_000);
        assertThat(found).containsEntry(InvalidRowKind.BAD_CHECK_DIGIT, 12)
                .containsEntry(InvalidRowKind.BAD_DATE, 30)
                .containsEntry(InvalidRowKind.BAD_DECIMAL, 20)
                .containsEntry(InvalidRowKind.WRONG_COLUMN_COUNT, 25)
                .containsEntry(InvalidRowKind.MISSING_ID, 15);
        assertThat(badMaturity).isTrue();
        assertThat(badUpdatedAt).isTrue();

        SampleSummary summary = out.summary();
        assertThat(summary.invalidRows()).isEqualTo(102);
        assertThat(summary.invalid(InvalidRowKind.BAD_DECIMAL)).isEqualTo(20);
        assertThat(summary.invalid(InvalidRowKind.MISSING_ID)).isEqualTo(15);
        assertThat(summary.distinctIds()).isEqualTo(1_000);
        assertThat(summary.records()).isEqualTo(1_102);
    }

    @Test
    void noExtraRowsByDefault() {
        SampleOptions defaults = SampleOptions.defaults();
        assertThat(defaults.totalRows()).isEqualTo(defaults.records());
        Output out = generate(defaults);
        assertThat(out.summary().updates() + out.summary().olderVersions() + out.summary().deletes()
                + out.summary().invalidRows()).isZero();
        assertThat(data(out.rows())).allSatisfy(row -> assertThat(problems(row, 12)).isEmpty());
    }

    @Test
    void rejectsOptionsItCannotHonour() {
        assertThatThrownBy(() -> options().deletes(Amount.count(1)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("op column");
        assertThatThrownBy(() -> options().records(10).updates(Amount.count(6)).olderVersions(Amount.count(5)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most once");
        assertThatThrownBy(() -> options().records(-1).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NameQuirks(1.5, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Amount.rate(-0.1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Amount.parse("2.5%").resolve(1_000)).isEqualTo(25);
        assertThat(Amount.parse("0.01").resolve(1_000)).isEqualTo(10);
        assertThat(Amount.parse("7").resolve(1_000)).isEqualTo(7);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Any seed, any shape
    // ---------------------------------------------------------------------------------------------------------

    @Property(tries = 40)
    void anyOptionsGiveParseableFilesThatRoundTrip(@ForAll long seed, @ForAll @IntRange(max = 300) int records,
                                                   @ForAll boolean crlf, @ForAll boolean finalLineBreak,
                                                   @ForAll boolean bom, @ForAll boolean op,
                                                   @ForAll @IntRange(max = 20) int extra) {
        int touched = Math.min(extra, records / 3);
        SampleOptions.Builder builder = options().seed(seed).records(records)
                .lineEnding(crlf ? LineEnding.CRLF : LineEnding.LF).finalLineBreak(finalLineBreak)
                .byteOrderMark(bom).opColumn(op).nameQuirks(new NameQuirks(0.2, 0.2, 0.2, 0.2))
                .updates(Amount.count(touched)).olderVersions(Amount.count(touched))
                .invalidRowsOfEachKind(Amount.count(extra / 5));
        if (op) {
            builder.deletes(Amount.count(touched));
        }
        SampleOptions options = builder.build();
        Output out = generate(options);

        assertThat(out.summary().records()).isEqualTo(options.totalRows());
        assertThat(out.summary().bytes()).isEqualTo(out.bytes().length);
        assertThat(out.rows()).hasSize((int) options.totalRows() + 1);
        assertThat(encode(out.rows(), options.lineEnding().sequence(), finalLineBreak)).isEqualTo(out.text());
        Set<String> ids = new HashSet<>();
        for (String[] row : data(out.rows())) {
            if (problems(row, op ? 13 : 12).isEmpty()) {
                ids.add(row[0]);
            }
        }
        assertThat(ids).hasSize(records);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Helpers
    // ---------------------------------------------------------------------------------------------------------

    private static SampleOptions.Builder options() {
        return SampleOptions.builder();
    }

    private record Output(byte[] bytes, SampleSummary summary) {
        /** The text after the byte-order mark, if any. */
        String text() {
            int from = hasBom() ? 3 : 0;
            return new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
        }

        boolean hasBom() {
            return bytes.length >= 3 && Arrays.equals(Arrays.copyOf(bytes, 3), BOM);
        }

        /** Every record, header included, as parsed by Jackson. */
        List<String[]> rows() {
            int from = hasBom() ? 3 : 0;
            try (MappingIterator<String[]> it = CSV.readerFor(String[].class)
                    .readValues(bytes, from, bytes.length - from)) {
                return it.readAll();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static Output generate(SampleOptions options) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            SampleSummary summary = new InstrumentSampleGenerator(options).writeTo(bytes);
            return new Output(bytes.toByteArray(), summary);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String[]> data(List<String[]> rows) {
        return rows.subList(1, rows.size());
    }

    /** An independent RFC 4180 writer: quote only fields holding a comma, quote, CR or LF; double the quotes. */
    private static String encode(List<String[]> rows, String eol, boolean finalLineBreak) {
        StringBuilder out = new StringBuilder();
        for (int r = 0; r < rows.size(); r++) {
            if (r > 0) {
                out.append(eol);
            }
            List<String> fields = new ArrayList<>();
            for (String field : rows.get(r)) {
                boolean quote = field.contains(",") || field.contains("\"") || field.contains("\r")
                        || field.contains("\n");
                fields.add(quote ? "\"" + field.replace("\"", "\"\"") + "\"" : field);
            }
            out.append(String.join(",", fields));
        }
        if (finalLineBreak) {
            out.append(eol);
        }
        return out.toString();
    }

    private static EnumSet<InvalidRowKind> problems(String[] row, int columns) {
        EnumSet<InvalidRowKind> problems = EnumSet.noneOf(InvalidRowKind.class);
        if (row.length != columns) {
            problems.add(InvalidRowKind.WRONG_COLUMN_COUNT);
            return problems;
        }
        if (row[0].isBlank()) {
            problems.add(InvalidRowKind.MISSING_ID);
        } else if (!Isin.isValid(row[0])) {
            problems.add(InvalidRowKind.BAD_CHECK_DIGIT);
        }
        if (!row[8].isEmpty() && !isDate(row[8]) || !isInstant(row[11])) {
            problems.add(InvalidRowKind.BAD_DATE);
        }
        if (!row[9].isEmpty() && !DECIMAL.matcher(row[9]).matches()) {
            problems.add(InvalidRowKind.BAD_DECIMAL);
        }
        return problems;
    }

    private static boolean isDate(String text) {
        try {
            LocalDate.parse(text);
            return text.length() == 10;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static boolean isInstant(String text) {
        try {
            Instant.parse(text);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
