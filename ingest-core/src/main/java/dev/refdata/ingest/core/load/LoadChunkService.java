package dev.refdata.ingest.core.load;

import dev.refdata.ingest.core.csv.ChunkRecordReader;
import dev.refdata.ingest.core.csv.CsvRecord;
import dev.refdata.ingest.core.csv.MalformedCsvException;
import dev.refdata.ingest.core.domain.ByteRange;
import dev.refdata.ingest.core.domain.Checkpoint;
import dev.refdata.ingest.core.domain.ChunkCounters;
import dev.refdata.ingest.core.domain.ChunkKey;
import dev.refdata.ingest.core.domain.DatasetSpec;
import dev.refdata.ingest.core.domain.HeaderLayout;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.port.in.ChunkBusyException;
import dev.refdata.ingest.core.port.in.ChunkLoadFailedException;
import dev.refdata.ingest.core.port.in.LoadChunkCommand;
import dev.refdata.ingest.core.port.in.LoadChunkResult;
import dev.refdata.ingest.core.port.in.LoadChunkUseCase;
import dev.refdata.ingest.core.port.out.ChunkLedger;
import dev.refdata.ingest.core.port.out.ChunkLedger.Claim;
import dev.refdata.ingest.core.port.out.ObjectNotFoundException;
import dev.refdata.ingest.core.port.out.ObjectStore;
import dev.refdata.ingest.core.port.out.SearchSink;
import dev.refdata.ingest.core.spec.DatasetCatalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;

/**
 * Loads one chunk: claim, stream, convert, write, checkpoint, finish. Parsing goes on while up to
 * {@link LoadSettings#maxInFlight()} bulk requests are out: that many from the service, across every chunk it loads
 * at once (a Lambda loads one; a local run loads several on one service, and the cluster still sees only that
 * many; on one node, four requests out cost its CPU more per document than two). Results are folded in request
 * order, so the checkpoint only ever covers records whose every outcome is known, and rejects are written to the
 * object store before the checkpoint that covers them. Batches (request body and raw records) come from a
 * {@link BatchPool} built with the service, once per process, and go back to it when their request is answered.
 */
