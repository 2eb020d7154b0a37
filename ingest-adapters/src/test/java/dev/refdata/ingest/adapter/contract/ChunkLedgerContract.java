package dev.refdata.ingest.adapter.contract;

import dev.refdata.ingest.core.domain.Checkpoint;
import dev.refdata.ingest.core.domain.ChunkCounters;
import dev.refdata.ingest.core.domain.ChunkKey;
import dev.refdata.ingest.core.domain.ChunkState;
import dev.refdata.ingest.core.domain.ChunkStatus;
import dev.refdata.ingest.core.domain.RunId;
import dev.refdata.ingest.core.port.out.ChunkLedger;
import dev.refdata.ingest.core.port.out.ChunkLedger.Claim;
import dev.refdata.ingest.core.port.out.ChunkLedger.LeaseLostException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * What every {@link ChunkLedger} must do, written once and run against each implementation: the SQLite run store
 * in a unit test, DynamoDB on a real DynamoDB API in an integration test.
 *
 * <p>Time is passed in, never read from a clock, so leases expire exactly when a test says. The stores keep
 * instants to the millisecond; the instants used here are whole seconds.
 *
 * <p>Rules pinned here beyond the port's javadoc, so that every implementation agrees:
 * <ul>
 *   <li>a lease is live while {@code now < leaseUntil}: at {@code leaseUntil} it has expired;</li>
 *   <li>every grant counts as an attempt, except the holder of a live lease claiming again (a retried claim);</li>
 *   <li>the claim that makes attempt 1 sets {@code startedAt} to its {@code now}; nothing later changes it;</li>
 *   <li>checkpoint, complete, fail and release need a live lease: owner, status RUNNING and {@code now < leaseUntil};</li>
 *   <li>complete, fail and release end the lease at their {@code now};</li>
 *   <li>repeating a write that already took effect (a retry after a lost response) is accepted.</li>
 * </ul>
 */
public abstract class ChunkLedgerContract {

    private static final Instant T0 = Instant.parse("2026-11-27T02:00:00Z");
    private static final Duration LEASE = Duration.ofMinutes(5);

    private static final Checkpoint START = new Checkpoint(4_096, 101, ChunkCounters.ZERO);
    private static final Checkpoint HALFWAY = new Checkpoint(900_000, 5_101, new ChunkCounters(5_000, 4_900, 40, 30, 30, 7));
    private static final Checkpoint END = new Checkpoint(1_800_000, 10_101, new ChunkCounters(10_000, 9_800, 80, 60, 60, 9));

    /** The ledger under test; the same store for every call within a test. */
    protected abstract ChunkLedger ledger();

    /** A run no other test uses, so tests never collide on a shared table or file. */
    private RunId run;
    private ChunkKey key;

    @BeforeEach
    void freshRun() {
        run = new RunId("contract-" + UUID.randomUUID());
        key = new ChunkKey(run, 7);
    }

    private static Instant at(long minutes) {
        return T0.plus(Duration.ofMinutes(minutes));
    }

    private Claim claim(String owner, Instant now) {
        return ledger().claim(key, START, owner, now, now.plus(LEASE));
    }

    private ChunkState state() {
        return ledger().find(key).orElseThrow(() -> new AssertionError("no entry for " + key));
    }

    // --- claiming ---------------------------------------------------------------------------------------------

    @Test
    void theFirstClaimCreatesTheEntryAndIsGrantedFromTheInitialCheckpointAsAttemptOne() {
        assertThat(ledger().find(key)).as("no entry before the first claim").isEmpty();

        Claim claim = claim("loader-a", at(0));

        assertThat(claim).isEqualTo(new Claim.Granted(START, 1));
        assertThat(state()).isEqualTo(new ChunkState(key, ChunkStatus.RUNNING, "loader-a", at(5), START, 1, at(0), null,
                at(0)));
    }

    @Test
    void aSecondOwnerIsRefusedWithTheHolderAndLeaseEndWhileTheLeaseIsLive() {
        claim("loader-a", at(0));
        ChunkState before = state();

        Claim claim = ledger().claim(key, START, "loader-b", at(4), at(9));

        assertThat(claim).isEqualTo(new Claim.HeldByOther("loader-a", at(5)));
        assertThat(state()).as("a refused claim changes nothing").isEqualTo(before);
    }

