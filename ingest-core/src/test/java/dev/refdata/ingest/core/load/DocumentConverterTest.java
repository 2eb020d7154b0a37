package dev.refdata.ingest.core.load;

import dev.refdata.ingest.core.csv.ChunkRecordReader;
import dev.refdata.ingest.core.csv.CsvRecord;
import dev.refdata.ingest.core.domain.ColumnCheck;
import dev.refdata.ingest.core.domain.ColumnSpec;
import dev.refdata.ingest.core.domain.ColumnType;
import dev.refdata.ingest.core.domain.CsvDialect;
import dev.refdata.ingest.core.domain.DatasetSpec;
import dev.refdata.ingest.core.domain.HeaderLayout;
import dev.refdata.ingest.core.domain.IdHash;
import dev.refdata.ingest.core.domain.IndexSettings;
import dev.refdata.ingest.core.spec.DatasetCatalog;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exact bulk lines the converter writes for the built-in instruments dataset, and the exact reasons it gives
 * for records it leaves out: the bytes OpenSearch receives, pinned.
 */
class DocumentConverterTest {

    private static final String HEADER = "isin,ticker,name,asset_class,currency,mic,issuer,country,maturity,coupon,"
            + "status,updated_at,op\n";

    private final DatasetSpec spec = DatasetCatalog.builtIn().get("instruments");
    private final HeaderLayout layout = HeaderLayout.resolve(spec, List.of(HEADER.trim().split(",")));

    private record Converted(String bulk, List<String> reasons) {
    }

