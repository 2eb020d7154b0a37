package dev.refdata.ingest.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refdata.ingest.core.domain.ChunkCounters;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class RunSummaryTest {

    private static final ChunkCounters TOTALS = new ChunkCounters(20_000, 19_990, 4, 3, 3, 2);

    private static String text(RunSummary summary) {
        StringWriter out = new StringWriter();
        summary.print(new PrintWriter(out, true));
        return out.toString();
    }

    @Test
    void asJsonItIsOneDocumentWithTheRunStatusAndEveryTotal() throws Exception {
        RunSummary summary = new RunSummary("instruments-20261127-full-aaaa0001", "SUCCEEDED", null, null, TOTALS,
                20_000, 6, Duration.ofSeconds(10), Optional.of(Duration.ofMillis(2500)),
                Optional.of(Duration.ofMillis(4000)), "/s/reports/x.json", "/s/reports/x.md", false);

        JsonNode json = new ObjectMapper().readTree(summary.toJson());

        assertThat(json.get("runId").asText()).isEqualTo("instruments-20261127-full-aaaa0001");
        assertThat(json.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(json.at("/totals/records").asLong()).isEqualTo(20_000);
        assertThat(json.at("/totals/indexed").asLong()).isEqualTo(19_990);
        assertThat(json.at("/totals/deleted").asLong()).isEqualTo(4);
        assertThat(json.at("/totals/stale").asLong()).isEqualTo(3);
        assertThat(json.at("/totals/rejected").asLong()).isEqualTo(3);
        assertThat(json.get("recordsPerSecond").asLong()).isEqualTo(2_000);
        assertThat(json.get("firstBulkRequestSeconds").asDouble()).isEqualTo(2.5);
        assertThat(json.get("firstBulkRequestSecondsSinceCommandStart").asDouble()).isEqualTo(4.0);
        assertThat(json.get("reportMarkdown").asText()).isEqualTo("/s/reports/x.md");
    }

    @Test
    void aFailedRunPrintsItsErrorAndTheStatusAndRerunCommandsToRunNext() {
        RunSummary summary = new RunSummary("instruments-20261127-full-aaaa0002", "FAILED", "RunVerificationFailed",
                "run instruments-20261127-full-aaaa0002 FAILED: chunks not completed: #3 FAILED", TOTALS, 20_000, 6,
                Duration.ofSeconds(10), Optional.empty(), Optional.empty(), null, null, false);

        String text = text(summary);

        assertThat(summary.succeeded()).isFalse();
        assertThat(text).contains("run instruments-20261127-full-aaaa0002 FAILED in 10.0 s")
                .contains("RunVerificationFailed: run instruments-20261127-full-aaaa0002 FAILED: chunks not completed")
                .contains("records 20,000 of 20,000 planned in 6 chunks: indexed 19,990, deleted 4, stale 3, rejected 3")
                .contains("next step: ingest status --run-id instruments-20261127-full-aaaa0002")
                .contains("ingest rerun --run-id instruments-20261127-full-aaaa0002");
    }

    @Test
    void aRunThatHadSucceededBeforeSaysNothingWasLoaded() {
        RunSummary summary = new RunSummary("instruments-20261127-full-aaaa0003", "SUCCEEDED", null, null, TOTALS,
                20_000, 6, Duration.ofMillis(300), Optional.empty(), Optional.empty(), null, null, true);

        assertThat(text(summary)).contains("had succeeded already").contains(" 0 records/s")
                .doesNotContain("next step");
    }

    @Test
    void aLocalReportIsAPathAndAnS3ReportAnS3Url() {
        assertThat(RunSummary.location(new dev.refdata.ingest.core.domain.ObjectRef("/home/me/.ingest", "reports/r.json")))
                .isEqualTo("/home/me/.ingest/reports/r.json");
        assertThat(RunSummary.location(new dev.refdata.ingest.core.domain.ObjectRef("artifacts", "reports/r.json")))
                .isEqualTo("s3://artifacts/reports/r.json");
    }

    @Test
    void aTaskFailureCauseIsShownAsItsErrorMessage() {
        assertThat(RunSummary.readable("{\"errorMessage\":\"/feeds/i.csv, line 1: header does not match\","
                + "\"errorType\":\"InvalidRunInput\"}")).isEqualTo("/feeds/i.csv, line 1: header does not match");
        assertThat(RunSummary.readable("run r1 FAILED: chunks not completed")).isEqualTo("run r1 FAILED: chunks not completed");
    }
}
