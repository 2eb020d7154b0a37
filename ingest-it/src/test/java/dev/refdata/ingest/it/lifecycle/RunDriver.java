package dev.refdata.ingest.it.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refdata.ingest.core.domain.ByteRange;
import dev.refdata.ingest.core.domain.ChunkKey;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.domain.RunId;
import dev.refdata.ingest.core.load.LoadChunkService;
import dev.refdata.ingest.core.port.in.ChunkLoadFailedException;
import dev.refdata.ingest.core.port.in.LoadChunkCommand;
import dev.refdata.ingest.core.port.in.LoadChunkResult;
import dev.refdata.ingest.core.port.in.LoadChunkUseCase;
import dev.refdata.ingest.core.port.in.LoadChunkUseCase.TimeBudget;
import dev.refdata.ingest.core.port.in.PlanRunCommand;
import dev.refdata.ingest.core.port.in.PlanRunResult;
import dev.refdata.ingest.core.port.in.PlanRunUseCase;
import dev.refdata.ingest.core.port.in.VerifyRunCommand;
import dev.refdata.ingest.core.port.in.VerifyRunResult;
import dev.refdata.ingest.core.port.in.VerifyRunUseCase;
import dev.refdata.ingest.core.port.out.ObjectStore;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs the three use cases of a run in sequence, the way the state machine does but without it: plan, read the
 * manifest, load every entry (several at once, calling the loader again for a chunk as long as it hands the chunk
 * back unfinished), verify. A chunk whose load fails is recorded as failed and left for a re-run, as the state
 * machine's map state does; every other exception ends the test.
 */
