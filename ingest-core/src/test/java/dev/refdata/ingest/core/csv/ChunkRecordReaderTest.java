package dev.refdata.ingest.core.csv;

import dev.refdata.ingest.core.domain.CsvDialect;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChunkRecordReaderTest {

    private static final CsvDialect DIALECT = new CsvDialect(',', '"', true);

    private static List<CsvRecord> readAll(byte[] bytes, long startLine, int maxRecordBytes) throws IOException {
        return readAll(new ByteArrayInputStream(bytes), startLine, maxRecordBytes);
    }

    private static List<CsvRecord> readAll(InputStream in, long startLine, int maxRecordBytes) throws IOException {
        List<CsvRecord> records = new ArrayList<>();
        try (ChunkRecordReader reader = new ChunkRecordReader(in, DIALECT, 1000, startLine, maxRecordBytes)) {
            CsvRecord r;
            while ((r = reader.next()) != null) {
                records.add(r);
            }
        }
        return records;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void recordsCarryTheirAbsoluteLineAndOffsets() throws IOException {
        List<CsvRecord> records = readAll(utf8("a,b\n\"c\nd\",e\r\nf,g"), 41, 1 << 20);

        assertThat(records).extracting(CsvRecord::line).containsExactly(41L, 42L, 44L);
        assertThat(records).extracting(CsvRecord::offset).containsExactly(1000L, 1004L, 1013L);
        assertThat(records).extracting(CsvRecord::endOffset).containsExactly(1004L, 1013L, 1016L);
        assertThat(records).extracting(CsvRecord::nextLine).containsExactly(42L, 44L, 44L);
        assertThat(records.get(1).fields()).containsExactly("c\nd", "e");
        assertThat(records.get(1).raw()).isEqualTo("\"c\nd\",e");
    }

    @Test
    void emptyCellsAreEmptyStringsAndBlankLinesAreSkipped() throws IOException {
        List<CsvRecord> records = readAll(utf8("a,,\"\"\n\n,\n"), 1, 1 << 20);

        assertThat(records).hasSize(2);
        assertThat(records.get(0).fields()).containsExactly("a", "", "");
        assertThat(records.get(1).fields()).containsExactly("", "");
        assertThat(records.get(1).line()).isEqualTo(3);
    }

    @Test
    void textAfterAClosingQuoteMakesOnlyThatRecordMalformedAndReadingGoesOn() throws IOException {
        List<CsvRecord> records = readAll(utf8("1,ok\n2,\"bad\"tail,x\n3,fine\n"), 7, 1 << 20);

        assertThat(records).hasSize(3);
        assertThat(records.get(0).fields()).containsExactly("1", "ok");
        assertThat(records.get(1).isMalformed()).isTrue();
        assertThat(records.get(1).line()).isEqualTo(8);
        assertThat(records.get(1).problem()).contains("Expected column separator");
        assertThat(records.get(1).raw()).isEqualTo("2,\"bad\"tail,x");
        assertThat(records.get(2).fields()).containsExactly("3", "fine");
    }

    @Test
    void badRecordsAtTheEdgesOfAParseGroupAreTheOnlyOnesReportedAndEveryOtherRecordReadsInOrder() throws IOException {
        int n = 3 * ChunkRecordReader.PARSE_GROUP + 5;
        List<Integer> bad = List.of(0, ChunkRecordReader.PARSE_GROUP - 1, ChunkRecordReader.PARSE_GROUP,
                2 * ChunkRecordReader.PARSE_GROUP + 1, n - 1);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < n; i++) {
            text.append(bad.contains(i) ? i + ",\"x\"y\n" : i + ",v" + i + "\n");
            if (i == 100) {
                text.append("\n"); // a blank line inside a group takes a line number but gives no record
            }
        }

        List<CsvRecord> records = readAll(utf8(text.toString()), 1, 1 << 20);

        assertThat(records).hasSize(n);
        for (int i = 0; i < n; i++) {
            CsvRecord record = records.get(i);
            assertThat(record.line()).as("record %d", i).isEqualTo(i <= 100 ? i + 1 : i + 2);
            if (bad.contains(i)) {
                assertThat(record.isMalformed()).as("record %d", i).isTrue();
                assertThat(record.raw()).isEqualTo(i + ",\"x\"y");
            } else {
                assertThat(record.fields()).as("record %d", i).containsExactly(String.valueOf(i), "v" + i);
            }
        }
    }

    @Test
    void invalidUtf8IsReportedForItsRecordNeverReplacedSilently() throws IOException {
        byte[] bytes = {'1', ',', 'o', 'k', '\n', '2', ',', (byte) 0xC3, (byte) 0x28, '\n', '3', ',', 'x', '\n'};
        List<CsvRecord> records = readAll(bytes, 1, 1 << 20);

        assertThat(records).extracting(CsvRecord::isMalformed).containsExactly(false, true, false);
        assertThat(records.get(1).problem()).contains("invalid UTF-8");
        assertThat(records.get(1).line()).isEqualTo(2);
    }

    @Test
    void anOversizedRecordIsReportedWithItsFirstBytesAndTheNextRecordsStillRead() throws IOException {
        String huge = "2," + "x".repeat(300_000);
        List<CsvRecord> records = readAll(utf8("1,a\n" + huge + "\n3,c\n"), 1, 64 * 1024);

        assertThat(records).hasSize(3);
        CsvRecord big = records.get(1);
        assertThat(big.isMalformed()).isTrue();
        assertThat(big.problem()).contains("300003 bytes long, over the limit of 65536");
        assertThat(big.rawTruncated()).isTrue();
        assertThat(big.rawBytes()).hasSize(ChunkRecordReader.OVERSIZE_PREVIEW_BYTES);
        assertThat(big.line()).isEqualTo(2);
        assertThat(records.get(2).fields()).containsExactly("3", "c");
        assertThat(records.get(2).offset()).isEqualTo(1000 + 4 + huge.length() + 1);
    }

    @Test
    void anOversizedLastRecordWithoutLineBreakIsReportedToo() throws IOException {
        List<CsvRecord> records = readAll(utf8("1,a\n2," + "y".repeat(100_000)), 1, 1024);

        assertThat(records).hasSize(2);
        assertThat(records.get(1).problem()).contains("over the limit of 1024");
    }

    @Test
    void aQuoteOpenAtTheEndOfTheInputIsAnError() {
        assertThatThrownBy(() -> readAll(utf8("1,a\n2,\"open\n"), 5, 1 << 20))
                .isInstanceOf(MalformedCsvException.class)
                .hasMessageContaining("line 6");
    }

    @Test
    void offsetIsWhereReadingWouldResume() throws IOException {
        try (ChunkRecordReader reader = new ChunkRecordReader(new ByteArrayInputStream(utf8("1,a\n2,b\n")), DIALECT,
                500, 3)) {
            assertThat(reader.offset()).isEqualTo(500);
            reader.next();
            assertThat(reader.offset()).isEqualTo(504);
            reader.next();
            assertThat(reader.offset()).isEqualTo(508);
            assertThat(reader.next()).isNull();
        }
    }

    @Test
    void aHugeLineIsReadInBoundedMemory() throws IOException {
        // 64 MiB of one record, streamed: the reader keeps only its limit plus a read buffer
        long size = 64L << 20;
        InputStream endless = new InputStream() {
            long left = size;

            @Override
            public int read() {
                return left-- > 0 ? 'z' : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                java.util.Arrays.fill(b, off, off + n, (byte) 'z');
                left -= n;
                return n;
            }
        };
        List<CsvRecord> records = readAll(endless, 1, 1 << 20);

        assertThat(records).hasSize(1);
        assertThat(records.get(0).endOffset() - records.get(0).offset()).isEqualTo(size);
        assertThat(records.get(0).isMalformed()).isTrue();
    }

    @Test
    void aNulCharacterMakesOnlyItsRecordMalformedNamingIt() throws IOException {
        List<CsvRecord> records = readAll(utf8("1,ok\n2,a\u0000b\n3,x\n"), 1, 1 << 20);

        assertThat(records).extracting(CsvRecord::isMalformed).containsExactly(false, true, false);
        assertThat(records.get(1).problem()).contains("NUL character").contains("character 4");
        assertThat(records.get(1).line()).isEqualTo(2);
    }

    @Test
    void aByteOrderMarkAfterTheStartMakesItsRecordMalformedInsteadOfHidingInAnId() throws IOException {
        List<CsvRecord> records = readAll(utf8("1,ok\n\uFEFF2,b\n3,x\n"), 1, 1 << 20);

        assertThat(records).extracting(CsvRecord::isMalformed).containsExactly(false, true, false);
        assertThat(records.get(1).problem()).contains("byte-order mark (U+FEFF)");
        assertThat(records.get(2).fields()).containsExactly("3", "x");
    }

    @Test
    void aFieldOverItsLimitMakesItsRecordMalformedNamingTheFieldAndItsUtf8Size() throws IOException {
        // 200 two-byte characters: 400 bytes in UTF-8, over a 300-byte field limit though only 200 chars long
        String wide = "\u00e9".repeat(200);
        byte[] bytes = utf8("1,ok,x\n2,\"" + wide + "\",y\n3,fine,z\n");
        List<CsvRecord> records = new ArrayList<>();
        try (ChunkRecordReader reader = new ChunkRecordReader(new ByteArrayInputStream(bytes), DIALECT, 0, 1,
                new RecordLimits(1 << 20, 300))) {
            CsvRecord r;
            while ((r = reader.next()) != null) {
                records.add(r);
            }
        }

        assertThat(records).extracting(CsvRecord::isMalformed).containsExactly(false, true, false);
        assertThat(records.get(1).problem()).isEqualTo("field 2 is 400 bytes long, over the limit of 300 bytes");
        assertThat(records.get(1).line()).isEqualTo(2);
        assertThat(records.get(2).fields()).containsExactly("3", "fine", "z");
    }

    @Test
    void aFieldExactlyAtItsLimitIsRead() throws IOException {
        byte[] bytes = utf8("1," + "a".repeat(300) + "\n");
        try (ChunkRecordReader reader = new ChunkRecordReader(new ByteArrayInputStream(bytes), DIALECT, 0, 1,
                new RecordLimits(1 << 20, 300))) {
            assertThat(reader.next().isMalformed()).isFalse();
        }
    }

    @Test
    void limitsRefuseAFieldLimitAboveTheRecordLimit() {
        assertThatThrownBy(() -> new RecordLimits(1024, 2048)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxFieldBytes");
    }

    @Test
    void aQuoteInsideAnUnquotedFieldMakesItsRecordMalformedWhileQuotedAndDoubledQuotesRead() throws IOException {
        List<CsvRecord> records = readAll(utf8("1,\"a \"\"b\"\" c\",\"\"\n2,he said \"hi\"\n3, \"x\"\n4,\"\"\"\"\n"), 1,
                1 << 20);

        assertThat(records).extracting(CsvRecord::isMalformed).containsExactly(false, true, true, false);
        assertThat(records.get(0).fields()).containsExactly("1", "a \"b\" c", "");
        assertThat(records.get(1).problem()).isEqualTo("a quote inside an unquoted field at character 11 of the "
                + "record: quote the whole field, and double the quotes inside it");
        assertThat(records.get(2).problem()).as("a blank before the opening quote: the field is unquoted")
                .contains("a quote inside an unquoted field at character 4");
        assertThat(records.get(3).fields()).containsExactly("4", "\"");
    }
}
