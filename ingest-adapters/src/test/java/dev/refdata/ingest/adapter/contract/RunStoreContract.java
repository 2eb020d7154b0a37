package dev.refdata.ingest.adapter.contract;

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
import dev.refdata.ingest.core.port.out.ChunkLedger;
import dev.refdata.ingest.core.port.out.ChunkLedger.Claim;
import dev.refdata.ingest.core.port.out.RunStore;
import dev.refdata.ingest.core.port.out.RunStore.Creation;
import dev.refdata.ingest.core.port.out.RunStore.RunChangedException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/**
 * What every {@link RunStore} must do, written once and run against each implementation: the SQLite run store in a
 * unit test, DynamoDB on a real DynamoDB API in an integration test. The chunks' states are the {@link ChunkLedger}'s
 * entries, so each implementation provides a ledger on the same store as well.
 *
 * <p>Rules pinned here beyond the port's javadoc, so that every implementation agrees:
 * <ul>
 *   <li>instants are kept to the millisecond;</li>
 *   <li>registered chunks are PENDING entries at their start (offset the range's start, line the first line, zero
 *       counters, no owner, no lease, no attempt, no start) until the ledger's first claim takes one over as attempt
 *       1, started at that claim's time;</li>
 *   <li>a chunk the ledger knows but nobody registered has a state and no definition;</li>
 *   <li>registering again replaces the run's chunks while every one is PENDING (planning repeated), and is refused
 *       with {@link IllegalStateException}, changing nothing, once a chunk was claimed;</li>
 *   <li>updating a run that was never created is refused with {@link IllegalStateException}, creating nothing;</li>
 *   <li>recent runs are ordered by {@link RunRecord#createdAt()}, newest first.</li>
 * </ul>
 * Every test uses runs of its own, so tests never collide on a shared table or file.
 */
public abstract class RunStoreContract {

    /** The business time of every run here: instants with milliseconds, which the stores keep. */
    private static final Instant T0 = Instant.parse("2026-11-27T02:00:00.123Z");
    private static final Duration LEASE = Duration.ofMinutes(5);

    private static final List<String> COLUMNS = List.of("isin", "name", "currency", "issue_date", "coupon");
    private static final ObjectRef SOURCE = new ObjectRef("landing", "instruments/2026-11-27/instruments.csv");

    /** A run store and a chunk ledger on one and the same store. */
    protected record Store(RunStore runs, ChunkLedger ledger) {
        public Store {
            Objects.requireNonNull(runs, "runs");
            Objects.requireNonNull(ledger, "ledger");
        }
    }

    /** The store under test; the same one for every call within a test. */
    protected abstract Store store();

    private RunId run;

    @BeforeEach
    void freshRun() {
        run = freshId();
    }

    private RunStore runs() {
        return store().runs();
    }

    private ChunkLedger ledger() {
        return store().ledger();
    }

    private static RunId freshId() {
        return new RunId("contract-" + UUID.randomUUID());
    }

    private static Instant at(long minutes) {
        return T0.plus(Duration.ofMinutes(minutes));
    }

    /** A run as the trigger creates it: nothing planned yet. */
    private static RunRecord newRun(RunId id) {
        return new RunRecord(id, "instruments", LocalDate.of(2026, 11, 27), RunMode.DELTA,
                RunSource.object("landing", "instruments/2026-11-27/instruments.csv"), RunStatus.PLANNING,
                "instruments", null, null, 0, 0, 1, null, at(0), at(0));
    }

    /** A run with every field set: a full load from a prefix, re-run twice, failed. */
    private static RunRecord fullyDescribedRun(RunId id) {
        return new RunRecord(id, "counterparties", LocalDate.of(2026, 2, 28), RunMode.FULL,
                RunSource.prefix("landing", "counterparties/2026-02-28/"), RunStatus.FAILED, "counterparties",
                "counterparties-20260228-3f2a", new ObjectRef("manifests", "runs/" + id + "/manifest-3.json"), 1_234,
                98_765_432_100L, 3, "verification: 12 records missing from the index", at(-90), at(7));
    }

    // --- creating and finding runs ---------------------------------------------------------------------------

    @Test
    void aNewRunIsCreatedAndFoundAsGivenIncludingItsUnplannedNullFields() {
        RunRecord created = newRun(run);

        Creation creation = runs().create(created);

        assertThat(creation).isEqualTo(new Creation(created, true));
        assertThat(runs().find(run)).contains(created);
        assertThat(runs().find(run).orElseThrow()).extracting(RunRecord::targetIndex, RunRecord::manifest,
                RunRecord::reason).containsOnlyNulls();
    }

