package dev.refdata.ingest.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refdata.ingest.core.domain.ChunkCounters;
import dev.refdata.ingest.core.domain.ChunkStatus;
import dev.refdata.ingest.core.domain.RunStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class StatusCommandTest {

    @TempDir
    Path dir;

    @Test
    void withoutRunsItSaysHowToStartOne() {
        CommandHarness.Result result = new CommandHarness(dir).run("status");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("no runs yet").contains("ingest demo");
    }

    @Test
    void withoutARunIdItListsTheRecentRuns() {
        CommandHarness cli = new CommandHarness(dir);
        cli.givenRun("instruments-20261127-full-aaaa0001", RunStatus.SUCCEEDED, 2);
        cli.givenRun("instruments-20261126-full-aaaa0002", RunStatus.FAILED, 3);

        CommandHarness.Result result = cli.run("status");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("instruments-20261127-full-aaaa0001").contains("SUCCEEDED")
                .contains("instruments-20261126-full-aaaa0002").contains("FAILED");
    }

    @Test
    void aRunShowsEveryChunkWithItsCountersAttemptsDurationAndLastErrorAndTheTotals() {
        CommandHarness cli = new CommandHarness(dir);
        String run = "instruments-20261127-full-aaaa0003";
        cli.givenRun(run, RunStatus.FAILED, 3);
        cli.givenChunk(run, 0, ChunkStatus.COMPLETED, new ChunkCounters(1000, 990, 5, 3, 2, 1), 1, null);
        cli.givenChunk(run, 1, ChunkStatus.FAILED, new ChunkCounters(400, 400, 0, 0, 0, 7), 3,
                "400 illegal_argument_exception: injected");

        CommandHarness.Result result = cli.run("status", "--run-id", run);

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("run " + run + ": FAILED").contains("reason: chunks not completed");
        assertThat(result.out().lines().filter(l -> l.matches("\\s+0\\s+COMPLETED\\s+1,000\\s+1,000\\s+990\\s+5\\s+3\\s+2"
                + "\\s+1\\s+1\\s+12\\.0 s\\s*"))).hasSize(1);
        assertThat(result.out().lines().filter(l -> l.matches("\\s+1\\s+FAILED\\s+1,000\\s+400\\s+400\\s+0\\s+0\\s+0"
                + "\\s+7\\s+3\\s+12\\.0 s\\s+400 illegal_argument_exception: injected"))).hasSize(1);
        assertThat(result.out().lines().filter(l -> l.matches("\\s+2\\s+PENDING\\s+1,000\\s+0\\s+0.*"))).hasSize(1);
        assertThat(result.out().lines().filter(l -> l.matches("\\s+total\\s+1/3\\s+3,000\\s+1,400\\s+1,390\\s+5\\s+3\\s+2"
                + "\\s+8"))).hasSize(1);
    }

    @Test
    void asJsonARunCarriesItsRecordChunksAndTotals() throws Exception {
        CommandHarness cli = new CommandHarness(dir);
        String run = "instruments-20261127-full-aaaa0004";
        cli.givenRun(run, RunStatus.RUNNING, 2);
        cli.givenChunk(run, 0, ChunkStatus.COMPLETED, new ChunkCounters(1000, 1000, 0, 0, 0, 0), 1, null);
        cli.givenChunk(run, 1, ChunkStatus.COMPLETED, new ChunkCounters(1000, 998, 0, 0, 2, 0), 2, null);

        CommandHarness.Result result = cli.run("status", "--run-id", run, "--json");

        assertThat(result.exitCode()).as(result.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(result.out());
        assertThat(json.at("/run/id/value").asText()).isEqualTo(run);
        assertThat(json.at("/chunks")).hasSize(2);
        assertThat(json.at("/chunks/1/attempts").asInt()).isEqualTo(2);
        assertThat(json.at("/totals/read").asLong()).isEqualTo(2000);
        assertThat(json.at("/totals/rejected").asLong()).isEqualTo(2);
    }

    @Test
    void anUnknownRunIdIsAnErrorWithTheNextStepNotAStackTrace() {
        CommandHarness.Result result = new CommandHarness(dir).run("status", "--run-id", "instruments-20261127-full-ffff");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).startsWith("error: unknown run id instruments-20261127-full-ffff")
                .contains("next step: ingest status").doesNotContain("\tat ");
    }

    @Test
    void aMalformedRunIdIsAnErrorNamingIt() {
        CommandHarness.Result result = new CommandHarness(dir).run("status", "--run-id", "Not A Run");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("'Not A Run' is not a run id").doesNotContain("\tat ");
    }
}