public final class LoadChunkService implements LoadChunkUseCase, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LoadChunkService.class);

    private final ObjectStore objects;
    private final ChunkLedger ledger;
    private final SearchSink sink;
    private final DatasetCatalog datasets;
    private final LoadSettings settings;
    private final Clock clock;
    private final Sleeper sleeper;
    private final RandomGenerator random;
    private final ExecutorService senders;
    /**
     * The first request of every call carries at most this many items, the rest up to the settings' limit: it leaves
     * within the first second of a cold process (the Lambda cold-start budget), and a cluster that refuses the
     * index or its mapping is known after a thousand documents, not ten thousand.
     */
    static final int FIRST_REQUEST_ITEMS = 1_000;
    /** Batches for every chunk this service loads: one being filled and one per request in flight. */
    private final BatchPool batches;
    /**
     * One permit per bulk request the server may have at once from this service, whichever chunk sends it; a
     * request gives its permit back once answered (or cancelled).
     */
    private final Semaphore requestSlots;

    public LoadChunkService(ObjectStore objects, ChunkLedger ledger, SearchSink sink, DatasetCatalog datasets,
                            LoadSettings settings, Clock clock) {
        this(objects, ledger, sink, datasets, settings, clock, Sleeper.REAL, RandomGenerator.getDefault());
    }

    public LoadChunkService(ObjectStore objects, ChunkLedger ledger, SearchSink sink, DatasetCatalog datasets,
                            LoadSettings settings, Clock clock, Sleeper sleeper, RandomGenerator random) {
        this.objects = Objects.requireNonNull(objects, "objects");
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.datasets = Objects.requireNonNull(datasets, "datasets");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.random = Objects.requireNonNull(random, "random");
        this.batches = new BatchPool(settings.bodyCapacityBytes(), settings.batchItemCapacity(),
                settings.maxInFlight() + 1);
        this.requestSlots = new Semaphore(settings.maxInFlight());
        AtomicInteger threads = new AtomicInteger();
        this.senders = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "bulk-sender-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public LoadChunkResult load(LoadChunkCommand command, TimeBudget budget) {
        long started = System.nanoTime();
        Instant now = clock.instant();
        Checkpoint initial = new Checkpoint(command.range().start(), command.firstLine(), ChunkCounters.ZERO);
        Claim claim = ledger.claim(command.key(), initial, command.owner(), now, now.plus(settings.lease()));
        if (claim instanceof Claim.AlreadyCompleted done) {
            return new LoadChunkResult(command.key(), LoadChunkResult.Outcome.ALREADY_COMPLETED, done.counters(), null,
                    0, 0, Duration.ofNanos(System.nanoTime() - started));
        }
        if (claim instanceof Claim.HeldByOther other) {
            throw new ChunkBusyException(command.key(), other.owner(), other.leaseUntil());
        }
        Claim.Granted granted = (Claim.Granted) claim;
        DatasetSpec spec = datasets.get(command.dataset());
        HeaderLayout layout = spec.dialect().header()
                ? HeaderLayout.resolve(spec, command.columns()) : HeaderLayout.declaredOrder(spec);
        return new Attempt(command, granted, spec, layout, budget, started).run();
    }

    /** Where the rejected records of one checkpoint interval of a chunk are written. */
    public static ObjectRef rejectsObject(String bucket, ChunkKey key, long fromLine) {
        return new ObjectRef(bucket, String.format("rejects/%s/chunk-%06d/from-line-%012d.ndjson", key.run().value(),
                key.chunk(), fromLine));
    }

    /** Stops the sender threads, waiting briefly for requests already on the wire. */
    @Override
    public void close() {
        senders.shutdownNow();
        try {
            if (!senders.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("bulk senders still running 10 s after close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One call's work on one chunk. */
    private final class Attempt {
        private final LoadChunkCommand command;
        private final Claim.Granted granted;
        private final DatasetSpec spec;
        private final HeaderLayout layout;
        private final TimeBudget budget;
        private final long started;
        private final BulkWriter writer;
        /** Requests sent and not yet taken in, oldest first: some may be answered behind an older one. */
        private final Deque<Future<BatchOutcome>> inFlight = new ArrayDeque<>();
        private final List<RejectedRecord> segmentRejects = new ArrayList<>();

        private Checkpoint acknowledged;
        private long segmentStartLine;
        private long sinceCheckpoint;
        private long lastCheckpointNanos;
        private long readThisCall;
        private LoadChunkResult.BulkRequests bulk = LoadChunkResult.BulkRequests.NONE;
        /** The caller's log context (run, chunk, request), carried into the sender threads' log lines. */
        private final java.util.Map<String, String> logContext = org.slf4j.MDC.getCopyOfContextMap();

        Attempt(LoadChunkCommand command, Claim.Granted granted, DatasetSpec spec, HeaderLayout layout,
                TimeBudget budget, long started) {
            this.command = command;
            this.granted = granted;
            this.spec = spec;
            this.layout = layout;
            this.budget = budget;
            this.started = started;
            this.writer = new BulkWriter(sink, command.index(), settings, sleeper, random);
            this.acknowledged = granted.resumeFrom();
            this.segmentStartLine = acknowledged.nextLine();
            this.lastCheckpointNanos = System.nanoTime();
        }

        LoadChunkResult run() {
            ChunkKey key = command.key();
            Checkpoint resumedFrom = acknowledged;
            LOG.info("chunk {}: attempt {} from line {} (byte {}), {} of {} records done", key, granted.attempt(),
                    resumedFrom.nextLine(), resumedFrom.nextOffset(), resumedFrom.counters().read(),
                    command.expectedRecords());
            boolean partial;
            try {
                if (granted.attempt() > 1) {
                    clearOrphanRejects();
                }
                partial = loadRecords();
            } catch (ChunkLedger.LeaseLostException e) {
                cancelInFlight();
                throw e;
            } catch (RuntimeException e) {
                throw failed(e);
            }
            Instant now = clock.instant();
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            if (partial) {
                writeSegmentRejects();
                ledger.release(key, command.owner(), acknowledged, now);
                LOG.info("chunk {}: time budget reached at line {}, handing back", key, acknowledged.nextLine());
                return new LoadChunkResult(key, LoadChunkResult.Outcome.PARTIAL, acknowledged.counters(), resumedFrom,
                        readThisCall, granted.attempt(), elapsed, bulk);
            }
            ChunkCounters counters = acknowledged.counters();
            if (counters.read() != command.expectedRecords()) {
                throw failed(new ChunkLoadFailedException("read " + counters.read() + " records but the plan counted "
                        + command.expectedRecords() + " in " + command.object() + " " + command.range(), false, null));
            }
            writeSegmentRejects();
            ledger.complete(key, command.owner(), acknowledged, now);
            LOG.info("chunk {}: completed {} in {} ms", key, counters, elapsed.toMillis());
            return new LoadChunkResult(key, LoadChunkResult.Outcome.COMPLETED, counters, resumedFrom, readThisCall,
                    granted.attempt(), elapsed, bulk);
        }

        /** Reads, converts and sends; returns whether it stopped early for the time budget. */
        private boolean loadRecords() {
            ByteRange rest = new ByteRange(acknowledged.nextOffset(), command.range().end());
            DocumentConverter converter = new DocumentConverter(spec, layout, command.key().run().value(),
                    command.object().toString());
            long marginMillis = settings.budgetMargin().toMillis();
            boolean partial = false;
            try (ChunkRecordReader reader = new ChunkRecordReader(
                    new ResumingRangeStream(objects, command.object(), rest, settings.maxReadAttempts()),
                    spec.dialect(), rest.start(), acknowledged.nextLine(), settings.recordLimits())) {
                PendingBatch batch = newBatch(rest.start(), acknowledged.nextLine());
                int batchItems = Math.min(FIRST_REQUEST_ITEMS, settings.maxBulkItems());
                while (true) {
                    if (budget.remainingMillis() < marginMillis) {
                        partial = true;
                        break;
                    }
                    CsvRecord record = reader.next();
                    if (record == null) {
                        break;
                    }
                    readThisCall++;
                    String reason = converter.append(record, batch.buffer);
                    if (reason == null) {
                        batch.itemAdded(record, converter.lastOperation() == DocumentConverter.Operation.DELETE);
                    } else {
                        batch.rejected(record, reason);
                    }
                    if (batch.buffer.length() >= settings.maxBulkBytes()
                            || batch.buffer.items() >= batchItems) {
                        submit(batch);
                        batch = newBatch(batch.endOffset, batch.nextLine);
                        batchItems = settings.maxBulkItems();
                    }
                }
                if (!batch.isEmpty()) {
                    submit(batch);
                } else {
                    batches.give(batch);
                }
                while (!inFlight.isEmpty()) {
                    foldHead();
                    checkpointIfDue();
                }
            } catch (IOException e) {
                throw new ChunkLoadFailedException("reading " + command.object() + " failed: " + e.getMessage(), true, e);
            } catch (MalformedCsvException e) {
                throw new ChunkLoadFailedException(command.object() + ", " + e.getMessage(), false, e);
            } catch (ObjectNotFoundException e) {
                throw new ChunkLoadFailedException(e.getMessage(), false, e);
            }
            return partial;
        }

        private PendingBatch newBatch(long offset, long line) {
            return batches.take(offset, line);
        }

        /**
         * Sends a batch as soon as fewer than {@code maxInFlight} requests are out, whichever of them was answered:
         * waiting for the oldest instead would leave the server a request short whenever a younger one finishes
         * first. Outcomes are still taken in oldest first, so a checkpoint never covers a record whose outcome is
         * not known; at most {@link #maxUntakenRequests} requests wait to be taken in behind a slow oldest one (a
         * long retry), which bounds the work a crash would repeat. The checkpoint is written after the send: the
         * ledger write (and the rejects object before it) happens while the requests are out, not in the gap
         * before the next one, where the server would wait for it.
         */
        private void submit(PendingBatch batch) {
            takeSlot();
            send(batch);
            checkpointIfDue();
        }

        /**
         * Waits for one of the service's {@code maxInFlight} slots, taking in outcomes as they become known (a
         * request that failed for good fails the chunk here, before anything more is sent).
         */
        private void takeSlot() {
            takeInAnswered();
            while (!waitForSlot()) {
                // no slot for a checkpoint interval (a long retry, or the other chunks' requests): keeps the lease
                checkpoint();
                takeInAnswered();
            }
            try {
                takeInAnswered(); // the request that gave its slot back is done: its outcome is taken in now
                while (inFlight.size() >= maxUntakenRequests()) {
                    foldHead();
                }
            } catch (RuntimeException | Error e) {
                requestSlots.release();
                throw e;
            }
        }

        private boolean waitForSlot() {
            try {
                return requestSlots.tryAcquire(Math.max(1, settings.checkpointInterval().toMillis()),
                        TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ChunkLoadFailedException("interrupted while waiting for a bulk response", true, e);
            }
        }

        private int maxUntakenRequests() {
            return 2 * settings.maxInFlight();
        }

        /**
         * Sends with a slot already taken. The sender hands the batch back to the pool when the writer is done with
         * it; the slot comes back once the request's outcome is known (or it is cancelled), so whoever takes the
         * slot finds the outcome ready to be taken in.
         */
        private void send(PendingBatch batch) {
            FutureTask<BatchOutcome> request = new FutureTask<>(() -> {
                if (logContext != null) {
                    org.slf4j.MDC.setContextMap(logContext);
                }
                try {
                    return writer.write(batch);
                } finally {
                    org.slf4j.MDC.clear();
                    batches.give(batch); // retries included
                }
            }) {
                @Override
                protected void done() {
                    requestSlots.release();
                }
            };
            inFlight.addLast(request);
            try {
                senders.execute(request);
            } catch (RuntimeException e) {
                inFlight.removeLast();
                requestSlots.release();
                throw e;
            }
        }

        /**
         * Takes in, oldest first, the outcomes already known; when a younger request has failed, waits for the
         * older ones and fails with it rather than sending more.
         */
        private void takeInAnswered() {
            while (!inFlight.isEmpty() && inFlight.peekFirst().isDone()) {
                foldHead();
            }
            if (inFlight.stream().anyMatch(Attempt::failedRequest)) {
                while (!inFlight.isEmpty()) {
                    foldHead(); // throws at the failed one, having taken in what came before it
                }
            }
        }

        private static boolean failedRequest(Future<BatchOutcome> sent) {
            if (!sent.isDone() || sent.isCancelled()) {
                return false;
            }
            try {
                sent.get();
                return false;
            } catch (ExecutionException e) {
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        /**
         * Waits for the oldest request and takes in its outcome (in memory: the checkpoint that records it is
         * {@link #checkpointIfDue}'s); extends the lease while it waits.
         */
        private void foldHead() {
            Future<BatchOutcome> head = inFlight.peekFirst();
            BatchOutcome outcome;
            while (true) {
                try {
                    outcome = head.get(Math.max(1, settings.checkpointInterval().toMillis()), TimeUnit.MILLISECONDS);
                    break;
                } catch (TimeoutException e) {
                    checkpoint(); // nothing new acknowledged: keeps the lease alive through a long retry
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ChunkLoadFailedException("interrupted while waiting for a bulk response", true, e);
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof Error error) {
                        throw error;
                    }
                    if (cause instanceof RuntimeException runtime) {
                        throw runtime;
                    }
                    throw new ChunkLoadFailedException("bulk request failed: " + cause, true, cause);
                }
            }
            inFlight.removeFirst();
            fold(outcome);
        }

        /** Checkpoints what is acknowledged once enough records or time have passed since the last checkpoint. */
        private void checkpointIfDue() {
            if (sinceCheckpoint >= settings.checkpointRecords()
                    || System.nanoTime() - lastCheckpointNanos >= settings.checkpointInterval().toNanos()) {
                checkpoint();
            }
        }

        private void fold(BatchOutcome outcome) {
            ChunkCounters counters = acknowledged.counters().plus(outcome.delta());
            acknowledged = new Checkpoint(outcome.endOffset(), outcome.nextLine(), counters);
            segmentRejects.addAll(outcome.rejects());
            bulk = bulk.plus(outcome.requests());
            sinceCheckpoint += outcome.delta().read();
        }

        /** Rejects first, then the checkpoint that covers them: a crash between the two only repeats work. */
        private void checkpoint() {
            writeSegmentRejects();
            Instant now = clock.instant();
            ledger.checkpoint(command.key(), command.owner(), acknowledged, now, now.plus(settings.lease()));
            sinceCheckpoint = 0;
            lastCheckpointNanos = System.nanoTime();
        }

        private void writeSegmentRejects() {
            if (segmentRejects.isEmpty()) {
                return;
            }
            ObjectRef target = rejectsObject(command.rejectsBucket(), command.key(), segmentStartLine);
            objects.put(target, ndjson(segmentRejects), "application/x-ndjson");
            LOG.info("chunk {}: {} rejects written to {}", command.key(), segmentRejects.size(), target);
            segmentRejects.clear();
            segmentStartLine = acknowledged.nextLine();
        }

        /**
         * A previous attempt may have written the rejects of the interval it was in before failing to checkpoint
         * them; that interval starts where this attempt resumes, so it is emptied before being redone.
         */
        private void clearOrphanRejects() {
            ObjectRef orphan = rejectsObject(command.rejectsBucket(), command.key(), segmentStartLine);
            try {
                objects.describe(orphan);
            } catch (ObjectNotFoundException absent) {
                return;
            }
            objects.put(orphan, new byte[0], "application/x-ndjson");
        }

        private byte[] ndjson(List<RejectedRecord> rejects) {
            return RejectsNdjson.of(command.key(), command.object().toString(), rejects);
        }

        private void cancelInFlight() {
            for (Future<BatchOutcome> sent : inFlight) {
                sent.cancel(true);
            }
            inFlight.clear();
        }

        /**
         * Keeps what was acknowledged before the failure (outcomes already in, in order), records the chunk as
         * FAILED with that checkpoint, and returns the exception to throw.
         */
        private RuntimeException failed(RuntimeException cause) {
            while (!inFlight.isEmpty() && inFlight.peekFirst().isDone()) {
                try {
                    fold(inFlight.removeFirst().get());
                } catch (ExecutionException | CancellationException e) {
                    break;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            cancelInFlight();
            ChunkLoadFailedException failure = cause instanceof ChunkLoadFailedException f ? f
                    : new ChunkLoadFailedException(cause.getClass().getSimpleName() + ": " + cause.getMessage(), true,
                    cause);
            try {
                writeSegmentRejects();
                ledger.fail(command.key(), command.owner(), acknowledged, failure.getMessage(), clock.instant());
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
            }
            LOG.warn("chunk {}: failed at line {}: {}", command.key(), acknowledged.nextLine(), failure.getMessage());
            return failure;
        }
    }
}
