package dev.refdata.ingest.it.badinput;

import dev.refdata.ingest.core.csv.RecordLimits;
import dev.refdata.ingest.it.support.PipelineFixture;
import dev.refdata.ingest.it.support.TestServices;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The loader's memory does not grow with a line: a whole run (plan, load, verify) of a file holding a single
 * 100 MiB line between ordinary records succeeds in a JVM with a 64 MiB heap, the line rejected and every other
 * record indexed. The same run with the record limit raised above the line's size runs out of that heap, which
 * shows that the limit, not luck, is what keeps the heap flat.
 *
 * <p>A functional check in a child process (its own heap, its own {@code -Xmx}), never a timing: the wait is a
 * hang guard only. The child reports its peak heap, which is logged.
 */
class HugeLineHeapIT {

    private static final Logger LOG = LoggerFactory.getLogger(HugeLineHeapIT.class);
    private static final String TAG = "hh" + UUID.randomUUID().toString().substring(0, 6);
    private static final String HEAP = "64m";
    private static final long HANG_GUARD_MINUTES = 15;
    private static final Path TARGET = Path.of(System.getProperty("ingest.it.basedir", "."), "target");

    private static PipelineFixture pipeline;
    private static Path file;

    @BeforeAll
    static void services() throws IOException {
        // for its clean-up of the indices named after TAG; the child runs on local files and SQLite
        pipeline = PipelineFixture.create(TAG, "heap-feeds-" + TAG, "heap-artifacts-" + TAG, "heap-runs-" + TAG,
                List.of());
        file = HugeRecordFiles.write(TARGET.resolve("bad-input"), HugeRecordFiles.HUNDRED_MEGABYTE_LINE);
    }

    @AfterAll
    static void close() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void aHundredMegabyteLineLoadsIn64MegabytesOfHeapRejectedWithEveryOtherRecordIndexed() throws Exception {
        Child child = runChild(TAG + "-capped", RecordLimits.DEFAULTS.maxRecordBytes());

        assertThat(child.exitCode()).as("the child's exit; its output:%n%s", child.output()).isZero();
        Map<String, String> result = child.result();
        int around = HugeRecordFiles.RECORDS_AROUND_THE_LINE;
        assertThat(result).containsEntry("status", "SUCCEEDED")
                .containsEntry("read", String.valueOf(2 * around + 1))
                .containsEntry("indexed", String.valueOf(2 * around))
                .containsEntry("rejected", "1")
                .containsEntry("failedChunks", "0");
        long peak = Long.parseLong(result.get("peakHeapBytes"));
        assertThat(peak).as("peak heap").isLessThanOrEqualTo(64L << 20);
        LOG.info("a {} MiB line planned, loaded and verified with -Xmx{}: peak heap {} MiB ({} bytes)",
                Files.size(file) >> 20, HEAP, peak >> 20, peak);
    }

    @Test
    void withTheRecordLimitAboveTheLinesSizeTheSameRunDoesNotFitInThatHeap() throws Exception {
        Child child = runChild(TAG + "-uncapped", 256 << 20);

        assertThat(child.exitCode()).as("the child's exit; its output:%n%s", child.output()).isNotZero();
        assertThat(child.output()).as("the reader ran out of heap holding the line")
                .contains("OutOfMemoryError").contains("at dev.refdata.ingest.core.csv.ChunkRecordReader")
                .doesNotContain("RESULT ");
    }

    private record Child(int exitCode, String output) {
        Map<String, String> result() {
            Map<String, String> values = new TreeMap<>();
            for (String line : output.split("\n")) {
                if (line.startsWith("RESULT ")) {
                    for (String pair : line.substring("RESULT ".length()).trim().split(" ")) {
                        String[] kv = pair.split("=", 2);
                        values.put(kv[0], kv[1]);
                    }
                }
            }
            assertThat(values).as("the child's RESULT line in:%n%s", output).isNotEmpty();
            return values;
        }
    }

    private static Child runChild(String dataset, int maxRecordBytes) throws Exception {
        Path log = Files.createTempFile(TARGET, dataset, ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + HEAP, "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"),
                HugeLineLoad.class.getName(),
                TARGET.toString(), "bad-input", file.getFileName().toString(),
                TestServices.endpoints().openSearchUrl().toString(), dataset, String.valueOf(maxRecordBytes)));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            if (!process.waitFor(HANG_GUARD_MINUTES, TimeUnit.MINUTES)) {
                throw new AssertionError("the child did not finish within " + HANG_GUARD_MINUTES + " minutes: it hangs;"
                        + " its output:\n" + Files.readString(log, StandardCharsets.UTF_8));
            }
        } finally {
            process.destroyForcibly();
        }
        return new Child(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }
}
