package dev.refdata.ingest.core.csv;

import dev.refdata.ingest.core.domain.ByteRange;
import dev.refdata.ingest.core.domain.Chunk;
import dev.refdata.ingest.core.domain.ChunkPlan;
import dev.refdata.ingest.core.domain.CsvDialect;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.sample.InstrumentSampleGenerator;
import dev.refdata.ingest.core.sample.SampleOptions;
import dev.refdata.ingest.core.testing.InMemoryObjectStore;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GzipStagerTest {

    private static final CsvDialect DIALECT = CsvDialect.RFC4180_WITH_HEADER;
    private static final ObjectRef GZ = new ObjectRef("feeds", "2026-11-27/instruments.csv.gz");

    private final InMemoryObjectStore objects = new InMemoryObjectStore();

    private static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(plain);
        }
        return out.toByteArray();
    }

    private static byte[] sample(SampleOptions options) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new InstrumentSampleGenerator(options).writeTo(out);
        return out.toByteArray();
    }

    private List<CsvRecord> readPart(Chunk part) throws IOException {
        List<CsvRecord> records = new ArrayList<>();
        try (InputStream in = objects.openRange(part.object(), part.range());
             ChunkRecordReader reader = new ChunkRecordReader(in, DIALECT, 0, part.firstLine())) {
            CsvRecord r;
            while ((r = reader.next()) != null) {
                records.add(r);
            }
        }
        return records;
    }

    @Test
    void stagedPartsHoldExactlyTheRecordsOfTheDecompressedFileOnTheirOriginalLines() throws IOException {
        byte[] plain = sample(SampleOptions.builder().records(20_000).seed(3).lineEnding(SampleOptions.LineEnding.CRLF)
                .byteOrderMark(true).opColumn(true).build());
        objects.with(GZ, gzip(plain));

        GzipStager.Staged staged = new GzipStager(DIALECT, objects).stage(GZ, "artifacts", "staging/run-1/instruments/",
                256 * 1024);

        ChunkPlan whole = new ChunkPlanner(DIALECT).plan(GZ, new ByteArrayInputStream(plain), Long.MAX_VALUE);
        List<CsvRecord> expected = ChunkingTestReads.readAll(plain, whole);
        List<CsvRecord> actual = new ArrayList<>();
        for (Chunk part : staged.parts()) {
            List<CsvRecord> records = readPart(part);
            assertThat(records).as("part %s", part.object()).hasSize((int) part.records());
            actual.addAll(records);
        }
        assertThat(staged.header()).isEqualTo(whole.header());
        assertThat(staged.records()).isEqualTo(20_000);
        assertThat(staged.parts()).hasSizeGreaterThan(5);
        assertThat(staged.parts()).extracting(p -> p.object().key())
                .startsWith("staging/run-1/instruments/part-000001.csv", "staging/run-1/instruments/part-000002.csv");
        assertThat(actual).extracting(CsvRecord::fields)
                .containsExactlyElementsOf(expected.stream().map(CsvRecord::fields).toList());
        assertThat(actual).extracting(CsvRecord::line)
                .containsExactlyElementsOf(expected.stream().map(CsvRecord::line).toList());
    }

    @Test
    void anEmptyGzipFileStagesNothing() throws IOException {
        objects.with(GZ, gzip(new byte[0]));

        GzipStager.Staged staged = new GzipStager(DIALECT, objects).stage(GZ, "artifacts", "staging/r/", 1024);

        assertThat(staged.parts()).isEmpty();
        assertThat(objects.keys("artifacts", "staging/")).isEmpty();
    }

    @Test
    void aFileThatIsNotGzipIsNamedAsSuch() {
        objects.with(GZ, "isin,ticker\n".getBytes());

        assertThatThrownBy(() -> new GzipStager(DIALECT, objects).stage(GZ, "artifacts", "staging/r/", 1024))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("feeds/2026-11-27/instruments.csv.gz: not a valid gzip file (");
    }

    @Test
    void aTruncatedGzipFileIsNamedAndLeavesNoHalfWrittenPart() throws IOException {
        byte[] gz = gzip(sample(SampleOptions.builder().records(5_000).build()));
        objects.with(GZ, Arrays.copyOf(gz, gz.length / 2));

        assertThatThrownBy(() -> new GzipStager(DIALECT, objects).stage(GZ, "artifacts", "staging/r/", 64 * 1024))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(": a truncated gzip file (");
        for (String key : objects.keys("artifacts", "staging/r/")) {
            assertThat(objects.text(new ObjectRef("artifacts", key))).as("published parts end on a record boundary")
                    .endsWith("\n");
        }
    }

    /** Reads the data region of a plain file in one go. */
    static final class ChunkingTestReads {
        static List<CsvRecord> readAll(byte[] bytes, ChunkPlan plan) throws IOException {
            return RecordExactChunkingTest.read(DIALECT, bytes, new ByteRange(plan.dataRegion().start(),
                    plan.dataRegion().end()), plan.chunks().get(0).firstLine(), 1 << 16);
        }
    }
}
