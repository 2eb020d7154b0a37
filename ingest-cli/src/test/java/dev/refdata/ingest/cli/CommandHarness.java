package dev.refdata.ingest.cli;

import dev.refdata.ingest.adapter.config.RuntimeSettings;
import dev.refdata.ingest.core.domain.ByteRange;
import dev.refdata.ingest.core.domain.Checkpoint;
import dev.refdata.ingest.core.domain.ChunkCounters;
import dev.refdata.ingest.core.domain.ChunkDefinition;
import dev.refdata.ingest.core.domain.ChunkKey;
import dev.refdata.ingest.core.domain.ChunkState;
import dev.refdata.ingest.core.domain.ChunkStatus;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.domain.RunId;
import dev.refdata.ingest.core.domain.RunMode;
import dev.refdata.ingest.core.domain.RunRecord;
import dev.refdata.ingest.core.domain.RunSource;
import dev.refdata.ingest.core.domain.RunStatus;
import dev.refdata.ingest.core.testing.InMemoryChunkLedger;
import dev.refdata.ingest.core.testing.InMemoryObjectStore;
import dev.refdata.ingest.core.testing.InMemoryRunStore;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * Runs the command line against in-memory fakes of our ports: the run store, the chunk ledger and the object
 * store. OpenSearch is not there: a command that asks for it fails the test.
 */
final class CommandHarness {

    static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");
    static final String ARTIFACTS = "/artifacts";

    final InMemoryChunkLedger ledger = new InMemoryChunkLedger();
    final InMemoryRunStore runs = new InMemoryRunStore(ledger);
    final InMemoryObjectStore objects = new InMemoryObjectStore();
    final Path workingDirectory;

    record Result(int exitCode, String out, String err) {
    }

    CommandHarness(Path workingDirectory) {
        this.workingDirectory = workingDirectory;
    }

    CommandContext context() {
        return new CommandContext(Map.of(), workingDirectory, Optional.empty(), Clock.fixed(NOW, ZoneOffset.UTC),
                (url, notices) -> new PipelineEndpoints(RuntimeSettings.from(Map.of()),
                        workingDirectory.resolve(".ingest"), objects, ARTIFACTS, runs, ledger, () -> {
                            throw new AssertionError("this command must not need OpenSearch");
                        }), NOW);
    }

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = IngestCommand.execute(context(), new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    /** A run of {@code chunks} chunks of 1,000 records each, in the given status. */
    RunRecord givenRun(String id, RunStatus status, int chunks) {
        RunId run = new RunId(id);
        RunRecord record = new RunRecord(run, "instruments", LocalDate.parse("2026-11-27"), RunMode.FULL,
                RunSource.object("/feeds", "instruments.csv"), status, "instruments", "instruments-20261127-abc",
                new ObjectRef(ARTIFACTS, "manifests/" + id + ".json"), chunks, chunks * 1000L, 1,
                status == RunStatus.FAILED ? "chunks not completed" : null, NOW, NOW);
        runs.create(record);
        runs.registerChunks(run, IntStream.range(0, chunks).mapToObj(n -> new ChunkDefinition(new ChunkKey(run, n),
                new ObjectRef("/feeds", "instruments.csv"), new ByteRange(n * 100_000L, (n + 1) * 100_000L),
                1 + n * 1000L, 1000, List.of("isin", "name"), new ObjectRef("/feeds", "instruments.csv"))).toList());
        return record;
    }

    /** The ledger says chunk {@code n} of {@code run} ended so. */
    void givenChunk(String run, int n, ChunkStatus status, ChunkCounters counters, int attempts, String lastError) {
        ledger.overwrite(new ChunkState(new ChunkKey(new RunId(run), n), status, null, null,
                new Checkpoint((n + 1) * 100_000L, 1 + (n + 1) * 1000L, counters), attempts, NOW, lastError,
                NOW.plusSeconds(12)));
    }
}
