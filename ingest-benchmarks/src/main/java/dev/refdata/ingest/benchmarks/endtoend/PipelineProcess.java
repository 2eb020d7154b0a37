package dev.refdata.ingest.benchmarks.endtoend;

import dev.refdata.ingest.adapter.local.LocalRunStores;
import dev.refdata.ingest.adapter.opensearch.OpenSearchClientSettings;
import dev.refdata.ingest.adapter.opensearch.OpenSearchHttpClient;
import dev.refdata.ingest.adapter.opensearch.OpenSearchSinks;
import dev.refdata.ingest.adapter.s3.S3ClientSettings;
import dev.refdata.ingest.adapter.s3.S3ObjectStores;
import dev.refdata.ingest.core.domain.ChunkDefinition;
import dev.refdata.ingest.core.domain.RunMode;
import dev.refdata.ingest.core.domain.RunSource;
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
import dev.refdata.ingest.core.service.PlanRunService;
import dev.refdata.ingest.core.service.PlanRunSettings;
import dev.refdata.ingest.core.service.VerifyRunService;
import dev.refdata.ingest.core.spec.DatasetCatalog;
import dev.refdata.ingest.lambda.loader.LoaderHandler;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One pipeline measurement in a JVM of its own, started by {@link EndToEndBenchmark}, so that the CPU seconds,
 * the heap and the time from process start to the first bulk request are the pipeline's alone (the S3 server,
 * the ceiling client and the OpenSearch node live in other processes).
 *
 * <ul>
 *   <li>{@code mode=loader}: the loader Lambda's handler ({@link LoaderHandler}) built as in a container (S3
 *       client, pooled OpenSearch client, chunk ledger; SQLite instead of DynamoDB) loads one planned chunk;</li>
 *   <li>{@code mode=fullrun}: plan ({@link PlanRunService}: chunking, run record, fresh index), load every chunk
 *       ({@code chunkConcurrency} at a time on one {@link LoadChunkService}, so {@code inFlight} requests out in
 *       all, checkpoints included), verify ({@link VerifyRunService}: counts,
 *       samples, alias swap).</li>
 * </ul>
 * Prints one line {@code RESULT {json}} on stdout.
 */
public final class PipelineProcess {

    static final String RESULT_PREFIX = "RESULT ";

    private PipelineProcess() {
    }

    public static void main(String[] argv) throws Exception {
        long mainStarted = System.currentTimeMillis();
        Arguments args = Arguments.parse(argv);
        // heap probes watch from the start (their cold start is not reported); the others from the first bulk
        FirstBulk firstBulk = new FirstBulk("start".equals(args.get("heapWatch", "firstBulk")),
                args.integer("fullGcEveryBulks", 0), Boolean.parseBoolean(args.get("classHistograms", "false")));
        S3Client s3 = S3ObjectStores.createClient(S3ClientSettings.forLocalEndpoint("us-east-1",
                URI.create(args.get("s3")), EndToEndBenchmark.S3_CREDENTIALS));
        ObjectStore objects = S3ObjectStores.of(s3);
        int inFlight = args.integer("inFlight", LoadSettings.DEFAULTS.maxInFlight());
        LoadSettings settings = LoadSettings.DEFAULTS.withMaxInFlight(inFlight)
                .withMaxBulkBytes(args.integer("bulkBytes", LoadSettings.DEFAULTS.maxBulkBytes()))
                .withMaxBulkItems(args.integer("bulkItems", LoadSettings.DEFAULTS.maxBulkItems()))
                .withCheckpointRecords(args.integer("checkpointRecords", (int) LoadSettings.DEFAULTS.checkpointRecords()));
        int chunkConcurrency = args.integer("chunkConcurrency", 1);
        // sized as ProcessClients sizes it: the process's requests out are inFlight, however many chunks it loads
        try (OpenSearchHttpClient search = OpenSearchSinks.create(OpenSearchClientSettings.builder(
                URI.create(args.get("os"))).maxConnections(
                        Math.max(OpenSearchClientSettings.DEFAULT_MAX_CONNECTIONS, inFlight * 2))
                .gzip(Boolean.parseBoolean(args.get("gzip", "false"))).build())) {
            SearchSink sink = firstBulk.around(search.sink());
            Path db = Path.of(args.get("db"));
            String result = switch (args.get("mode")) {
                case "loader" -> loader(args, objects, LocalRunStores.chunkLedger(db), sink, settings, firstBulk);
                case "fullrun" -> fullRun(args, objects, LocalRunStores.runStore(db), LocalRunStores.chunkLedger(db),
                        search, sink, settings, chunkConcurrency, firstBulk);
                default -> throw new IllegalArgumentException("mode must be loader or fullrun");
            };
            HeapWatch heap = firstBulk.heap();
            long cpu = HeapWatch.processCpuNanos();
            System.out.println(RESULT_PREFIX + "{" + result + String.format(Locale.ROOT,
                    ",\"mainStartedEpochMs\":%d,\"firstBulkEpochMs\":%d,\"processCpuSeconds\":%.2f,"
                            + "\"liveAtBulkMB\":%.1f,\"usedAfterFullGcMB\":%.1f,\"peakLiveHeapMB\":%.1f,"
                            + "\"peakPoolSumMB\":%.1f,\"maxHeapMB\":%d,%s,\"cpuByThread\":{%s}}",
                    mainStarted, firstBulk.epochMillis(), cpu / 1e9, firstBulk.liveAtBulkBytes() / 1048576.0,
                    firstBulk.usedAfterFullGcBytes() / 1048576.0,
                    heap == null ? -1.0 : heap.peakLiveBytes() / 1048576.0,
                    heap == null ? -1.0 : heap.peakPoolSumBytes() / 1048576.0, Runtime.getRuntime().maxMemory() >> 20,
                    firstBulk.occupancy().json(), ThreadCpu.breakdownJson(cpu)));
        } finally {
            s3.close();
        }
    }

