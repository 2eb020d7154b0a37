package dev.refdata.ingest.it.badinput;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refdata.ingest.adapter.local.LocalObjectStores;
import dev.refdata.ingest.adapter.local.LocalRunStores;
import dev.refdata.ingest.adapter.opensearch.OpenSearchClientSettings;
import dev.refdata.ingest.adapter.opensearch.OpenSearchHttpClient;
import dev.refdata.ingest.adapter.opensearch.OpenSearchSinks;
import dev.refdata.ingest.core.csv.RecordLimits;
import dev.refdata.ingest.core.domain.RunMode;
import dev.refdata.ingest.core.domain.RunSource;
import dev.refdata.ingest.core.load.LoadChunkService;
import dev.refdata.ingest.core.load.LoadSettings;
import dev.refdata.ingest.core.port.in.PlanRunCommand;
import dev.refdata.ingest.core.port.in.VerifyRunCommand;
import dev.refdata.ingest.core.port.out.ObjectStore;
import dev.refdata.ingest.core.port.out.RunStore;
import dev.refdata.ingest.core.service.PlanRunService;
import dev.refdata.ingest.core.service.PlanRunSettings;
import dev.refdata.ingest.core.service.VerifyRunService;
import dev.refdata.ingest.core.spec.DatasetCatalog;
import dev.refdata.ingest.it.lifecycle.RunDriver;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * A whole run (plan, load, verify) of one file in this JVM, on local files, SQLite and a real OpenSearch: the
 * child process of {@link HugeLineHeapIT}, started with a small heap. Prints one line
 * {@code RESULT status=.. read=.. indexed=.. rejected=.. peakHeapBytes=..} and exits 0, or fails (an
 * {@link OutOfMemoryError} included) with a non-zero exit.
 *
 * <p>Arguments: the store root, the bucket (a directory under it) and key of the file, the OpenSearch URL, the
 * dataset name, and the loader's record limit in bytes (its field limit is the smaller of that and the default).
 */
public final class HugeLineLoad {

    private HugeLineLoad() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        String bucket = args[1];
        String key = args[2];
        URI openSearch = URI.create(args[3]);
        String dataset = args[4];
        int maxRecordBytes = Integer.parseInt(args[5]);

        Path specs = Files.createDirectories(root.resolve(dataset + "-specs"));
        ObjectMapper json = new ObjectMapper();
        ObjectNode spec;
        try (InputStream in = HugeLineLoad.class.getClassLoader().getResourceAsStream("bad-input/specs/corpus.json")) {
            spec = (ObjectNode) json.readTree(in);
        }
        spec.put("name", dataset);
        ((ObjectNode) spec.get("index")).put("alias", dataset);
        Files.write(specs.resolve(dataset + ".json"), json.writeValueAsBytes(spec));
        DatasetCatalog datasets = DatasetCatalog.withDirectory(specs);

        ObjectStore objects = LocalObjectStores.rootedAt(root);
        Path database = root.resolve(dataset + "-runs.db");
        RunStore runs = LocalRunStores.runStore(database);
        String artifacts = dataset + "-artifacts";
        RecordLimits limits = new RecordLimits(maxRecordBytes,
                Math.min(maxRecordBytes, RecordLimits.DEFAULTS.maxFieldBytes()));
        try (OpenSearchHttpClient search = OpenSearchSinks.create(OpenSearchClientSettings.builder(openSearch).build())) {
            PlanRunService planner = new PlanRunService(objects, runs, search.admin(), datasets,
                    new PlanRunSettings(artifacts, ZoneOffset.UTC, 4 * 1024), Clock.systemUTC());
            LoadChunkService loader = new LoadChunkService(objects, LocalRunStores.chunkLedger(database),
                    search.sink(), datasets, LoadSettings.DEFAULTS.withRecordLimits(limits), Clock.systemUTC());
            VerifyRunService verifier = new VerifyRunService(objects, runs, search.admin(), datasets, artifacts,
                    Clock.systemUTC());
            try (RunDriver driver = new RunDriver(planner, loader, verifier, objects, artifacts, 2,
                    RunDriver.unlimited())) {
                RunDriver.Completed run = driver.run(new PlanRunCommand(RunSource.object(bucket, key), dataset,
                        LocalDate.of(2026, 11, 27), null, RunMode.FULL, null, 4L * 1024),
                        id -> new VerifyRunCommand(id, Long.MAX_VALUE, 1.0, 100, 3));
                var totals = run.verified().totals();
                System.out.println("RESULT status=" + run.verified().status() + " read=" + totals.read()
                        + " indexed=" + totals.indexed() + " rejected=" + totals.rejected()
                        + " failedChunks=" + run.loading().failed().size() + " peakHeapBytes=" + peakHeap());
            }
        }
        System.exit(0);
    }

    /** The most heap this JVM ever used: the peaks of its heap pools, summed. */
    private static long peakHeap() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }
}