    private Converted convert(String rows) throws IOException {
        byte[] csv = (HEADER + rows).getBytes(StandardCharsets.UTF_8);
        int start = HEADER.length();
        DocumentConverter converter = new DocumentConverter(spec, layout, "run-1", "feeds/day/instruments.csv");
        BulkBuffer buffer = new BulkBuffer(1024);
        List<String> reasons = new ArrayList<>();
        try (ChunkRecordReader reader = new ChunkRecordReader(new ByteArrayInputStream(csv, start, csv.length - start),
                new CsvDialect(',', '"', true), start, 2)) {
            CsvRecord record;
            while ((record = reader.next()) != null) {
                String reason = converter.append(record, buffer);
                if (reason != null) {
                    reasons.add("line " + record.line() + ": " + reason);
                }
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        buffer.writeTo(out);
        return new Converted(out.toString(StandardCharsets.UTF_8), reasons);
    }

    @Test
    void aFullRecordBecomesAnExternallyVersionedIndexActionAndItsDocument() throws IOException {
        Converted c = convert("US0378331005,AAPL,\"Apple \"\"Inc\"\", ré\nnamed\",equity,USD,XNAS,Apple,US,2030-06-15,"
                + "1.25,active,2026-11-27T02:00:00.123+01:00,\n");

        assertThat(c.reasons()).isEmpty();
        assertThat(c.bulk()).isEqualTo("{\"index\":{\"_id\":\"US0378331005\",\"version\":1795741200123,"
                + "\"version_type\":\"external\"}}\n"
                + "{\"isin\":\"US0378331005\",\"ticker\":\"AAPL\",\"name\":\"Apple \\\"Inc\\\", ré\\nnamed\","
                + "\"asset_class\":\"equity\",\"currency\":\"USD\",\"mic\":\"XNAS\",\"issuer\":\"Apple\","
                + "\"country\":\"US\",\"maturity\":\"2030-06-15\",\"coupon\":1.25,\"status\":\"active\","
                + "\"updated_at\":\"2026-11-27T02:00:00.123+01:00\",\"ingest\":{\"run_id\":\"run-1\","
                + "\"source\":\"feeds/day/instruments.csv\",\"line\":2}}\n");
    }

    @Test
    void emptyCellsAreAbsentFieldsAndADeleteCarriesOnlyItsIdAndVersion() throws IOException {
        Converted c = convert("DE0007164600,,,,,,,,,,,2026-11-27T00:00:00Z,upsert\n"
                + "DE0007164600,,,,,,,,,,,2026-11-28T00:00:00Z,DELETE\n");

        assertThat(c.reasons()).isEmpty();
        assertThat(c.bulk()).isEqualTo("{\"index\":{\"_id\":\"DE0007164600\",\"version\":1795737600000,"
                + "\"version_type\":\"external\"}}\n"
                + "{\"isin\":\"DE0007164600\",\"updated_at\":\"2026-11-27T00:00:00Z\",\"ingest\":{\"run_id\":\"run-1\","
                + "\"source\":\"feeds/day/instruments.csv\",\"line\":2}}\n"
                + "{\"delete\":{\"_id\":\"DE0007164600\",\"version\":1795824000000,\"version_type\":\"external\"}}\n");
    }

    @Test
    void timestampsAndDatesInLessCommonShapesAreStillReadByJavaTime() throws IOException {
        Converted c = convert("DE0007164600,,,,,,,,2030-06-15,,,2026-11-27t02:00+00:00:00,\n");

        assertThat(c.reasons()).isEmpty();
        assertThat(c.bulk()).startsWith("{\"index\":{\"_id\":\"DE0007164600\",\"version\":1795744800000,");
    }

    @Test
    void recordsThatCannotBeConvertedAreLeftOutWithTheirReason() throws IOException {
        Converted c = convert("""
                US0378331006,,,,,,,,,,,2026-11-27T00:00:00Z,
                US0378331005,,,,,,,,2026-02-30,,,2026-11-27T00:00:00Z,
                US0378331005,,,,,,,,,1e5,,2026-11-27T00:00:00Z,
                US0378331005,,,,,,,,,,,2026-11-27T25:00:00Z,
                US0378331005,,,,,,,,,,,,
                US0378331005,,,,,,,,,,,2026-11-27T00:00:00Z,merge
                US0378331005,,,,USDX,,,,,,,2026-11-27T00:00:00Z,
                US0378331005,only,three
                """);

        assertThat(c.bulk()).isEmpty();
        assertThat(c.reasons()).hasSize(8);
        assertThat(c.reasons().get(1)).isEqualTo("line 3: column 'maturity': '2026-02-30' is not a date (yyyy-MM-dd)");
        assertThat(c.reasons().get(2)).isEqualTo("line 4: column 'coupon': '1e5' is not a decimal number");
        assertThat(c.reasons().get(3)).isEqualTo("line 5: column 'updated_at': '2026-11-27T25:00:00Z' is not an "
                + "ISO-8601 timestamp with offset (e.g. 2026-11-27T02:00:00Z)");
        assertThat(c.reasons().get(4)).isEqualTo("line 6: column 'updated_at' is required but empty");
        assertThat(c.reasons().get(5)).startsWith("line 7: column 'op': unknown operation 'merge'");
        assertThat(c.reasons().get(6)).isEqualTo("line 8: column 'currency' holds 4 characters, more than its limit of 3");
        assertThat(c.reasons().get(7)).isEqualTo("line 9: expected 13 columns, found 3");
        assertThat(c.reasons().get(0)).startsWith("line 2: column 'isin': ");
    }

    @Test
    void identifyAcceptsAndRejectsExactlyAsAppendAndNamesIdVersionAndOperationWithoutWritingAnything()
            throws IOException {
        String rows = """
                US0378331006,,,,,,,,,,,2026-11-27T00:00:00Z,
                US0378331005,,,,,,,,2026-02-30,,,2026-11-27T00:00:00Z,
                US0378331005,AAPL,Apple,equity,USD,XNAS,Apple,US,,,active,2026-11-27T02:00:00.123+01:00,upsert
                US0378331005,,,,USDX,,,,,,,2026-11-28T00:00:00Z,delete
                US0378331005,,,,,,,,,,,2026-11-27T00:00:00Z,merge
                US0378331005,only,three
                """;
        byte[] csv = (HEADER + rows).getBytes(StandardCharsets.UTF_8);
        int start = HEADER.length();
        DocumentConverter identifying = new DocumentConverter(spec, layout, "run-1", "feeds/day/instruments.csv");
        DocumentConverter appending = new DocumentConverter(spec, layout, "run-1", "feeds/day/instruments.csv");
        BulkBuffer buffer = new BulkBuffer(1024);
        List<String> identified = new ArrayList<>();
        try (ChunkRecordReader reader = new ChunkRecordReader(new ByteArrayInputStream(csv, start, csv.length - start),
                new CsvDialect(',', '"', true), start, 2)) {
            CsvRecord record;
            while ((record = reader.next()) != null) {
                String reason = identifying.identify(record);
                assertThat(reason).as("line %d", record.line()).isEqualTo(appending.append(record, buffer));
                if (reason == null) {
                    assertThat(identifying.lastId()).isEqualTo(appending.lastId());
                    assertThat(identifying.lastIdHash()).isEqualTo(IdHash.of(identifying.lastId()));
                    assertThat(identifying.lastVersion()).isEqualTo(appending.lastVersion());
                    identified.add(identifying.lastId() + " " + identifying.lastVersion() + " "
                            + identifying.lastOperation());
                }
            }
        }

        assertThat(identified).containsExactly("US0378331005 1795741200123 UPSERT",
                "US0378331005 1795824000000 DELETE"); // a delete's other columns are not checked
        assertThat(buffer.items()).as("append wrote the two accepted records").isEqualTo(2);
    }

    private static ColumnSpec required(String name) {
        return new ColumnSpec(name, ColumnType.STRING, true, false, ColumnSpec.DEFAULT_MAX_LENGTH, ColumnCheck.NONE);
    }

    @Test
    void theIdHashFromARecordsBytesIsTheHashOfItsIdEvenWithQuotesAndLettersBeyondAscii() throws IOException {
        DatasetSpec venues = new DatasetSpec("venues", new CsvDialect(',', '"', true),
                List.of(required("code"), required("city"), ColumnSpec.of("name", ColumnType.STRING)),
                List.of("code", "city"), null, null, new IndexSettings("venues", 1, 0));
        String header = "code,city,name\n";
        String rows = "XLON,London,London Stock Exchange\n"
                + "\"X\"\"Q\",Zürich,SIX\n"
                + "XPAR,\"Paris \"\"Euronext\"\"\",Euronext\n"
                + "株式,東京,Japan Exchange\n";
        byte[] csv = (header + rows).getBytes(StandardCharsets.UTF_8);
        int start = header.length();
        DocumentConverter converter = new DocumentConverter(venues,
                HeaderLayout.resolve(venues, List.of("code", "city", "name")), "run-1", "venues.csv");
        List<String> ids = new ArrayList<>();
        try (ChunkRecordReader reader = new ChunkRecordReader(new ByteArrayInputStream(csv, start, csv.length - start),
                venues.dialect(), start, 2)) {
            CsvRecord record;
            while ((record = reader.next()) != null) {
                assertThat(converter.identify(record)).isNull();
                ids.add(converter.lastId());
                assertThat(converter.lastIdHash()).as(converter.lastId()).isEqualTo(IdHash.of(converter.lastId()));
            }
        }

        assertThat(ids).containsExactly("XLON|London", "X\"Q|Zürich", "XPAR|Paris \"Euronext\"", "株式|東京");
    }
}