    /**
     * The JSON the state machine passes the loader for a chunk: from the {@code runId}, {@code bucket},
     * {@code key}, {@code start}, {@code end}, {@code firstLine}, {@code records}, {@code columns} (comma-separated)
     * and {@code index} arguments.
     */
    static String loaderRequest(Map<String, String> args) {
        Arguments a = new Arguments(args);
        return String.format(Locale.ROOT, "{\"runId\":\"%s\",\"chunk\":0,\"bucket\":\"%s\",\"key\":\"%s\","
                        + "\"start\":%s,\"end\":%s,\"firstLine\":%s,\"records\":%s,\"dataset\":\"instruments\","
                        + "\"columns\":[%s],\"index\":\"%s\"}", a.get("runId"), a.get("bucket"), a.get("key"),
                a.get("start"), a.get("end"), a.get("firstLine"), a.get("records"),
                "\"" + String.join("\",\"", a.get("columns").split(",")) + "\"", a.get("index"));
    }

    /** The loader Lambda's handler on one chunk, fed the JSON the state machine would pass. */
    private static String loader(Arguments args, ObjectStore objects, ChunkLedger ledger, SearchSink sink,
                                 LoadSettings settings, FirstBulk firstBulk) throws Exception {
        String request = loaderRequest(args.values());
        try (LoadChunkService service = new LoadChunkService(objects, ledger, sink, DatasetCatalog.builtIn(), settings,
                Clock.systemUTC())) {
            LoaderHandler handler = new LoaderHandler(service, args.get("artifacts"));
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            // the handler's own window; this process's CPU in it is the account's harness share
            CpuAccount window = new CpuAccount(Long.parseLong(args.get("serverPid")));
            CpuAccount.Snapshot window0 = window.take();
            long t0 = System.nanoTime();
            long started = System.currentTimeMillis();
            handler.handleRequest(new ByteArrayInputStream(request.getBytes(StandardCharsets.UTF_8)), response, null);
            double seconds = (System.nanoTime() - t0) / 1e9;
            CpuAccount.Spent loading = window.since(window0, 0);
            double cpu = loading.harness();
            String json = response.toString(StandardCharsets.UTF_8);
            if (!json.contains("\"COMPLETED\"")) {
                throw new IllegalStateException("the loader did not complete the chunk: " + json);
            }
            return String.format(Locale.ROOT, "\"handlerStartedEpochMs\":%d,\"seconds\":%.3f,\"cpuSeconds\":%.2f,"
                    + "\"bulkRequests\":%d,%s,\"response\":%s", started, seconds, cpu, firstBulk.calls(),
                    loading.selfJson("handlerCpu"), json);
        }
    }

