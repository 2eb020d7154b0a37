package dev.refdata.ingest.benchmarks;

import dev.refdata.ingest.adapter.local.LocalObjectStores;
import dev.refdata.ingest.adapter.local.LocalRunStores;
import dev.refdata.ingest.adapter.opensearch.OpenSearchClientSettings;
import dev.refdata.ingest.adapter.opensearch.OpenSearchHttpClient;
import dev.refdata.ingest.adapter.opensearch.OpenSearchSinks;
import dev.refdata.ingest.adapter.opensearch.node.LocalOpenSearchNode;
import dev.refdata.ingest.adapter.opensearch.node.LocalOpenSearchSettings;
import dev.refdata.ingest.core.domain.Chunk;
import dev.refdata.ingest.core.domain.ChunkKey;
import dev.refdata.ingest.core.domain.DatasetSpec;
import dev.refdata.ingest.core.domain.IndexMapping;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.domain.RunId;
import dev.refdata.ingest.core.load.LoadChunkService;
import dev.refdata.ingest.core.load.LoadSettings;
import dev.refdata.ingest.core.port.in.LoadChunkCommand;
import dev.refdata.ingest.core.port.in.LoadChunkResult;
import dev.refdata.ingest.core.port.in.LoadChunkUseCase.TimeBudget;
import dev.refdata.ingest.core.port.in.PlanChunksCommand;
import dev.refdata.ingest.core.port.in.PlanChunksResult;
import dev.refdata.ingest.core.port.out.ObjectStore;
import dev.refdata.ingest.core.sample.InstrumentSampleGenerator;
import dev.refdata.ingest.core.sample.SampleOptions;
import dev.refdata.ingest.core.service.PlanChunksService;
import dev.refdata.ingest.core.spec.DatasetCatalog;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Loads N generated instrument records (one chunk) from local files into a local OpenSearch 2.19.6 node with the
 * real loader (LoadChunkService, SQLite run store, OpenSearch sink), and prints one JSON line per repetition:
 * documents per second, the loader process's CPU seconds and its peak heap. The node runs in its own process, so
 * the CPU and heap figures are the loader's alone.
 *
 * <pre>java -Xmx256m -cp benchmarks.jar dev.refdata.ingest.benchmarks.LoaderBenchmark [records] [repeats] [inFlight] [bulkMB]</pre>
 */
public final class LoaderBenchmark {

    /** The largest heap in use right after a collection: what the loader really holds (its live set). */
    private static final java.util.concurrent.atomic.AtomicLong LIVE_HEAP = new java.util.concurrent.atomic.AtomicLong();

    private LoaderBenchmark() {
    }

