package dev.refdata.ingest.core.verify;

import dev.refdata.ingest.core.domain.ChunkCounters;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RunReportMarkdownTest {

    private static RunReport failedReport() {
        return new RunReport("instruments-20261127-full-aaaa0001", "instruments", "2026-11-27", "full", 2, "FAILED",
                "chunks not completed: #1 FAILED", "instruments", "instruments-20261127-aaaa0001",
                Instant.parse("2026-11-27T10:00:00Z"), Instant.parse("2026-11-27T10:01:00Z"), 1234.4,
                new ChunkCounters(1500, 1490, 5, 3, 2, 4), 2000,
                List.of(new RunReport.ChunkLine(0, "/feeds/i.csv", 0, 100, 1, 1000, "COMPLETED", 1, null,
                                new ChunkCounters(1000, 995, 5, 0, 0, 0), Instant.parse("2026-11-27T10:00:01Z"),
                                Instant.parse("2026-11-27T10:00:04Z"), 3000L),
                        new RunReport.ChunkLine(1, "/feeds/i.csv", 100, 200, 1001, 1000, "FAILED", 3,
                                "400 bad | request\nsecond line", new ChunkCounters(500, 495, 0, 3, 2, 4), null, null,
                                null)),
                List.of(new RunReport.RejectLine(1, "/feeds/i.csv", 1042, "isin: bad check digit")),
                List.of(new RunReport.Check("every chunk completed", false, "#1 FAILED")));
    }

    @Test
    void itSummarisesTheRunItsTotalsChecksChunksAndFirstRejects() {
        String md = RunReportMarkdown.render(failedReport());

        assertThat(md).startsWith("# Run instruments-20261127-full-aaaa0001: FAILED\n")
                .contains("**Reason:** chunks not completed: #1 FAILED")
                .contains("| records per second | 1,234 |")
                .contains("| 2,000 | 1,500 | 1,490 | 5 | 3 | 2 | 4 |")
                .contains("| every chunk completed | **no** | #1 FAILED |")
                .contains("| 0 | COMPLETED | 1,000 | 995 | 5 | 0 | 0 | 0 | 1 | 3.0 s |  |")
                .contains("| 1 | /feeds/i.csv | 1042 | isin: bad check digit |");
    }

    @Test
    void aCellNeverBreaksTheTable() {
        String md = RunReportMarkdown.render(failedReport());

        assertThat(md).contains("| 1 | FAILED | 500 | 495 | 0 | 3 | 2 | 4 | 3 |  | 400 bad \\| request second line |");
    }
}