    /** Plan, load every chunk, verify: what the state machine does, in one process. */
    private static String fullRun(Arguments args, ObjectStore objects, RunStore runs, ChunkLedger ledger,
                                  OpenSearchHttpClient search, SearchSink sink, LoadSettings settings,
                                  int chunkConcurrency, FirstBulk firstBulk) throws Exception {
        String artifacts = args.get("artifacts");
        DatasetCatalog datasets = DatasetCatalog.builtIn();
        TimedIndexAdmin adminTime = new TimedIndexAdmin();
        IndexAdmin admin = adminTime.wrap(search.admin());
        long cpu0 = HeapWatch.processCpuNanos();
        // the machine's CPU in each phase (this process's own is the account's harness share, "self")
        CpuAccount phases = new CpuAccount(Long.parseLong(args.get("serverPid")));
        CpuAccount.Snapshot p0 = phases.take();
        long t0 = System.nanoTime();
        long started = System.currentTimeMillis();
        PlanRunResult plan = new PlanRunService(objects, runs, admin, datasets,
                new PlanRunSettings(artifacts, ZoneOffset.UTC, Long.parseLong(args.get("chunkBytes"))), Clock.systemUTC())
                .plan(new PlanRunCommand(RunSource.object(args.get("bucket"), args.get("key")), "instruments",
                        LocalDate.parse(args.get("businessDate")), null, RunMode.FULL, null, null));
        long t1 = System.nanoTime();
        CpuAccount.Snapshot p1 = phases.take();
        String planAdmin = adminTime.takeJson("planAdminMs");
        List<ChunkDefinition> chunks = runs.chunkDefinitions(plan.runId());
        ExecutorService pool = Executors.newFixedThreadPool(chunkConcurrency);
        AtomicLong indexed = new AtomicLong();
        // one service for every chunk, as the CLI's local run has: its maxInFlight requests are the process's
        try (LoadChunkService service = new LoadChunkService(objects, ledger, sink, datasets, settings,
                Clock.systemUTC())) {
            List<Future<LoadChunkResult>> loads = new ArrayList<>();
            for (ChunkDefinition c : chunks) {
                loads.add(pool.submit(() -> {
                    LoadChunkResult r = service.load(new LoadChunkCommand(c.key(), c.object(), c.range(),
                            c.firstLine(), c.records(), "instruments", c.columns(), plan.targetIndex(), artifacts,
                            "bench-" + c.key()), TimeBudget.UNLIMITED);
                    indexed.addAndGet(r.counters().indexed());
                    return r;
                }));
            }
            for (Future<LoadChunkResult> f : loads) {
                if (f.get().outcome() != LoadChunkResult.Outcome.COMPLETED) {
                    throw new IllegalStateException("a chunk did not complete: " + f.get());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        long t2 = System.nanoTime();
        CpuAccount.Snapshot p2 = phases.take();
        VerifyRunResult verified = new VerifyRunService(objects, runs, admin, datasets, artifacts,
                Clock.systemUTC()).verify(VerifyRunCommand.strict(plan.runId()));
        long t3 = System.nanoTime();
        CpuAccount.Snapshot p3 = phases.take();
        String verifyAdmin = adminTime.takeJson("verifyAdminMs");
        if (!verified.succeeded()) {
            throw new IllegalStateException("verification failed: " + verified);
        }
        return String.format(Locale.ROOT, "\"handlerStartedEpochMs\":%d,\"seconds\":%.3f,\"planSeconds\":%.3f,"
                        + "\"loadSeconds\":%.3f,\"verifySeconds\":%.3f,\"cpuSeconds\":%.2f,\"chunks\":%d,"
                        + "\"indexed\":%d,\"expected\":%d,\"targetIndex\":\"%s\",\"alias\":\"%s\",\"bulkRequests\":%d,%s,%s,"
                        + "%s,%s,%s",
                started, (t3 - t0) / 1e9, (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9,
                (HeapWatch.processCpuNanos() - cpu0) / 1e9, chunks.size(), indexed.get(), plan.expectedRecords(),
                plan.targetIndex(), plan.alias(), firstBulk.calls(), planAdmin, verifyAdmin,
                CpuAccount.between(p0, p1, 0).selfJson("planCpu"), CpuAccount.between(p1, p2, 0).selfJson("loadCpu"),
                CpuAccount.between(p2, p3, 0).selfJson("verifyCpu"));
    }

    /**
     * Notes when the first bulk request leaves, and only then starts watching the heap: the management beans
     * cost start-up time that a Lambda would not spend, so they are kept out of the cold-start figure.
     */
    private static final class FirstBulk {
        private final AtomicLong firstAt = new AtomicLong();
        private final AtomicLong calls = new AtomicLong();
        private final InFlightOccupancy occupancy = new InFlightOccupancy();
        private final int fullGcEveryBulks;
        private final boolean classHistograms;
        private final AtomicLong liveAtBulk = new AtomicLong();
        private final AtomicLong usedAfterFullGc = new AtomicLong();
        private volatile HeapWatch heap;

        /**
         * @param fullGcEveryBulks when positive, a full collection before every n-th bulk request (the first
         *                         included) and the heap in use at its end, as the collector reports it, noted: the
         *                         live set at the moment a request leaves, with the others in flight (heap probes
         *                         only: it slows the load, and needs {@code heapWatch=start})
         */
        FirstBulk(boolean watchHeapNow, int fullGcEveryBulks, boolean classHistograms) {
            this.fullGcEveryBulks = fullGcEveryBulks;
            this.classHistograms = classHistograms;
            if (watchHeapNow) {
                heap = new HeapWatch();
            }
        }

        /**
         * The heap's largest classes after the probe's full collection, on stderr (the child's log): what the live
         * set is made of at that request.
         */
        private static void printClassHistogram(long call, long used) {
            try {
                Object text = java.lang.management.ManagementFactory.getPlatformMBeanServer().invoke(
                        new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"),
                        "gcClassHistogram", new Object[] {null}, new String[] {String[].class.getName()});
                String[] lines = String.valueOf(text).split("\n");
                System.err.println("HISTOGRAM bulk " + call + " used " + used);
                for (int i = 0; i < Math.min(lines.length, 30); i++) {
                    System.err.println("HISTOGRAM " + lines[i]);
                }
            } catch (javax.management.JMException e) {
                System.err.println("HISTOGRAM unavailable: " + e);
            }
        }

        SearchSink around(SearchSink sink) {
            return (index, body) -> {
                long call = calls.getAndIncrement();
                if (fullGcEveryBulks > 0 && call % fullGcEveryBulks == 0) {
                    HeapWatch watch = heap;
                    long live = watch == null ? -1 : watch.collectAndMeasureLive();
                    if (live < 0) {
                        throw new IllegalStateException("heap probe: no account of the full collection (the probe "
                                + "needs heapWatch=start and a collector that reports System.gc())");
                    }
                    long used = java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                    liveAtBulk.accumulateAndGet(live, Math::max);
                    usedAfterFullGc.accumulateAndGet(used, Math::max);
                    if (classHistograms) {
                        printClassHistogram(call, used);
                    }
                }
                if (call == 0) {
                    firstAt.set(System.currentTimeMillis());
                    if (heap == null) {
                        Thread watcher = new Thread(() -> heap = new HeapWatch(), "heap-watch");
                        watcher.setDaemon(true);
                        watcher.start();
                    }
                }
                occupancy.sent();
                try {
                    return sink.bulk(index, body);
                } finally {
                    occupancy.answered();
                }
            };
        }

        long epochMillis() {
            return firstAt.get();
        }

        long calls() {
            return calls.get();
        }

        InFlightOccupancy occupancy() {
            return occupancy;
        }

        long liveAtBulkBytes() {
            return liveAtBulk.get();
        }

        /** The largest heap in use read just after a probe's collection: the live set plus what threads allocated since. */
        long usedAfterFullGcBytes() {
            return usedAfterFullGc.get();
        }

        HeapWatch heap() {
            return heap;
        }
    }

    /** {@code key=value} arguments. */
    private record Arguments(Map<String, String> values) {
        static Arguments parse(String[] argv) {
            Map<String, String> values = new HashMap<>();
            for (String a : argv) {
                int eq = a.indexOf('=');
                if (eq < 1) {
                    throw new IllegalArgumentException("arguments are key=value: " + a);
                }
                values.put(a.substring(0, eq), a.substring(eq + 1));
            }
            return new Arguments(Map.copyOf(values));
        }

        String get(String key) {
            String v = values.get(key);
            if (v == null) {
                throw new IllegalArgumentException("missing argument " + key + "=");
            }
            return v;
        }

        String get(String key, String otherwise) {
            return values.getOrDefault(key, otherwise);
        }

        int integer(String key, int otherwise) {
            return values.containsKey(key) ? Integer.parseInt(values.get(key)) : otherwise;
        }
    }
}
