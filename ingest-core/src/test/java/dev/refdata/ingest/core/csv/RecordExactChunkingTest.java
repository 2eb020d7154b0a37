package dev.refdata.ingest.core.csv;

import dev.refdata.ingest.core.domain.ByteRange;
import dev.refdata.ingest.core.domain.Chunk;
import dev.refdata.ingest.core.domain.ChunkPlan;
import dev.refdata.ingest.core.domain.CsvDialect;
import dev.refdata.ingest.core.domain.ObjectRef;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * For any CSV content and any chunk size from one byte up, reading the chunks one after the other gives exactly
 * the records of the whole file read at once, which are exactly the records that were written: none lost, none
 * duplicated, none split, each on its line.
 */
class RecordExactChunkingTest {

    private static final CsvDialect DIALECT = new CsvDialect(',', '"', true);
    private static final ObjectRef OBJECT = new ObjectRef("bucket", "day/instruments.csv");

    record Case(CsvText text, boolean header) {
        @Override
        public String toString() {
            return "Case[header=" + header + ", text=" + Arrays.toString(text.bytes()) + "\n"
                    + new String(text.bytes(), java.nio.charset.StandardCharsets.UTF_8).replace("\r", "\\r") + "]";
        }
    }

    @Provide
    Arbitrary<Case> csvFiles() {
        Arbitrary<String> field = Arbitraries.strings()
                .withChars('a', 'b', 'Z', '1', ' ', ',', '"', '\n', '\r', 'é', '東', '\t')
                .ofMinLength(0).ofMaxLength(7);
        Arbitrary<List<String>> record = field.list().ofMinSize(1).ofMaxSize(5);
        Arbitrary<List<List<String>>> records = record.list().ofMinSize(0).ofMaxSize(25);
        Arbitrary<List<Integer>> blanks = Arbitraries.integers().between(0, 2)
                .withDistribution(net.jqwik.api.RandomDistribution.biased()).list().ofMaxSize(25)
                .map(l -> l.stream().map(n -> n == 2 ? 1 : 0).toList());
        Arbitrary<String> lineBreak = Arbitraries.of("\n", "\r\n", "\r");
        Arbitrary<Boolean> flag = Arbitraries.of(true, false);
        return Combinators.combine(records, lineBreak, flag, flag, flag, flag, blanks)
                .as((recs, lb, finalBreak, bom, quoteAll, header, blankBefore) -> new Case(
                        CsvText.write(header ? List.of("id", "name", "note") : null, recs, lb, finalBreak, bom,
                                quoteAll, blankBefore), header));
    }

    @Property(tries = 1000)
    void chunksReadInOrderGiveExactlyTheRecordsOfTheWholeFile(@ForAll("csvFiles") Case csv,
                                                             @ForAll @IntRange(min = 1, max = 300) int chunkBytes,
                                                             @ForAll @IntRange(min = 1, max = 40) int bufferBytes)
            throws IOException {
        CsvDialect dialect = new CsvDialect(',', '"', csv.header());
        byte[] bytes = csv.text().bytes();
        ChunkPlan plan = new ChunkPlanner(dialect, bufferBytes).plan(OBJECT, new ByteArrayInputStream(bytes), chunkBytes);

        List<CsvRecord> whole = read(dialect, bytes, plan.dataRegion(), firstLineOf(plan), 1 << 16);
        assertThat(fieldsOf(whole)).as("the whole file reads back as written")
                .isEqualTo(csv.text().records().stream().map(CsvText.Expected::fields).toList());
        assertThat(whole).extracting(CsvRecord::line).as("each record on the line it starts")
                .containsExactlyElementsOf(csv.text().records().stream().map(CsvText.Expected::line).toList());
        assertThat(plan.records()).isEqualTo(whole.size());

        List<CsvRecord> chunked = new ArrayList<>();
        for (Chunk chunk : plan.chunks()) {
            List<CsvRecord> inChunk = read(dialect, bytes, chunk.range(), chunk.firstLine(), bufferBytes);
            assertThat(inChunk).as("chunk %s holds exactly its planned count", chunk).hasSize((int) chunk.records());
            assertThat(chunk.records()).as("no chunk is empty").isPositive();
            chunked.addAll(inChunk);
        }
        assertThat(fieldsOf(chunked)).isEqualTo(fieldsOf(whole));
        assertThat(chunked).extracting(CsvRecord::line).isEqualTo(whole.stream().map(CsvRecord::line).toList());
        assertThat(chunked).extracting(CsvRecord::offset).isEqualTo(whole.stream().map(CsvRecord::offset).toList());
        if (!plan.chunks().isEmpty()) {
            assertThat(plan.chunks().get(0).range().start()).isEqualTo(plan.dataRegion().start());
            assertThat(plan.chunks().get(plan.chunks().size() - 1).range().end()).isEqualTo(bytes.length);
        }
        for (int i = 0; i + 1 < plan.chunks().size(); i++) {
            assertThat(plan.chunks().get(i).range().length()).as("every chunk but the last reaches the target")
                    .isGreaterThanOrEqualTo(chunkBytes);
        }
    }