    @Test
    void aLeaseIsLiveUpToItsEndAndExpiredAtIt() {
        claim("loader-a", at(0));

        assertThat(claim("loader-b", at(5).minusMillis(1)))
                .isEqualTo(new Claim.HeldByOther("loader-a", at(5)));
        assertThat(claim("loader-b", at(5))).isEqualTo(new Claim.Granted(START, 2));
    }

    @Test
    void afterTheLeaseExpiresAnotherOwnerTakesOverFromTheLastCheckpointAsTheNextAttempt() {
        claim("loader-a", at(0));
        ledger().checkpoint(key, "loader-a", HALFWAY, at(1), at(6));

        Claim claim = ledger().claim(key, START, "loader-b", at(7), at(12));

        assertThat(claim).isEqualTo(new Claim.Granted(HALFWAY, 2));
        assertThat(state()).isEqualTo(new ChunkState(key, ChunkStatus.RUNNING, "loader-b", at(12), HALFWAY, 2, at(0), null,
                at(7)));
    }

    @Test
    void theHolderClaimingAgainIsGrantedTheSameAttemptWithTheNewLeaseEnd() {
        claim("loader-a", at(0));
        ledger().checkpoint(key, "loader-a", HALFWAY, at(1), at(6));

        Claim claim = ledger().claim(key, START, "loader-a", at(2), at(8));

        assertThat(claim).isEqualTo(new Claim.Granted(HALFWAY, 1));
        assertThat(state()).isEqualTo(new ChunkState(key, ChunkStatus.RUNNING, "loader-a", at(8), HALFWAY, 1, at(0), null,
                at(2)));
    }

    @Test
    void theFormerHolderClaimingAfterItsLeaseExpiredStartsANewAttempt() {
        claim("loader-a", at(0));

        assertThat(claim("loader-a", at(6))).isEqualTo(new Claim.Granted(START, 2));
    }

    @Test
    void chunksAreIndependentOfEachOtherAndOfOtherRuns() {
        ChunkKey sibling = new ChunkKey(run, 8);
        ChunkKey sameNumberOtherRun = new ChunkKey(new RunId("contract-" + UUID.randomUUID()), key.chunk());
        claim("loader-a", at(0));

        assertThat(ledger().claim(sibling, START, "loader-b", at(1), at(6))).isEqualTo(new Claim.Granted(START, 1));
        assertThat(ledger().claim(sameNumberOtherRun, START, "loader-c", at(1), at(6)))
                .isEqualTo(new Claim.Granted(START, 1));
        assertThat(state().owner()).isEqualTo("loader-a");
        assertThat(ledger().find(sibling)).get().extracting(ChunkState::owner).isEqualTo("loader-b");
    }

