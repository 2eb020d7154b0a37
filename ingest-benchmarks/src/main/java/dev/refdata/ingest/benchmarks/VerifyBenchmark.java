package dev.refdata.ingest.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refdata.ingest.adapter.local.LocalObjectStores;
import dev.refdata.ingest.adapter.local.LocalRunStores;
import dev.refdata.ingest.core.domain.ChunkDefinition;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.domain.RunMode;
import dev.refdata.ingest.core.domain.RunRecord;
import dev.refdata.ingest.core.domain.RunSource;
import dev.refdata.ingest.core.domain.RunStatus;
import dev.refdata.ingest.core.load.LoadChunkService;
import dev.refdata.ingest.core.load.LoadSettings;
import dev.refdata.ingest.core.port.in.LoadChunkCommand;
import dev.refdata.ingest.core.port.in.LoadChunkResult;
import dev.refdata.ingest.core.port.in.LoadChunkUseCase.TimeBudget;
import dev.refdata.ingest.core.port.in.PlanRunCommand;
import dev.refdata.ingest.core.port.in.PlanRunResult;
import dev.refdata.ingest.core.port.in.VerifyRunCommand;
import dev.refdata.ingest.core.port.in.VerifyRunResult;
import dev.refdata.ingest.core.port.out.ChunkLedger;
import dev.refdata.ingest.core.port.out.IndexAdmin;
import dev.refdata.ingest.core.port.out.ObjectStore;
import dev.refdata.ingest.core.port.out.RunStore;
import dev.refdata.ingest.core.port.out.SearchSink;
import dev.refdata.ingest.core.sample.Amount;
import dev.refdata.ingest.core.sample.InstrumentSampleGenerator;
import dev.refdata.ingest.core.sample.SampleOptions;
import dev.refdata.ingest.core.service.PlanRunService;
import dev.refdata.ingest.core.service.PlanRunSettings;
import dev.refdata.ingest.core.service.VerifyRunService;
import dev.refdata.ingest.core.spec.DatasetCatalog;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The verifier alone: plans and loads N generated instrument records (with updates, older versions and deletes,
 * in 64 MB chunks) from local files into an in-memory index that applies external versioning, then times
 * {@link VerifyRunService#verify} over that run, with the index answering counts and {@code _mget} from what was
 * loaded. Prints one JSON line per verification: wall seconds and the process's CPU seconds. The first line is a
 * cold JVM, as in the verifier Lambda; the run is set back to RUNNING between repetitions.
 *
 * <pre>java -Xmx3g -cp benchmarks.jar dev.refdata.ingest.benchmarks.VerifyBenchmark [records] [repeats]</pre>
 */
public final class VerifyBenchmark {

    private static final String ARTIFACTS = "artifacts";
    private static final ObjectRef INPUT = new ObjectRef("feeds", "2026-11-27/instruments.csv");

    private VerifyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long records = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path dir = Files.createTempDirectory("verify-bench");
        try {
            run(dir, records, repeats);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static void run(Path dir, long records, int repeats) throws IOException {
        ObjectStore objects = LocalObjectStores.rootedAt(dir.resolve("objects"));
        Path db = dir.resolve("runs.sqlite");
        RunStore runs = LocalRunStores.runStore(db);
        ChunkLedger ledger = LocalRunStores.chunkLedger(db);
        VersionedIndex index = new VersionedIndex();
        DatasetCatalog datasets = DatasetCatalog.builtIn();
        SampleOptions options = SampleOptions.builder().records(records).opColumn(true)
                .updates(Amount.rate(0.02)).olderVersions(Amount.rate(0.005)).deletes(Amount.rate(0.005)).build();
        try (OutputStream out = objects.startUpload(INPUT, "text/csv")) {
            new InstrumentSampleGenerator(options).writeTo(out);
        }
        PlanRunResult plan = new PlanRunService(objects, runs, index, datasets,
                new PlanRunSettings(ARTIFACTS, ZoneOffset.UTC, 64L << 20), Clock.systemUTC())
                .plan(new PlanRunCommand(RunSource.object(INPUT.bucket(), INPUT.key()), "instruments",
                        LocalDate.of(2026, 11, 27), null, RunMode.FULL, null, null));
        List<ChunkDefinition> chunks = runs.chunkDefinitions(plan.runId());
        try (LoadChunkService loader = new LoadChunkService(objects, ledger, index, datasets, LoadSettings.DEFAULTS,
                Clock.systemUTC())) {
            for (ChunkDefinition c : chunks) {
                LoadChunkResult r = loader.load(new LoadChunkCommand(c.key(), c.object(), c.range(), c.firstLine(),
                        c.records(), "instruments", c.columns(), plan.targetIndex(), ARTIFACTS, "bench"),
                        TimeBudget.UNLIMITED);
                if (r.outcome() != LoadChunkResult.Outcome.COMPLETED) {
                    throw new IllegalStateException("chunk " + c.key() + " did not complete: " + r);
                }
            }
        }
        System.out.printf(Locale.ROOT, "{\"nproc\":%d,\"records\":%d,\"rows\":%d,\"chunks\":%d,\"documents\":%d}%n",
                Runtime.getRuntime().availableProcessors(), records, plan.expectedRecords(), chunks.size(),
                index.documents.size());
        VerifyRunService verifier = new VerifyRunService(objects, runs, index, datasets, ARTIFACTS, Clock.systemUTC());
        for (int i = 0; i < repeats; i++) {
            long cpu0 = processCpuNanos();
            long t0 = System.nanoTime();
            VerifyRunResult result = verifier.verify(VerifyRunCommand.strict(plan.runId()));
            long wall = System.nanoTime() - t0;
            long cpu = processCpuNanos() - cpu0;
            if (!result.succeeded()) {
                throw new IllegalStateException("verification failed: " + result.reason() + " " + result.totals());
            }
            System.out.printf(Locale.ROOT, "{\"repetition\":%d,\"verifySeconds\":%.3f,\"cpuSeconds\":%.3f}%n",
                    i + 1, wall / 1e9, cpu / 1e9);
            RunRecord verified = runs.find(plan.runId()).orElseThrow();
            runs.update(verified.withStatus(RunStatus.RUNNING, null, verified.updatedAt()), Set.of(RunStatus.SUCCEEDED));
        }
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /**
     * One in-memory index with OpenSearch's external versioning (an equal or older version is a 409, a delete of a
     * missing id a 404), keeping each document's source line, and the admin calls the verifier makes of it.
     */
    private static final class VersionedIndex implements SearchSink, IndexAdmin {
        private static final ObjectMapper JSON = new ObjectMapper();

        private record Stored(long version, String source) {
        }

        private final Map<String, Stored> documents = new HashMap<>();
        private final Map<String, Long> deletedVersions = new HashMap<>();
        private final Set<String> indices = new HashSet<>();
        private final Map<String, Set<String>> aliases = new HashMap<>();

        @Override
        public BulkResult bulk(String index, BulkBody body) {
            String[] lines = new String(body.bytes(), 0, body.length(), StandardCharsets.UTF_8).split("\n");
            List<BulkItemResult> results = new ArrayList<>(body.items());
            try {
                for (int i = 0; i < lines.length; i++) {
                    JsonNode action = JSON.readTree(lines[i]);
                    boolean delete = action.has("delete");
                    JsonNode meta = delete ? action.get("delete") : action.get("index");
                    String id = meta.get("_id").asText();
                    long version = meta.get("version").asLong();
                    String source = delete ? null : lines[++i];
                    results.add(apply(id, version, source));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new BulkResult(results, 1);
        }

        /** Bulk requests arrive on the loader's in-flight threads. */
        private synchronized BulkItemResult apply(String id, long version, String source) {
            Stored current = documents.get(id);
            long held = current != null ? current.version() : deletedVersions.getOrDefault(id, -1L);
            if (held >= version) {
                return new BulkItemResult(409, "version_conflict_engine_exception", "version conflict");
            }
            if (source == null) {
                deletedVersions.put(id, version);
                return new BulkItemResult(documents.remove(id) == null ? 404 : 200, null, null);
            }
            deletedVersions.remove(id);
            documents.put(id, new Stored(version, source));
            return new BulkItemResult(current == null ? 201 : 200, null, null);
        }

        @Override
        public boolean indexExists(String index) {
            return indices.contains(index);
        }

        @Override
        public void createIndex(String index, String body) {
            indices.add(index);
        }

        @Override
        public Set<String> aliasTargets(String alias) {
            return Set.copyOf(aliases.getOrDefault(alias, Set.of()));
        }

        @Override
        public void swapAlias(String alias, String index, Set<String> previous) {
            aliases.put(alias, Set.of(index));
        }

        @Override
        public List<String> indicesStartingWith(String prefix) {
            return indices.stream().filter(i -> i.startsWith(prefix)).sorted().toList();
        }

        @Override
        public boolean deleteIndex(String index) {
            return indices.remove(index);
        }

        @Override
        public void refresh(String index) {
        }

        @Override
        public void updateSettings(String index, int replicas, String refreshInterval) {
        }

        @Override
        public synchronized long count(String index) {
            return documents.size();
        }

        /** Every document was written by the one run this benchmark makes. */
        @Override
        public synchronized long countWhere(String index, String field, String value) {
            return documents.size();
        }

        @Override
        public synchronized Map<String, String> sources(String index, List<String> ids) {
            Map<String, String> found = new HashMap<>();
            for (String id : ids) {
                Stored doc = documents.get(id);
                if (doc != null) {
                    found.put(id, doc.source());
                }
            }
            return found;
        }
    }
}
