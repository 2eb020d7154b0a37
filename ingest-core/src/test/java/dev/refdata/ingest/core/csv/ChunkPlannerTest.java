package dev.refdata.ingest.core.csv;

import dev.refdata.ingest.core.domain.ByteRange;
import dev.refdata.ingest.core.domain.Chunk;
import dev.refdata.ingest.core.domain.ChunkPlan;
import dev.refdata.ingest.core.domain.CsvDialect;
import dev.refdata.ingest.core.domain.ObjectRef;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChunkPlannerTest {

    private static final ObjectRef OBJECT = new ObjectRef("feeds", "2026-11-27/instruments.csv");
    private static final CsvDialect WITH_HEADER = new CsvDialect(',', '"', true);

    private static ChunkPlan plan(String text, long target) throws IOException {
        return plan(text.getBytes(StandardCharsets.UTF_8), WITH_HEADER, target);
    }

    private static ChunkPlan plan(byte[] bytes, CsvDialect dialect, long target) throws IOException {
        return new ChunkPlanner(dialect).plan(OBJECT, new ByteArrayInputStream(bytes), target);
    }

    @Test
    void theHeaderIsNotARecordAndTheDataRegionStartsAfterIt() throws IOException {
        ChunkPlan plan = plan("id,name\n1,a\n2,b\n", 1_000);

        assertThat(plan.header()).containsExactly("id", "name");
        assertThat(plan.dataRegion()).isEqualTo(new ByteRange(8, 16));
        assertThat(plan.records()).isEqualTo(2);
        assertThat(plan.chunks()).containsExactly(new Chunk(0, OBJECT, new ByteRange(8, 16), 2, 2));
    }

    @Test
    void aChunkClosesAtTheFirstRecordEndPastTheTargetSize() throws IOException {
        // records of 4 bytes each: "1,a\n"
        ChunkPlan plan = plan("id,name\n1,a\n2,b\n3,c\n4,d\n5,e\n", 6);

        assertThat(plan.chunks()).extracting(Chunk::range).containsExactly(
                new ByteRange(8, 16), new ByteRange(16, 24), new ByteRange(24, 28));
        assertThat(plan.chunks()).extracting(Chunk::records).containsExactly(2L, 2L, 1L);
        assertThat(plan.chunks()).extracting(Chunk::firstLine).containsExactly(2L, 4L, 6L);
    }

    @Test
    void aBoundaryNeverFallsInsideAQuotedFieldWithLineBreaksDelimitersAndQuotes() throws IOException {
        String text = "id,name\n1,\"multi\r\nline, with \"\"quotes\"\"\n and more\"\n2,b\n";
        ChunkPlan plan = plan(text, 1);

        assertThat(plan.chunks()).hasSize(2);
        assertThat(plan.chunks().get(0).records()).isEqualTo(1);
        assertThat(plan.chunks().get(1).firstLine()).as("three physical lines in the first record").isEqualTo(5);
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        assertThat(new String(bytes, (int) plan.chunks().get(1).range().start(),
                (int) plan.chunks().get(1).range().length(), StandardCharsets.UTF_8)).isEqualTo("2,b\n");
    }

    @Test
    void aByteOrderMarkIsSkippedAndNotPartOfTheFirstColumnName() throws IOException {
        byte[] text = "\uFEFFid,name\r\n1,a\r\n".getBytes(StandardCharsets.UTF_8);
        ChunkPlan plan = plan(text, WITH_HEADER, 100);

        assertThat(plan.header()).containsExactly("id", "name");
        assertThat(plan.dataRegion().start()).isEqualTo(3 + 9);
        assertThat(plan.records()).isEqualTo(1);
    }

    @Test
    void aLastRecordWithoutLineBreakIsCounted() throws IOException {
        ChunkPlan plan = plan("id,name\n1,a\n2,b", 1_000);

        assertThat(plan.records()).isEqualTo(2);
        assertThat(plan.chunks().get(0).range().end()).isEqualTo(15);
    }

    @Test
    void blankLinesAreNotRecordsAndTrailingOnesJoinTheLastChunk() throws IOException {
        ChunkPlan plan = plan("id,name\n\n1,a\n\n\n2,b\n\n", 1);

        assertThat(plan.records()).isEqualTo(2);
        assertThat(plan.blankLines()).isEqualTo(4);
        assertThat(plan.chunks()).extracting(Chunk::range)
                .containsExactly(new ByteRange(8, 13), new ByteRange(13, 20));
        assertThat(plan.chunks()).extracting(Chunk::records).containsExactly(1L, 1L);
    }

    @Test
    void anEmptyObjectHasNoHeaderAndNoChunks() throws IOException {
        ChunkPlan plan = plan("", 10);

        assertThat(plan.objectSize()).isZero();
        assertThat(plan.header()).isEmpty();
        assertThat(plan.chunks()).isEmpty();
        assertThat(plan.records()).isZero();
    }

    @Test
    void aHeaderOnlyObjectHasNoChunks() throws IOException {
        assertThat(plan("id,name\n", 10).chunks()).isEmpty();
        assertThat(plan("id,name", 10).header()).containsExactly("id", "name");
        assertThat(plan("id,name\n\n\n", 10).records()).isZero();
    }

    @Test
    void withoutHeaderTheFirstLineIsARecord() throws IOException {
        ChunkPlan plan = plan("1,a\n2,b\n".getBytes(StandardCharsets.UTF_8), new CsvDialect(';', '\'', false), 1);

        assertThat(plan.header()).isEmpty();
        assertThat(plan.records()).isEqualTo(2);
        assertThat(plan.chunks().get(0).firstLine()).isEqualTo(1);
    }

    @Test
    void otherDelimitersAndQuotesAreHonoured() throws IOException {
        ChunkPlan plan = plan("id;name\n1;'a;\nb'\n2;c\n".getBytes(StandardCharsets.UTF_8),
                new CsvDialect(';', '\'', true), 1);

        assertThat(plan.chunks()).extracting(Chunk::records).containsExactly(1L, 1L);
        assertThat(plan.chunks()).extracting(Chunk::firstLine).containsExactly(2L, 4L);
    }

    @Test
    void aQuoteThatNeverClosesIsAnErrorNamingTheLineWhereItOpened() {
        assertThatThrownBy(() -> plan("id,name\n1,a\n2,\"broken\n3,c\n", 1))
                .isInstanceOf(MalformedCsvException.class)
                .hasMessageContaining("line 3")
                .hasMessageContaining("never closed");
    }

    @Test
    void aHeaderThatNeverEndsIsAnErrorNotAnUnboundedBuffer() {
        byte[] huge = ("\"id" + "x".repeat(ChunkPlanner.MAX_HEADER_BYTES) + "\",name\n").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> plan(huge, WITH_HEADER, 10))
                .isInstanceOf(MalformedCsvException.class)
                .hasMessageContaining("header is longer than");
    }

    @Test
    void chunksTileTheDataRegionWithExactCountsOnALargerFile() throws IOException {
        StringBuilder sb = new StringBuilder("id,name\n");
        for (int i = 0; i < 10_000; i++) {
            sb.append(i).append(",\"name ").append(i).append(i % 7 == 0 ? "\nsecond line" : "").append("\"\n");
        }
        ChunkPlan plan = plan(sb.toString(), 4_096);

        assertThat(plan.records()).isEqualTo(10_000);
        assertThat(plan.chunks().stream().mapToLong(Chunk::records).sum()).isEqualTo(10_000);
        assertThat(plan.chunks()).hasSizeGreaterThan(10);
        List<Chunk> chunks = plan.chunks();
        for (int i = 1; i < chunks.size(); i++) {
            assertThat(chunks.get(i).range().start()).isEqualTo(chunks.get(i - 1).range().end());
        }
    }
}