    @Test
    void aLeaseMustEndAfterItStarts() {
        assertThatThrownBy(() -> ledger().claim(key, START, "loader-a", at(1), at(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(ledger().find(key)).isEmpty();
    }

    @Test
    void theFirstClaimsTimeIsTheStartAndNoLaterClaimOrWriteMovesIt() {
        claim("loader-a", at(0));
        ledger().checkpoint(key, "loader-a", HALFWAY, at(1), at(6));
        claim("loader-a", at(2));
        assertThat(state().startedAt()).as("after a checkpoint and a re-claim by the holder").isEqualTo(at(0));

        claim("loader-b", at(8));
        ledger().release(key, "loader-b", HALFWAY, at(9));
        assertThat(state().startedAt()).as("after a takeover and a release").isEqualTo(at(0));

        claim("loader-c", at(10));
        ledger().fail(key, "loader-c", HALFWAY, "bulk rejected", at(11));
        assertThat(state().startedAt()).as("after a failure").isEqualTo(at(0));

        claim("loader-d", at(12));
        ledger().complete(key, "loader-d", END, at(13));
        assertThat(state()).extracting(ChunkState::status, ChunkState::attempts, ChunkState::startedAt,
                        ChunkState::updatedAt)
                .as("completed on the fourth attempt").containsExactly(ChunkStatus.COMPLETED, 4, at(0), at(13));
    }

    // --- checkpointing ----------------------------------------------------------------------------------------

    @Test
    void aCheckpointByTheHolderMovesTheResumePointAndCountersAndExtendsTheLease() {
        claim("loader-a", at(0));

        ledger().checkpoint(key, "loader-a", HALFWAY, at(4), at(9));

        assertThat(state()).isEqualTo(new ChunkState(key, ChunkStatus.RUNNING, "loader-a", at(9), HALFWAY, 1, at(0), null,
                at(4)));
        assertThat(claim("loader-b", at(6)))
                .as("the extended lease keeps others out past the first lease end")
                .isEqualTo(new Claim.HeldByOther("loader-a", at(9)));
    }

    @Test
    void repeatingAWriteThatAlreadyTookEffectIsAccepted() {
        claim("loader-a", at(0));
        ledger().checkpoint(key, "loader-a", HALFWAY, at(1), at(6));
        ledger().checkpoint(key, "loader-a", HALFWAY, at(1), at(6));
        ledger().complete(key, "loader-a", END, at(2));
        ChunkState completed = state();

        ledger().complete(key, "loader-a", END, at(2));

        assertThat(state()).isEqualTo(completed);
        assertThatThrownBy(() -> ledger().complete(key, "loader-a", HALFWAY, at(2)))
                .as("a different write is not a repetition")
                .isInstanceOf(LeaseLostException.class);
    }

    // --- losing the lease -------------------------------------------------------------------------------------

    @Test
    void aLoaderThatNeverClaimedTheChunkCanChangeNothing() {
        claim("loader-a", at(0));
        ChunkState before = state();

        assertEveryWriteIsRefused("loader-b", at(1));

        assertThat(state()).isEqualTo(before);
    }

    @Test
    void aLoaderWhoseLeaseWasTakenOverCanChangeNothing() {
        claim("loader-a", at(0));
        claim("loader-b", at(6));
        ChunkState before = state();

        assertEveryWriteIsRefused("loader-a", at(7));

        assertThat(state()).isEqualTo(before);
    }

    @Test
    void aLoaderWhoseLeaseExpiredCanChangeNothingEvenBeforeATakeover() {
        claim("loader-a", at(0));
        ChunkState before = state();

        assertEveryWriteIsRefused("loader-a", at(5));

        assertThat(state()).isEqualTo(before);
    }

    @Test
    void writesToAChunkWithNoEntryAreRefusedAndCreateNothing() {
        assertEveryWriteIsRefused("loader-a", at(0));

        assertThat(ledger().find(key)).isEmpty();
    }

    private void assertEveryWriteIsRefused(String owner, Instant now) {
        assertThatThrownBy(() -> ledger().checkpoint(key, owner, HALFWAY, now, now.plus(LEASE)))
                .as("checkpoint").isInstanceOf(LeaseLostException.class).hasMessageContaining(owner);
        assertThatThrownBy(() -> ledger().complete(key, owner, END, now))
                .as("complete").isInstanceOf(LeaseLostException.class);
        assertThatThrownBy(() -> ledger().fail(key, owner, HALFWAY, "bulk rejected", now))
                .as("fail").isInstanceOf(LeaseLostException.class);
        assertThatThrownBy(() -> ledger().release(key, owner, HALFWAY, now))
                .as("release").isInstanceOf(LeaseLostException.class);
    }

    // --- ending ----------------------------------------------------------------------------------------------

    @Test
    void aCompletedChunkIsNeverGrantedAgainAndReportsItsFinalCounters() {
        claim("loader-a", at(0));
        ledger().checkpoint(key, "loader-a", HALFWAY, at(1), at(6));

        ledger().complete(key, "loader-a", END, at(2));

        assertThat(state()).isEqualTo(new ChunkState(key, ChunkStatus.COMPLETED, "loader-a", at(2), END, 1, at(0), null,
                at(2)));
        assertThat(claim("loader-b", at(3))).isEqualTo(new Claim.AlreadyCompleted(END.counters()));
        assertThat(claim("loader-a", at(3))).isEqualTo(new Claim.AlreadyCompleted(END.counters()));
        assertThat(claim("loader-b", at(60))).isEqualTo(new Claim.AlreadyCompleted(END.counters()));
        assertThatThrownBy(() -> ledger().checkpoint(key, "loader-a", HALFWAY, at(3), at(8)))
                .isInstanceOf(LeaseLostException.class);
        assertThat(state().status()).isEqualTo(ChunkStatus.COMPLETED);
    }

    @Test
    void aFailedChunkKeepsItsReasonAndCheckpointAndIsGrantedAgainFromThatCheckpoint() {
        claim("loader-a", at(0));

        ledger().fail(key, "loader-a", HALFWAY, "mapping conflict on field isin", at(2));

        assertThat(state()).isEqualTo(new ChunkState(key, ChunkStatus.FAILED, "loader-a", at(2), HALFWAY, 1, at(0),
                "mapping conflict on field isin", at(2)));
        assertThat(claim("loader-b", at(3)))
                .as("failing ends the lease: no wait for the old lease end")
                .isEqualTo(new Claim.Granted(HALFWAY, 2));
        assertThat(state()).isEqualTo(new ChunkState(key, ChunkStatus.RUNNING, "loader-b", at(8), HALFWAY, 2, at(0),
                "mapping conflict on field isin", at(3)));
    }

    @Test
    void aReleasedChunkCanBeClaimedAtOnceFromTheReleasedCheckpoint() {
        claim("loader-a", at(0));

        ledger().release(key, "loader-a", HALFWAY, at(2));

        assertThat(state()).isEqualTo(new ChunkState(key, ChunkStatus.RUNNING, "loader-a", at(2), HALFWAY, 1, at(0), null,
                at(2)));
        assertThat(claim("loader-b", at(2))).isEqualTo(new Claim.Granted(HALFWAY, 2));
        assertThatThrownBy(() -> ledger().checkpoint(key, "loader-a", END, at(2), at(7)))
                .as("the releaser holds nothing any more")
                .isInstanceOf(LeaseLostException.class);
    }

    // --- concurrency -----------------------------------------------------------------------------------------

    @Test
    void ofManyLoadersClaimingTheSameNewChunkAtOnceExactlyOneIsGranted() throws Exception {
        int loaders = 8;
        List<Claim> claims = claimAllAtOnce(loaders);

        List<Claim> granted = claims.stream().filter(Claim.Granted.class::isInstance).toList();
        assertThat(granted).containsExactly(new Claim.Granted(START, 1));
        String holder = state().owner();
        assertThat(claims).filteredOn(Claim.HeldByOther.class::isInstance)
                .hasSize(loaders - 1)
                .containsOnly(new Claim.HeldByOther(holder, at(15)));
        assertThat(state().attempts()).isEqualTo(1);
        assertThat(state().startedAt()).isEqualTo(at(10));
    }

    @Test
    void ofManyLoadersTakingOverTheSameExpiredChunkAtOnceExactlyOneIsGranted() throws Exception {
        claim("loader-old", at(0));
        ledger().checkpoint(key, "loader-old", HALFWAY, at(1), at(6));
        int loaders = 8;

        List<Claim> claims = claimAllAtOnce(loaders);

        assertThat(claims).filteredOn(Claim.Granted.class::isInstance).containsExactly(new Claim.Granted(HALFWAY, 2));
        String holder = state().owner();
        assertThat(claims).filteredOn(Claim.HeldByOther.class::isInstance)
                .hasSize(loaders - 1)
                .containsOnly(new Claim.HeldByOther(holder, at(15)));
        assertThat(state().attempts()).isEqualTo(2);
        assertThat(state().startedAt()).as("the first attempt's start").isEqualTo(at(0));
    }

    /** {@code loaders} threads claim {@link #key} at minute 10 with different owners, released together. */
    private List<Claim> claimAllAtOnce(int loaders) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(loaders);
        try {
            CountDownLatch ready = new CountDownLatch(loaders);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Claim>> futures = new ArrayList<>();
            for (int i = 0; i < loaders; i++) {
                String owner = "loader-" + i;
                Callable<Claim> claimWhenReleased = () -> {
                    ready.countDown();
                    go.await();
                    return ledger().claim(key, START, owner, at(10), at(15));
                };
                futures.add(pool.submit(claimWhenReleased));
            }
            assertThat(ready.await(30, TimeUnit.SECONDS)).as("all loaders ready").isTrue();
            go.countDown();
            List<Claim> claims = new ArrayList<>();
            for (Future<Claim> future : futures) {
                claims.add(outcome(future));
            }
            return claims;
        } finally {
            pool.shutdownNow();
        }
    }

    private static Claim outcome(Future<Claim> future) throws InterruptedException {
        try {
            return future.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("a claim failed", e.getCause());
        } catch (TimeoutException e) {
            return fail("a claim did not return within 60 s");
        }
    }
}