    @Test
    void everyFieldOfARunIsStoredExactly() {
        RunRecord described = fullyDescribedRun(run);

        runs().create(described);

        assertThat(runs().find(run)).contains(described);
    }

    @Test
    void instantsAreKeptToTheMillisecond() {
        RunRecord precise = new RunRecord(run, "instruments", LocalDate.of(2026, 11, 27), RunMode.DELTA,
                RunSource.object("landing", "a.csv"), RunStatus.PLANNING, "instruments", null, null, 0, 0, 1, null,
                Instant.parse("2026-11-27T02:00:00.123456789Z"), Instant.parse("2026-11-27T02:00:01.999999Z"));
        RunRecord toTheMillisecond = new RunRecord(run, "instruments", LocalDate.of(2026, 11, 27), RunMode.DELTA,
                RunSource.object("landing", "a.csv"), RunStatus.PLANNING, "instruments", null, null, 0, 0, 1, null,
                Instant.parse("2026-11-27T02:00:00.123Z"), Instant.parse("2026-11-27T02:00:01.999Z"));

        Creation creation = runs().create(precise);

        assertThat(creation.run()).as("the created run as stored").isEqualTo(toTheMillisecond);
        assertThat(runs().find(run)).contains(toTheMillisecond);
    }

    @Test
    void creatingARunThatExistsReturnsTheStoredRunUnchanged() {
        RunRecord first = newRun(run);
        runs().create(first);
        RunRecord duplicateTrigger = fullyDescribedRun(run);

        Creation again = runs().create(duplicateTrigger);

        assertThat(again).isEqualTo(new Creation(first, false));
        assertThat(runs().find(run)).contains(first);
    }

    @Test
    void aRunNeverCreatedIsNotFound() {
        assertThat(runs().find(run)).isEmpty();
    }

    // --- updating runs ---------------------------------------------------------------------------------------

    @Test
    void anUpdateReplacesTheRunWhenItsStoredStatusIsTheExpectedOne() {
        RunRecord created = newRun(run);
        runs().create(created);
        RunRecord planned = created.planned("instruments", new ObjectRef("manifests", "runs/" + run + "/manifest.json"),
                12, 1_200_000, at(3));

        runs().update(planned, Set.of(RunStatus.PLANNING));

        assertThat(runs().find(run)).contains(planned);
    }

    @Test
    void anUpdateSucceedsWhenTheStoredStatusIsAnyOfTheExpectedOnes() {
        RunRecord failed = fullyDescribedRun(run);
        runs().create(failed);
        RunRecord reRun = failed.nextExecution(new ObjectRef("manifests", "runs/" + run + "/manifest-4.json"), at(8));

        runs().update(reRun, Set.of(RunStatus.RUNNING, RunStatus.FAILED));

        assertThat(runs().find(run)).contains(reRun);
        assertThat(runs().find(run).orElseThrow().reason()).as("a field set to null is cleared").isNull();
    }

    @Test
    void anUpdateFromAnUnexpectedStatusIsRefusedAndChangesNothing() {
        RunRecord created = newRun(run);
        runs().create(created);
        RunRecord running = created.planned("instruments", new ObjectRef("manifests", "m.json"), 3, 300, at(1));
        runs().update(running, Set.of(RunStatus.PLANNING));

        RunRecord succeeded = running.withStatus(RunStatus.SUCCEEDED, null, at(2));
        assertThatThrownBy(() -> runs().update(succeeded, Set.of(RunStatus.PLANNING, RunStatus.FAILED)))
                .isInstanceOf(RunChangedException.class)
                .hasMessageContaining(run.value())
                .hasMessageContaining("RUNNING");

        assertThat(runs().find(run)).contains(running);
    }