public final class RunDriver implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PlanRunUseCase planner;
    private final LoadChunkUseCase loader;
    private final VerifyRunUseCase verifier;
    private final ObjectStore objects;
    private final String rejectsBucket;
    private final Supplier<TimeBudget> budgetPerCall;
    private final ExecutorService loaders;
    private final String name = "driver-" + UUID.randomUUID().toString().substring(0, 8);

    /**
     * @param rejectsBucket where the loader writes rejected records (the artifacts bucket the verifier reads)
     * @param parallelism   chunks loaded at once
     * @param budgetPerCall the time budget of each call of the loader (an invocation's remaining time)
     */
    public RunDriver(PlanRunUseCase planner, LoadChunkUseCase loader, VerifyRunUseCase verifier, ObjectStore objects,
                     String rejectsBucket, int parallelism, Supplier<TimeBudget> budgetPerCall) {
        this.planner = Objects.requireNonNull(planner, "planner");
        this.loader = Objects.requireNonNull(loader, "loader");
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.objects = Objects.requireNonNull(objects, "objects");
        this.rejectsBucket = Objects.requireNonNull(rejectsBucket, "rejectsBucket");
        this.budgetPerCall = Objects.requireNonNull(budgetPerCall, "budgetPerCall");
        AtomicInteger threads = new AtomicInteger();
        this.loaders = Executors.newFixedThreadPool(parallelism, r -> {
            Thread t = new Thread(r, name + "-loader-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** A budget that never runs out, for every call. */
    public static Supplier<TimeBudget> unlimited() {
        return () -> TimeBudget.UNLIMITED;
    }

    /**
     * An invocation that has time for exactly {@code records} records: the loader consults its budget before each
     * record, and this one runs out after the {@code records}-th consultation. Deterministic where a clock is not.
     */
    public static Supplier<TimeBudget> timeForRecords(long records) {
        return () -> {
            AtomicInteger consulted = new AtomicInteger();
            return () -> consulted.incrementAndGet() <= records ? Long.MAX_VALUE : 0;
        };
    }

    public PlanRunResult plan(PlanRunCommand command) {
        return planner.plan(command);
    }

    public VerifyRunResult verify(VerifyRunCommand command) {
        return verifier.verify(command);
    }

    /** The entries of a plan's manifest, in manifest order. */
    public List<ManifestEntry> manifest(PlanRunResult planned) {
        try (InputStream in = objects.open(planned.manifest())) {
            List<ManifestEntry> entries = new ArrayList<>();
            for (JsonNode e : JSON.readTree(in)) {
                List<String> columns = new ArrayList<>();
                e.get("columns").forEach(c -> columns.add(c.asText()));
                entries.add(new ManifestEntry(new RunId(e.get("runId").asText()), e.get("chunk").asInt(),
                        new ObjectRef(e.get("bucket").asText(), e.get("key").asText()),
                        new ByteRange(e.get("start").asLong(), e.get("end").asLong()), e.get("firstLine").asLong(),
                        e.get("records").asLong(), e.get("dataset").asText(), List.copyOf(columns),
                        e.get("index").asText()));
            }
            return entries;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the manifest " + planned.manifest(), e);
        }
    }

    /** Loads every chunk of a plan's manifest as planned. */
    public Loading load(PlanRunResult planned) {
        return load(manifest(planned), Function.identity());
    }

    /**
     * Loads the given entries, each through the command {@code adjust} makes of it (the identity for a faithful
     * load), {@code parallelism} at a time.
     */
    public Loading load(List<ManifestEntry> entries, Function<LoadChunkCommand, LoadChunkCommand> adjust) {
        List<Future<ChunkLoad>> pending = new ArrayList<>();
        for (ManifestEntry entry : entries) {
            LoadChunkCommand command = adjust.apply(entry.command(rejectsBucket, name + "-chunk-" + entry.chunk()));
            pending.add(loaders.submit(() -> loadToEnd(entry, command)));
        }
        Map<Integer, ChunkLoad> loads = new TreeMap<>();
        for (Future<ChunkLoad> f : pending) {
            ChunkLoad load = await(f);
            loads.put(load.chunk(), load);
        }
        return new Loading(loads);
    }

    /** Plans, loads everything the manifest lists, and verifies. */
    public Completed run(PlanRunCommand plan, Function<RunId, VerifyRunCommand> verify) {
        PlanRunResult planned = plan(plan);
        Loading loading = load(planned);
        VerifyRunResult verified = verify(verify.apply(planned.runId()));
        return new Completed(planned, loading, verified);
    }

    private ChunkLoad loadToEnd(ManifestEntry entry, LoadChunkCommand command) {
        List<LoadChunkResult> calls = new ArrayList<>();
        try {
            LoadChunkResult result;
            do {
                result = loader.load(command, budgetPerCall.get());
                calls.add(result);
            } while (!result.done());
            return new ChunkLoad(entry.chunk(), entry, List.copyOf(calls), null);
        } catch (ChunkLoadFailedException e) {
            return new ChunkLoad(entry.chunk(), entry, List.copyOf(calls), e);
        }
    }

    private static ChunkLoad await(Future<ChunkLoad> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while loading", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        }
    }

    /** Stops the loader threads, and the loader itself when it holds resources. */
    @Override
    public void close() {
        loaders.shutdownNow();
        if (loader instanceof LoadChunkService service) {
            service.close();
        }
    }

    /** One manifest entry, as the state machine hands it to a loader. */
    public record ManifestEntry(RunId run, int chunk, ObjectRef object, ByteRange range, long firstLine, long records,
                                String dataset, List<String> columns, String index) {

        public ChunkKey key() {
            return new ChunkKey(run, chunk);
        }

        public LoadChunkCommand command(String rejectsBucket, String owner) {
            return new LoadChunkCommand(key(), object, range, firstLine, records, dataset, columns, index,
                    rejectsBucket, owner);
        }
    }

    /**
     * How one chunk's loading went.
     *
     * @param calls   every call of the loader for it, in order (the last one done unless it failed)
     * @param failure why it failed, or null
     */
    public record ChunkLoad(int chunk, ManifestEntry entry, List<LoadChunkResult> calls,
                            ChunkLoadFailedException failure) {

        public boolean completed() {
            return failure == null && !calls.isEmpty() && calls.get(calls.size() - 1).done();
        }

        /** Records read by all calls together. */
        public long readByAllCalls() {
            return calls.stream().mapToLong(LoadChunkResult::readThisCall).sum();
        }
    }

    /** Every chunk's loading, by chunk number. */
    public record Loading(Map<Integer, ChunkLoad> chunks) {

        public List<Integer> completed() {
            return chunks.values().stream().filter(ChunkLoad::completed).map(ChunkLoad::chunk).toList();
        }

        public List<Integer> failed() {
            return chunks.values().stream().filter(c -> c.failure() != null).map(ChunkLoad::chunk).toList();
        }

        public int calls() {
            return chunks.values().stream().mapToInt(c -> c.calls().size()).sum();
        }
    }

    /** A whole run: its plan, its loading and its verification. */
    public record Completed(PlanRunResult planned, Loading loading, VerifyRunResult verified) {
    }
}