    private static void watchLiveHeap() {
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof javax.management.NotificationEmitter emitter) {
                emitter.addNotificationListener((notification, handback) -> {
                    if (!com.sun.management.GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION
                            .equals(notification.getType())) {
                        return;
                    }
                    var info = com.sun.management.GarbageCollectionNotificationInfo.from(
                            (javax.management.openmbean.CompositeData) notification.getUserData());
                    long used = 0;
                    for (var entry : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                        if (isHeapPool(entry.getKey())) {
                            used += entry.getValue().getUsed();
                        }
                    }
                    LIVE_HEAP.accumulateAndGet(used, Math::max);
                }, null, null);
            }
        }
    }

    private static boolean isHeapPool(String name) {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getName().equals(name)) {
                return pool.getType() == MemoryType.HEAP;
            }
        }
        return false;
    }

    public static void main(String[] args) throws Exception {
        watchLiveHeap();
        long records = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int inFlight = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        int bulkMb = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        Path work = Files.createTempDirectory("ingest-loader-bench");
        Path logs = Path.of(System.getProperty("bench.logs", "ingest-benchmarks/target/loader-bench"));
        DatasetSpec spec = DatasetCatalog.builtIn().get("instruments");

        Path file = work.resolve("feeds/instruments.csv");
        Files.createDirectories(file.getParent());
        InstrumentSampleGenerator.write(file, SampleOptions.builder().records(records).seed(7).build());
        ObjectStore objects = LocalObjectStores.rootedAt(work);
        ObjectRef object = new ObjectRef("feeds", "instruments.csv");
        PlanChunksResult plan = new PlanChunksService(objects, DatasetCatalog.builtIn())
                .plan(new PlanChunksCommand(object, "instruments", Long.MAX_VALUE));
        Chunk chunk = plan.plan().chunks().get(0);
        System.err.printf(Locale.ROOT, "generated %,d records, %,d bytes; starting OpenSearch%n", chunk.records(),
                Files.size(file));

        try (LocalOpenSearchNode node = LocalOpenSearchNode.start(LocalOpenSearchSettings.builder(logs).build());
             OpenSearchHttpClient search = OpenSearchSinks.create(OpenSearchClientSettings.builder(node.httpUrl())
                     .maxConnections(inFlight * 2).build())) {
            for (int r = 1; r <= repeats; r++) {
                String index = "instruments-bench-" + r;
                search.admin().createIndex(index, IndexMapping.of(spec).createIndexBody(0, "-1"));
                LoadSettings settings = LoadSettings.DEFAULTS.withMaxInFlight(inFlight).withMaxBulkBytes(bulkMb << 20)
                        .withMaxBulkItems(100_000).withCheckpointRecords(100_000);
                RunId run = new RunId("bench-" + r + "-" + System.nanoTime());
                LoadChunkCommand command = new LoadChunkCommand(new ChunkKey(run, 0), object, chunk.range(),
                        chunk.firstLine(), chunk.records(), "instruments", plan.layout().columnNames(), index,
                        "artifacts", "bench");
                System.gc();
                resetPeaks();
                LIVE_HEAP.set(0);
                long cpu0 = processCpuNanos();
                long t0 = System.nanoTime();
                LoadChunkResult result;
                try (LoadChunkService service = new LoadChunkService(objects,
                        LocalRunStores.chunkLedger(work.resolve("runs-" + r + ".db")), search.sink(),
                        DatasetCatalog.builtIn(), settings, Clock.systemUTC())) {
                    result = service.load(command, TimeBudget.UNLIMITED);
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                double cpu = (processCpuNanos() - cpu0) / 1e9;
                long peakHeap = peakHeapBytes();
                long peakLive = LIVE_HEAP.getAndSet(0);
                search.admin().refresh(index);
                long count = search.admin().count(index);
                System.out.printf(Locale.ROOT, "{\"measurement\":\"loader\",\"repeat\":%d,\"records\":%d,"
                                + "\"indexed\":%d,\"countInIndex\":%d,\"seconds\":%.2f,\"docsPerSecond\":%.0f,"
                                + "\"cpuSeconds\":%.2f,\"peakLiveHeapMB\":%.1f,\"peakPoolSumMB\":%.1f,\"maxHeapMB\":%d,"
                                + "\"inFlight\":%d,\"bulkMB\":%d,\"retries\":%d}%n",
                        r, result.counters().read(), result.counters().indexed(), count, seconds,
                        result.counters().read() / seconds, cpu, peakLive / 1048576.0, peakHeap / 1048576.0,
                        Runtime.getRuntime().maxMemory() >> 20, inFlight, bulkMb, result.counters().retries());
                search.admin().deleteIndex(index);
            }
        } finally {
            try (Stream<Path> paths = Files.walk(work)) {
                List<Path> all = new ArrayList<>(paths.sorted(Comparator.reverseOrder()).toList());
                for (Path p : all) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
    }

    /** The sum of the heap pools' peaks since the last reset: an upper bound of the heap in use at any time. */
    private static long peakHeapBytes() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    private static long processCpuNanos() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime();
        }
        return -1;
    }
}