    @Test
    void anUpdateOfARunNeverCreatedIsRefusedAndCreatesNothing() {
        assertThatThrownBy(() -> runs().update(newRun(run), Set.of(RunStatus.PLANNING)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(run.value());

        assertThat(runs().find(run)).isEmpty();
    }

    @Test
    void anUpdateNeedsAnExpectedStatus() {
        runs().create(newRun(run));

        assertThatThrownBy(() -> runs().update(newRun(run).withStatus(RunStatus.FAILED, "x", at(1)), Set.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(runs().find(run)).contains(newRun(run));
    }

    // --- registering chunks ----------------------------------------------------------------------------------

    /** Chunk {@code number} of {@code run}: 1 MiB of the source each, 10,000 records, lines counted from 2. */
    private static ChunkDefinition chunk(RunId run, int number) {
        long start = 1L + number * 1_048_576L;
        return new ChunkDefinition(new ChunkKey(run, number), SOURCE, new ByteRange(start, start + 1_048_576),
                2L + number * 10_000L, 10_000, COLUMNS, SOURCE);
    }

    /** Chunk {@code number} of {@code run} in a staged part of a gzipped source: the object is not the source. */
    private static ChunkDefinition stagedChunk(RunId run, int number) {
        ObjectRef part = new ObjectRef("staging", "runs/" + run + "/parts/part-00002.csv");
        return new ChunkDefinition(new ChunkKey(run, number), part, new ByteRange(0, 524_288), 20_002, 5_000,
                List.of("lei", "legal_name", "country"),
                new ObjectRef("landing", "counterparties/2026-02-28/counterparties.csv.gz"));
    }

    /** The entry of a registered chunk nobody claimed yet, changed at {@code updatedAt}. */
    private static ChunkState pending(ChunkDefinition chunk, Instant updatedAt) {
        return new ChunkState(chunk.key(), ChunkStatus.PENDING, null, null, startOf(chunk), 0, null, null, updatedAt);
    }

    private static Checkpoint startOf(ChunkDefinition chunk) {
        return new Checkpoint(chunk.range().start(), chunk.firstLine(), ChunkCounters.ZERO);
    }

    @Test
    void registeredChunksAreListedInChunkOrderWithEveryField() {
        List<ChunkDefinition> chunks = List.of(chunk(run, 2), stagedChunk(run, 1), chunk(run, 0),
                new ChunkDefinition(new ChunkKey(run, 3), SOURCE, new ByteRange(9_000_000, 9_000_000), 90_002, 0,
                        List.of(), SOURCE));

        runs().registerChunks(run, chunks);

        assertThat(runs().chunkDefinitions(run)).containsExactly(chunks.get(2), chunks.get(1), chunks.get(0),
                chunks.get(3));
    }

    @Test
    void registeredChunksArePendingAtTheirStartWithNoOwnerLeaseOrAttempt() {
        List<ChunkDefinition> chunks = List.of(chunk(run, 0), stagedChunk(run, 1), chunk(run, 2));
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);

        runs().registerChunks(run, chunks);

        Instant after = Instant.now();
        List<ChunkState> states = runs().chunkStates(run);
        assertThat(states).extracting(ChunkState::updatedAt).allSatisfy(updatedAt ->
                assertThat(updatedAt).as("registered now").isBetween(before, after));
        Instant registeredAt = states.get(0).updatedAt();
        assertThat(states).containsExactly(pending(chunks.get(0), registeredAt), pending(chunks.get(1), registeredAt),
                pending(chunks.get(2), registeredAt));
        assertThat(states).extracting(ChunkState::startedAt).as("nobody claimed them: not started").containsOnlyNulls();
        assertThat(ledger().find(chunks.get(1).key())).as("the ledger's view of a registered chunk")
                .contains(pending(chunks.get(1), registeredAt));
    }

    @Test
    void aRunWithNoChunksRegisteredHasNoDefinitionsAndNoStates() {
        runs().create(newRun(run));

        assertThat(runs().chunkDefinitions(run)).isEmpty();
        assertThat(runs().chunkStates(run)).isEmpty();
    }

    @Test
    void eachRunListsOnlyItsOwnChunks() {
        RunId other = freshId();
        runs().registerChunks(run, List.of(chunk(run, 0), chunk(run, 1)));
        runs().registerChunks(other, List.of(chunk(other, 0)));

        assertThat(runs().chunkDefinitions(run)).containsExactly(chunk(run, 0), chunk(run, 1));
        assertThat(runs().chunkDefinitions(other)).containsExactly(chunk(other, 0));
        assertThat(runs().chunkStates(other)).extracting(ChunkState::key).containsExactly(new ChunkKey(other, 0));
    }

    @Test
    void chunksOfAnotherRunOrTheSameChunkTwiceAreRefusedAndNothingIsRegistered() {
        RunId other = freshId();

        assertThatThrownBy(() -> runs().registerChunks(run, List.of(chunk(run, 0), chunk(other, 1))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> runs().registerChunks(run, List.of(chunk(run, 0), chunk(run, 0))))
                .isInstanceOf(IllegalArgumentException.class);

        assertThat(runs().chunkDefinitions(run)).isEmpty();
        assertThat(runs().chunkStates(run)).isEmpty();
    }

    @Test
    void registeringAgainWhileEveryChunkIsPendingReplacesTheRunsChunks() {
        runs().registerChunks(run, List.of(chunk(run, 0), chunk(run, 1), chunk(run, 2)));
        List<ChunkDefinition> replanned = List.of(stagedChunk(run, 0), chunk(run, 1));

        runs().registerChunks(run, replanned);

        assertThat(runs().chunkDefinitions(run)).containsExactlyElementsOf(replanned);
        assertThat(runs().chunkStates(run)).extracting(ChunkState::key, ChunkState::status, ChunkState::checkpoint)
                .containsExactly(
                        tuple(replanned.get(0).key(), ChunkStatus.PENDING,
                                startOf(replanned.get(0))),
                        tuple(replanned.get(1).key(), ChunkStatus.PENDING,
                                startOf(replanned.get(1))));
    }

    @Test
    void registeringAgainOnceAChunkWasClaimedIsRefusedAndChangesNothing() {
        List<ChunkDefinition> chunks = List.of(chunk(run, 0), chunk(run, 1));
        runs().registerChunks(run, chunks);
        ledger().claim(chunks.get(1).key(), startOf(chunks.get(1)), "loader-a", at(1), at(1).plus(LEASE));
        List<ChunkState> before = runs().chunkStates(run);

        assertThatThrownBy(() -> runs().registerChunks(run, List.of(stagedChunk(run, 0))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(run.value());

        assertThat(runs().chunkDefinitions(run)).containsExactlyElementsOf(chunks);
        assertThat(runs().chunkStates(run)).isEqualTo(before);
    }

    // --- chunk states as the ledger keeps them ----------------------------------------------------------------

    @Test
    void theLedgerTakesOverARegisteredChunkAsItsFirstAttemptFromItsStartAndKeepsItsDefinition() {
        List<ChunkDefinition> chunks = List.of(chunk(run, 0), stagedChunk(run, 1));
        runs().registerChunks(run, chunks);

        Claim claim = ledger().claim(chunks.get(1).key(), startOf(chunks.get(1)), "loader-a", at(1), at(1).plus(LEASE));

        assertThat(claim).isEqualTo(new Claim.Granted(startOf(chunks.get(1)), 1));
        assertThat(ledger().claim(chunks.get(1).key(), startOf(chunks.get(1)), "loader-b", at(2), at(2).plus(LEASE)))
                .as("the claimed chunk is held").isEqualTo(new Claim.HeldByOther("loader-a", at(1).plus(LEASE)));
        assertThat(runs().chunkDefinitions(run)).containsExactlyElementsOf(chunks);
        assertThat(runs().chunkStates(run).get(1)).isEqualTo(new ChunkState(chunks.get(1).key(), ChunkStatus.RUNNING,
                "loader-a", at(1).plus(LEASE), startOf(chunks.get(1)), 1, at(1), null, at(1)));
        assertThat(runs().chunkStates(run).get(0).startedAt()).as("the chunk nobody claimed").isNull();
    }

    @Test
    void chunkStatesFollowTheLedgersClaimsCheckpointsCompletionsAndFailures() {
        List<ChunkDefinition> chunks = IntStream.range(0, 5).mapToObj(n -> chunk(run, n)).toList();
        runs().registerChunks(run, chunks);
        Instant registeredAt = runs().chunkStates(run).get(0).updatedAt();
        Checkpoint halfway = new Checkpoint(chunks.get(1).range().start() + 524_288, chunks.get(1).firstLine() + 5_000,
                new ChunkCounters(5_000, 4_990, 4, 3, 3, 1));
        Checkpoint done = new Checkpoint(chunks.get(2).range().end(), chunks.get(2).firstLine() + 10_000,
                new ChunkCounters(10_000, 9_990, 4, 3, 3, 2));
        Checkpoint broken = new Checkpoint(chunks.get(3).range().start() + 4_096, chunks.get(3).firstLine() + 40,
                new ChunkCounters(40, 40, 0, 0, 0, 0));
        for (int n = 0; n < 4; n++) {
            ledger().claim(chunks.get(n).key(), startOf(chunks.get(n)), "loader-" + n, at(1), at(1).plus(LEASE));
        }

        ledger().checkpoint(chunks.get(1).key(), "loader-1", halfway, at(2), at(2).plus(LEASE));
        ledger().complete(chunks.get(2).key(), "loader-2", done, at(3));
        ledger().fail(chunks.get(3).key(), "loader-3", broken, "mapping conflict on field coupon", at(4));

        List<ChunkState> states = runs().chunkStates(run);
        assertThat(states).containsExactly(
                new ChunkState(chunks.get(0).key(), ChunkStatus.RUNNING, "loader-0", at(1).plus(LEASE),
                        startOf(chunks.get(0)), 1, at(1), null, at(1)),
                new ChunkState(chunks.get(1).key(), ChunkStatus.RUNNING, "loader-1", at(2).plus(LEASE), halfway, 1,
                        at(1), null, at(2)),
                new ChunkState(chunks.get(2).key(), ChunkStatus.COMPLETED, "loader-2", at(3), done, 1, at(1), null,
                        at(3)),
                new ChunkState(chunks.get(3).key(), ChunkStatus.FAILED, "loader-3", at(4), broken, 1, at(1),
                        "mapping conflict on field coupon", at(4)),
                pending(chunks.get(4), registeredAt));
        assertThat(states).allSatisfy(state -> assertThat(ledger().find(state.key())).as("the ledger agrees")
                .contains(state));
    }

    @Test
    void aChunkTheLedgerKnowsButNobodyRegisteredHasAStateAndNoDefinition() {
        ChunkKey unregistered = new ChunkKey(run, 4);
        Checkpoint start = new Checkpoint(0, 2, ChunkCounters.ZERO);

        ledger().claim(unregistered, start, "loader-a", at(1), at(1).plus(LEASE));

        assertThat(runs().chunkStates(run)).containsExactly(new ChunkState(unregistered, ChunkStatus.RUNNING,
                "loader-a", at(1).plus(LEASE), start, 1, at(1), null, at(1)));
        assertThat(runs().chunkDefinitions(run)).isEmpty();
    }

    // --- many chunks -----------------------------------------------------------------------------------------

    /**
     * {@code count} chunks of {@code run} whose header has 150 long column names, about 5 KB of names per chunk: a
     * thousand such chunks take more than one page of any store that pages its answers by size (DynamoDB: 1 MB).
     */
    protected static List<ChunkDefinition> wideChunks(RunId run, int count) {
        List<String> header = IntStream.range(0, 150)
                .mapToObj(column -> "a_rather_long_reference_data_column_name_%03d".formatted(column))
                .toList();
        List<ChunkDefinition> chunks = new ArrayList<>();
        for (int number = 0; number < count; number++) {
            long start = number * 4_096L;
            chunks.add(new ChunkDefinition(new ChunkKey(run, number), SOURCE, new ByteRange(start, start + 4_096),
                    2L + number * 40L, 40, header, SOURCE));
        }
        return chunks;
    }

    @Test
    void aRunOfTwelveHundredChunksListsThemAllInOrder() {
        List<ChunkDefinition> chunks = wideChunks(run, 1_200);

        runs().registerChunks(run, chunks);

        assertThat(runs().chunkDefinitions(run)).containsExactlyElementsOf(chunks);
        List<ChunkState> states = runs().chunkStates(run);
        assertThat(states).extracting(ChunkState::key)
                .containsExactlyElementsOf(chunks.stream().map(ChunkDefinition::key).toList());
        assertThat(states).extracting(ChunkState::status).containsOnly(ChunkStatus.PENDING);
        assertThat(states.get(1_199).checkpoint()).isEqualTo(startOf(chunks.get(1_199)));
    }

    // --- recent runs -----------------------------------------------------------------------------------------

    @Test
    void recentRunsAreTheNewestFirstUpToTheLimit() {
        // Created long after every other test's runs, so that they are the newest even in a shared store.
        Instant later = Instant.parse("2100-01-01T00:00:00Z");
        List<RunRecord> created = new ArrayList<>();
        for (int hours : new int[] {2, 3, 1}) {
            RunId id = freshId();
            Instant createdAt = later.plus(Duration.ofHours(hours));
            RunRecord recent = new RunRecord(id, "instruments", LocalDate.of(2099, 12, 31), RunMode.DELTA,
                    RunSource.object("landing", "instruments.csv"), RunStatus.PLANNING, "instruments", null, null,
                    0, 0, 1, null, createdAt, createdAt);
            runs().create(recent);
            created.add(recent);
        }
        List<RunRecord> newestFirst = created.stream()
                .sorted(Comparator.comparing(RunRecord::createdAt).reversed())
                .toList();

        assertThat(runs().recent(2)).containsExactly(newestFirst.get(0), newestFirst.get(1));
        assertThat(runs().recent(3)).containsExactlyElementsOf(newestFirst);
        assertThatThrownBy(() -> runs().recent(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