    @Property(tries = 500)
    void readingResumedAfterAnyRecordGivesExactlyTheRecordsThatFollowIt(@ForAll("csvFiles") Case csv,
                                                                       @ForAll @IntRange(min = 0, max = 30) int after,
                                                                       @ForAll @IntRange(min = 1, max = 40) int readBytes)
            throws IOException {
        CsvDialect dialect = new CsvDialect(',', '"', csv.header());
        byte[] bytes = csv.text().bytes();
        ChunkPlan plan = new ChunkPlanner(dialect).plan(OBJECT, new ByteArrayInputStream(bytes), Long.MAX_VALUE);
        List<CsvRecord> whole = read(dialect, bytes, plan.dataRegion(), firstLineOf(plan), 1 << 16);
        if (whole.isEmpty()) {
            return;
        }
        CsvRecord checkpoint = whole.get(Math.min(after, whole.size() - 1));

        List<CsvRecord> resumed = read(dialect, bytes, new ByteRange(checkpoint.endOffset(), bytes.length),
                checkpoint.nextLine(), readBytes);

        List<CsvRecord> rest = whole.subList(whole.indexOf(checkpoint) + 1, whole.size());
        assertThat(fieldsOf(resumed)).isEqualTo(fieldsOf(rest));
        assertThat(resumed).extracting(CsvRecord::line).isEqualTo(rest.stream().map(CsvRecord::line).toList());
    }

    @Property(tries = 1000)
    void theScannerFindsTheSameRecordEndsHoweverTheBytesArriveInBuffers(@ForAll("csvFiles") Case csv,
                                                                        @ForAll @IntRange(min = 1, max = 13) int piece) {
        byte[] bytes = csv.text().bytes();
        assertThat(recordEnds(bytes, piece)).isEqualTo(recordEnds(bytes, Math.max(1, bytes.length)));
    }

    /**
     * Fields with long runs of plain bytes (the scanner skips eight bytes a step) among short ones full of
     * delimiters, quotes and line breaks, so that every special byte lands at every position of a word and at
     * every buffer edge.
     */
    @Provide
    Arbitrary<Case> csvFilesWithLongPlainRuns() {
        Arbitrary<String> plain = Arbitraries.strings().withChars('a', 'b', 'Z', '1', ' ', 'é', '東', '\t')
                .ofMinLength(8).ofMaxLength(40);
        Arbitrary<String> special = Arbitraries.strings().withChars('a', ',', '"', '\n', '\r', ' ')
                .ofMinLength(0).ofMaxLength(5);
        Arbitrary<String> field = Arbitraries.frequencyOf(Tuple.of(3, plain), Tuple.of(1, special),
                Tuple.of(1, Combinators.combine(plain, special, plain).as((a, b, c) -> a + b + c)));
        Arbitrary<List<List<String>>> records = field.list().ofMinSize(1).ofMaxSize(5).list().ofMinSize(0).ofMaxSize(12);
        Arbitrary<String> lineBreak = Arbitraries.of("\n", "\r\n", "\r");
        Arbitrary<Boolean> flag = Arbitraries.of(true, false);
        return Combinators.combine(records, lineBreak, flag, flag, flag)
                .as((recs, lb, finalBreak, bom, quoteAll) -> new Case(
                        CsvText.write(null, recs, lb, finalBreak, bom, quoteAll, List.of()), false));
    }

    @Property(tries = 1000)
    void longPlainRunsReadBackAsWrittenAndFrameAlikeHoweverTheBytesArrive(
            @ForAll("csvFilesWithLongPlainRuns") Case csv, @ForAll @IntRange(min = 1, max = 70) int piece)
            throws IOException {
        CsvDialect dialect = new CsvDialect(',', '"', false);
        byte[] bytes = csv.text().bytes();
        ChunkPlan plan = new ChunkPlanner(dialect, piece).plan(OBJECT, new ByteArrayInputStream(bytes), Long.MAX_VALUE);

        List<CsvRecord> whole = read(dialect, bytes, plan.dataRegion(), firstLineOf(plan), piece);

        assertThat(fieldsOf(whole)).isEqualTo(csv.text().records().stream().map(CsvText.Expected::fields).toList());
        assertThat(whole).extracting(CsvRecord::line)
                .containsExactlyElementsOf(csv.text().records().stream().map(CsvText.Expected::line).toList());
        assertThat(recordEnds(bytes, piece)).isEqualTo(recordEnds(bytes, Math.max(1, bytes.length)));
    }

    private static List<Long> recordEnds(byte[] bytes, int piece) {
        int start = bytes.length >= 3 && bytes[0] == (byte) 0xEF ? 3 : 0; // the byte-order mark precedes all records
        BoundaryScanner scanner = new BoundaryScanner(DIALECT, start, 1);
        List<Long> ends = new ArrayList<>();
        for (int from = start; from < bytes.length; from += piece) {
            int to = Math.min(bytes.length, from + piece);
            int pos = from;
            int end;
            while ((end = scanner.nextRecordEnd(bytes, pos, to)) >= 0) {
                ends.add(scanner.recordEnd());
                ends.add(scanner.recordLine());
                pos = end;
            }
        }
        if (scanner.finish()) {
            ends.add(scanner.recordEnd());
            ends.add(scanner.recordLine());
        }
        return ends;
    }

    private static long firstLineOf(ChunkPlan plan) {
        return plan.chunks().isEmpty() ? 1 : plan.chunks().get(0).firstLine();
    }

    static List<CsvRecord> read(CsvDialect dialect, byte[] bytes, ByteRange range, long firstLine, int readBytes)
            throws IOException {
        List<CsvRecord> out = new ArrayList<>();
        try (ChunkRecordReader reader = new ChunkRecordReader(
                new ByteArrayInputStream(bytes, (int) range.start(), (int) range.length()), dialect, range.start(),
                firstLine, 1 << 20, readBytes)) {
            CsvRecord r;
            while ((r = reader.next()) != null) {
                assertThat(r.problem()).as("record %s", r).isNull();
                out.add(r);
            }
        }
        return out;
    }

    private static List<List<String>> fieldsOf(List<CsvRecord> records) {
        return records.stream().map(CsvRecord::fields).toList();
    }
}
