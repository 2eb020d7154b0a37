package dev.refdata.ingest.benchmarks.endtoend;

import dev.refdata.ingest.adapter.dynamodb.DynamoDbRunStore;
import dev.refdata.ingest.adapter.opensearch.OpenSearchClientSettings;
import dev.refdata.ingest.adapter.opensearch.OpenSearchHttpClient;
import dev.refdata.ingest.adapter.opensearch.OpenSearchSinks;
import dev.refdata.ingest.adapter.opensearch.node.LocalOpenSearchNode;
import dev.refdata.ingest.adapter.opensearch.node.LocalOpenSearchSettings;
import dev.refdata.ingest.adapter.s3.S3ClientSettings;
import dev.refdata.ingest.adapter.s3.S3ObjectStores;
import dev.refdata.ingest.adapter.s3.S3ProxyServer;
import dev.refdata.ingest.core.domain.Chunk;
import dev.refdata.ingest.core.domain.DatasetSpec;
import dev.refdata.ingest.core.domain.IndexMapping;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.port.in.PlanChunksCommand;
import dev.refdata.ingest.core.port.in.PlanChunksResult;
import dev.refdata.ingest.core.port.out.ObjectStore;
import dev.refdata.ingest.core.sample.InstrumentSampleGenerator;
import dev.refdata.ingest.core.sample.SampleOptions;
import dev.refdata.ingest.core.service.PlanChunksService;
import dev.refdata.ingest.core.spec.DatasetCatalog;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The pipeline against what the OpenSearch server itself can take, in one run on one node (see
 * {@code bench/end-to-end.sh}). Generates N instrument records as CSV into a local S3 server and the same records
 * as pre-built bulk NDJSON (converted by the pipeline's own converter); then, on one OpenSearch 2.19.6 node
 * (512 MB heap), each measurement into a fresh index with the dataset's mapping (one shard, no replicas, refresh
 * off):
 * <ol>
 *   <li>warm-up passes until the server's rate settles; sweep: the ceiling (NDJSON posted with java.net.http, no
 *       conversion) at 1-4 requests in flight and two request sizes, twice (forward, then back); the best mean is
 *       the ceiling from then on;</li>
 *   <li>repetitions, interleaved so that machine noise hits all three: ceiling, loader (the loader Lambda's
 *       handler in its own JVM, one chunk from S3), full run (plan + load + verify in its own JVM);</li>
 *   <li>the heap of a small (10,000-record) chunk, a middle one (100,000 records: more requests than are ever held
 *       at once) and the big one, each sampled after a full collection before every request, and the time from
 *       process start to the first bulk request with and without class-data sharing.</li>
 * </ol>
 * With {@code --heap-only}, only the heap probes (three repetitions unless {@code --heap-repeats} says).
 * One JSON line per measurement on stdout, then a summary line with the medians and ratios.
 */
public final class EndToEndBenchmark {

    /** What the harness's in-process S3 server (S3Proxy) accepts; the pipeline processes sign with it too. */
    static final S3ClientSettings.StaticCredentials S3_CREDENTIALS =
            new S3ClientSettings.StaticCredentials("ingest-bench", "ingest-bench-secret");

    private static final String FEEDS = "feeds";
    private static final String ARTIFACTS = "artifacts";
    private static final int SMALL_RECORDS = 10_000;
    private static final int MIDDLE_RECORDS = 100_000;

    private final Options options;
    private final Path work;
    private final Path logs;
    private final String jar;
    private final String java;
    private final List<String> lines = new ArrayList<>();
    private int childSerial;

    private EndToEndBenchmark(Options options, Path work, Path logs) {
        this.options = options;
        this.work = work;
        this.logs = logs;
        try {
            this.jar = new File(EndToEndBenchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .getPath();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        this.java = ProcessHandle.current().info().command().orElse("java");
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        Path logs = Path.of(System.getProperty("bench.logs", "ingest-benchmarks/target/end-to-end"));
        Files.createDirectories(logs);
        Path work = Files.createTempDirectory("ingest-e2e-bench");
        try {
            new EndToEndBenchmark(options, work, logs).run();
        } finally {
            try (Stream<Path> paths = Files.walk(work)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private void run() throws Exception {
        emit(String.format(Locale.ROOT, "{\"environment\":true,\"nproc\":%d,\"jvm\":\"%s\",\"records\":%d,"
                        + "\"repeats\":%d,\"loaderHeap\":\"%s\",\"loadAverage\":%s}",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"), options.records,
                options.repeats, options.loaderHeap, loadAverage()));
        DatasetSpec spec = DatasetCatalog.builtIn().get("instruments");
        byte[] csv = generate(options.records, 7);
        byte[] smallCsv = generate(SMALL_RECORDS, 8);
        byte[] middleCsv = generate(MIDDLE_RECORDS, 9);
        long t0 = System.nanoTime();
        try (S3ProxyServer s3Server = S3ProxyServer.start(S3_CREDENTIALS);
             S3Client s3 = S3ObjectStores.createClient(S3ClientSettings.forLocalEndpoint("us-east-1",
                     s3Server.endpoint(), S3_CREDENTIALS))) {
            s3.createBucket(b -> b.bucket(FEEDS));
            s3.createBucket(b -> b.bucket(ARTIFACTS));
            ObjectStore objects = S3ObjectStores.of(s3);
            ObjectRef big = new ObjectRef(FEEDS, "instruments/instruments.csv");
            ObjectRef small = new ObjectRef(FEEDS, "small/instruments.csv");
            objects.put(big, csv, "text/csv");
            objects.put(small, smallCsv, "text/csv");
            ObjectRef middle = new ObjectRef(FEEDS, "middle/instruments.csv");
            objects.put(middle, middleCsv, "text/csv");
            PlanChunksService planner = new PlanChunksService(objects, DatasetCatalog.builtIn());
            PlanChunksResult bigPlan = planner.plan(new PlanChunksCommand(big, "instruments", Long.MAX_VALUE));
            PlanChunksResult smallPlan = planner.plan(new PlanChunksCommand(small, "instruments", Long.MAX_VALUE));
            PlanChunksResult middlePlan = planner.plan(new PlanChunksCommand(middle, "instruments", Long.MAX_VALUE));
            Chunk chunk = bigPlan.plan().chunks().get(0);
            PrebuiltBulk ndjson = PrebuiltBulk.convert(csv, chunk, spec, bigPlan.layout(), "bench-loader-r1",
                    big.toString());
            System.err.printf(Locale.ROOT, "# %,d records: CSV %,d bytes, NDJSON %,d bytes (%,d items), ready in %.1f s;"
                    + " starting OpenSearch%n", chunk.records(), csv.length, ndjson.bytes().length, ndjson.items(),
                    (System.nanoTime() - t0) / 1e9);
            String createBody = IndexMapping.of(spec).createIndexBody(0, "-1");
            try (LocalOpenSearchNode node = LocalOpenSearchNode.start(LocalOpenSearchSettings.builder(logs.resolve("node"))
                    .build());
                 OpenSearchHttpClient search = OpenSearchSinks.create(OpenSearchClientSettings.builder(node.httpUrl())
                         .build())) {
                Session session = new Session(s3Server.endpoint(), node.httpUrl(), search, createBody, ndjson,
                        bigPlan, smallPlan, big, small, middlePlan, middle, new CpuAccount(node.pid()));
                session.measure();
            }
        }
    }

    private static byte[] generate(long records, long seed) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 16, records * 140));
        new InstrumentSampleGenerator(SampleOptions.builder().records(records).seed(seed).build()).writeTo(out);
        return out.toByteArray();
    }

    /** The measurements of one run, on one node. */
    private final class Session {
        private final URI s3;
        private final URI node;
        private final OpenSearchHttpClient search;
        private final String createBody;
        private final PrebuiltBulk ndjson;
        private final PlanChunksResult bigPlan;
        private final PlanChunksResult smallPlan;
        private final ObjectRef big;
        private final ObjectRef small;
        private final PlanChunksResult middlePlan;
        private final ObjectRef middle;
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        private final CpuAccount cpu;
        /**
         * The JVM options of the measured pipeline processes (loader, full run, baseline, heap probes): those the
         * SAM template deploys the functions with, unless {@code --default-jit}. The cold-start probes set their
         * own.
         */
        private final List<String> pipelineJvm = options.defaultJit ? List.of()
                : DeployedJvmOptions.fromTemplate(Path.of("template.yaml"));
        /** Where the machine's CPU went in each measurement of the repetitions, by kind. */
        private final Map<String, List<CpuAccount.Spent>> spentByKind = new LinkedHashMap<>();
        private int indexSerial;

        Session(URI s3, URI node, OpenSearchHttpClient search, String createBody, PrebuiltBulk ndjson,
                PlanChunksResult bigPlan, PlanChunksResult smallPlan, ObjectRef big, ObjectRef small,
                PlanChunksResult middlePlan, ObjectRef middle, CpuAccount cpu) {
            this.s3 = s3;
            this.node = node;
            this.search = search;
            this.createBody = createBody;
            this.ndjson = ndjson;
            this.bigPlan = bigPlan;
            this.smallPlan = smallPlan;
            this.big = big;
            this.small = small;
            this.middlePlan = middlePlan;
            this.middle = middle;
            this.cpu = cpu;
        }

        void measure() throws Exception {
            if (options.heapOnly) {
                emit("{\"summary\":true,\"heapOnly\":true,\"records\":" + options.records + heapProbes()
                        + ",\"loadAverage\":" + loadAverage() + "}");
                return;
            }
            if (options.coldOnly) {
                emit("{\"summary\":true,\"coldOnly\":true," + coldStarts(List.of()) + ",\"loadAverage\":"
                        + loadAverage() + "}");
                return;
            }
            warmUpUntilSettled();
            // without a sweep: 5 MiB requests (the sweep's winner on this machine) at the first --ceiling-in-flight
            CeilingShape best = options.sweep ? sweep()
                    : new CeilingShape(options.sweepInFlight.get(0), 0, 5 << 20);
            List<Double> ceilings = new ArrayList<>();
            List<Double> loaders = new ArrayList<>();
            List<Double> fullRuns = new ArrayList<>();
            List<Double> loaderCpu = new ArrayList<>();
            List<Double> loaderHeap = new ArrayList<>();
            List<Double> coldDefault = new ArrayList<>();
            List<Double> baselines = new ArrayList<>();
            List<Double> baselineCpu = new ArrayList<>();
            List<Double> fullResponseCeilings = new ArrayList<>();
            // the machine's CPU in each repetition's ceiling, loader handler and full-run phases (plan, load, verify)
            List<CpuAccount.Spent> ceilingSpent = new ArrayList<>();
            List<CpuAccount.Spent> loaderWindows = new ArrayList<>();
            List<List<CpuAccount.Spent>> fullRunWindows = new ArrayList<>();
            List<String> kinds = new ArrayList<>(List.of("ceiling", "loader"));
            if (options.fullRun) {
                kinds.add("fullrun");
            }
            if (options.baselineJar != null) {
                kinds.add("loader-baseline");
            }
            List<Double> baselineFullRuns = new ArrayList<>();
            if (options.baselineJar != null && options.baselineFullRun) {
                kinds.add("fullrun-baseline");
            }
            if (options.compareFullResponse) {
                kinds.add("ceiling-full-response");
            }
            // --full-run-variant: the full run again with other pipeline-process arguments, in every repetition
            List<List<Double>> variantRuns = new ArrayList<>();
            for (int v = 1; v <= options.fullRunVariants.size(); v++) {
                kinds.add(FULL_RUN_VARIANT + v);
                variantRuns.add(new ArrayList<>());
            }
            // --ceiling-variant: the ceiling's NDJSON in other shapes (streams, requests in flight), every repetition
            List<List<Double>> ceilingVariantRuns = new ArrayList<>();
            for (int v = 1; v <= options.ceilingVariants.size(); v++) {
                kinds.add(CEILING_VARIANT + v);
                ceilingVariantRuns.add(new ArrayList<>());
            }
            for (int r = 1; r <= options.repeats; r++) {
                // rotate the order so that no kind always runs first after an idle node
                for (int k = 0; k < kinds.size(); k++) {
                    String kind = kinds.get((k + r - 1) % kinds.size());
                    switch (kind) {
                        case "ceiling" -> {
                            Ceiling c = ceiling("ceiling", r, best.inFlight, best.items, best.bytes);
                            ceilings.add(c.docsPerSecond());
                            ceilingSpent.add(c.spent());
                            account("ceiling", c.spent());
                        }
                        case "loader" -> {
                            Child c = loader("loader", r, big, bigPlan, pipelineJvm);
                            loaders.add(c.docsPerSecond);
                            loaderWindows.add(c.window("handlerCpu"));
                            loaderCpu.add(c.cpuSeconds);
                            loaderHeap.add(c.peakLiveHeapMB);
                            coldDefault.add((double) c.coldStartMillis);
                            account("loader", c.spent);
                        }
                        case "fullrun" -> {
                            Child c = fullRun("fullrun", r, 0);
                            fullRuns.add(c.docsPerSecond);
                            fullRunWindows.add(List.of(c.window("planCpu"), c.window("loadCpu"), c.window("verifyCpu")));
                            account("fullrun", c.spent);
                        }
                        case "loader-baseline" -> {
                            // the same loader built from other sources (--baseline-jar): before/after in one run
                            Child c = loaderFrom(options.baselineJar, "loader-baseline", r, big, bigPlan,
                                    concat(pipelineJvm, options.baselineJvmOptions),
                                    options.baselineArguments.toArray(new String[0]));
                            baselines.add(c.docsPerSecond);
                            baselineCpu.add(c.cpuSeconds);
                            account("loader-baseline", c.spent);
                        }
                        case "fullrun-baseline" -> {
                            // the full run built from other sources (--baseline-full-run): before/after in one run
                            Child c = fullRunFrom(options.baselineJar, "fullrun-baseline", r, BASELINE_DATES,
                                    concat(pipelineJvm, options.baselineJvmOptions), options.baselineArguments);
                            baselineFullRuns.add(c.docsPerSecond);
                            account("fullrun-baseline", c.spent);
                        }
                        case "ceiling-full-response" -> {
                            Ceiling c = ceiling("ceiling-full-response", r, 1, best.inFlight, best.items,
                                    best.bytes, false);
                            fullResponseCeilings.add(c.docsPerSecond());
                            account("ceiling-full-response", c.spent());
                        }
                        default -> {
                            if (kind.startsWith(CEILING_VARIANT)) {
                                int variant = Integer.parseInt(kind.substring(CEILING_VARIANT.length()));
                                CeilingVariant shape = options.ceilingVariants.get(variant - 1);
                                Ceiling c = ceiling(kind, r, shape.streams(), shape.inFlight(), best.items,
                                        best.bytes, true);
                                ceilingVariantRuns.get(variant - 1).add(c.docsPerSecond());
                                account(kind, c.spent());
                            } else if (kind.startsWith(FULL_RUN_VARIANT)) {
                                int variant = Integer.parseInt(kind.substring(FULL_RUN_VARIANT.length()));
                                Child c = fullRun(kind, r, variant);
                                variantRuns.get(variant - 1).add(c.docsPerSecond);
                                account(kind, c.spent);
                            } else {
                                throw new IllegalStateException("no such measurement: " + kind);
                            }
                        }
                    }
                }
            }
            String heap = heapProbes();
            String cold = coldStarts(coldDefault);
            double ceiling = median(ceilings);
            double loader = median(loaders);
            double fullRun = median(fullRuns);
            emit("{\"summary\":true,\"records\":" + options.records + ",\"repeats\":" + options.repeats
                    + ",\"ceilingShape\":\"" + best + "\",\"pipelineJvmOptions\":\"" + String.join(" ", pipelineJvm)
                    + "\",\"ceilingDocsPerSecond\":" + json(ceiling, 0)
                    + ",\"loaderDocsPerSecond\":" + json(loader, 0) + ",\"loaderRatio\":" + json(loader / ceiling, 3)
                    + ",\"baselineLoaderDocsPerSecond\":" + json(median(baselines), 0)
                    + ",\"baselineLoaderRatio\":" + json(median(baselines) / ceiling, 3)
                    + ",\"baselineLoaderCpuSeconds\":" + json(median(baselineCpu), 2)
                    + ",\"fullResponseCeilingDocsPerSecond\":" + json(median(fullResponseCeilings), 0)
                    + ",\"fullRunDocsPerSecond\":" + json(fullRun, 0) + ",\"fullRunRatio\":" + json(fullRun / ceiling, 3)
                    + fullRunVariants(options.fullRunVariants, variantRuns, ceilings, ceiling)
                    + ceilingVariants(options.ceilingVariants, ceilingVariantRuns, ceilings, ceiling)
                    + ",\"ratiosByRepetition\":{\"loader\":" + jsonList(ratios(loaders, ceilings), 3)
                    + ",\"fullRun\":" + jsonList(ratios(fullRuns, ceilings), 3)
                    + ",\"baselineLoader\":" + jsonList(ratios(baselines, ceilings), 3)
                    + ",\"baselineFullRun\":" + jsonList(ratios(baselineFullRuns, ceilings), 3)
                    + ",\"medians\":{\"loader\":" + json(median(ratios(loaders, ceilings)), 3)
                    + ",\"fullRun\":" + json(median(ratios(fullRuns, ceilings)), 3)
                    + ",\"baselineLoader\":" + json(median(ratios(baselines, ceilings)), 3)
                    + ",\"baselineFullRun\":" + json(median(ratios(baselineFullRuns, ceilings)), 3) + "}}"
                    + ",\"ratiosAtTheCeilingsServerCpu\":" + ratiosAtTheCeilingsServerCpu(ceilingSpent, loaderWindows,
                    fullRunWindows)
                    + ",\"loaderCpuSeconds\":" + json(median(loaderCpu), 2)
                    + ",\"loaderCpuSecondsPerMillion\":" + json(median(loaderCpu) * 1e6 / options.records, 2)
                    + ",\"loaderPeakLiveHeapMB\":" + json(max(loaderHeap), 1)
                    + heap + "," + cold + "," + cpuMedians()
                    + ",\"loadAverage\":" + loadAverage() + "}");
        }

        /**
         * The summary's {@code "ceilingVariants":[...]} member: for each {@code --ceiling-variant}, its shape, median
         * docs/s, the ratio of the medians to the ceiling's, and each repetition's ratio to its own ceiling.
         */
        private static String ceilingVariants(List<CeilingVariant> shapes, List<List<Double>> docsPerSecond,
                                              List<Double> ceilings, double ceiling) {
            StringBuilder json = new StringBuilder(",\"ceilingVariants\":[");
            for (int v = 0; v < shapes.size(); v++) {
                json.append(v == 0 ? "" : ",").append("{\"streams\":").append(shapes.get(v).streams())
                        .append(",\"inFlight\":").append(shapes.get(v).inFlight());
                appendRatios(json, docsPerSecond.get(v), ceilings, ceiling);
            }
            return json.append(']').toString();
        }

        /** A variant's figures, closing its object: median docs/s, the ratio of the medians, each repetition's. */
        private static void appendRatios(StringBuilder json, List<Double> rates, List<Double> ceilings,
                                         double ceiling) {
            List<Double> ratios = ratios(rates, ceilings);
            json.append(",\"docsPerSecond\":").append(json(median(rates), 0)).append(",\"ratio\":")
                    .append(json(median(rates) / ceiling, 3)).append(",\"ratiosByRepetition\":")
                    .append(jsonList(ratios, 3)).append(",\"medianRatio\":").append(json(median(ratios), 3))
                    .append('}');
        }

        /**
         * The summary's {@code "fullRunVariants":[...]} member: for each {@code --full-run-variant}, its arguments,
         * median docs/s, the ratio of the medians, and each repetition's ratio to its own ceiling with their median.
         */
        private static String fullRunVariants(List<List<String>> arguments, List<List<Double>> docsPerSecond,
                                              List<Double> ceilings, double ceiling) {
            StringBuilder json = new StringBuilder(",\"fullRunVariants\":[");
            for (int v = 0; v < arguments.size(); v++) {
                json.append(v == 0 ? "" : ",").append("{\"arguments\":\"").append(String.join(",", arguments.get(v)))
                        .append('"');
                appendRatios(json, docsPerSecond.get(v), ceilings, ceiling);
            }
            return json.append(']').toString();
        }

        /**
         * Each repetition's ratios with the server's own variance taken out. A measurement's wall time is its
         * core-seconds (the server's, the client's, everyone else's, idle and steal) over the cores, so a ratio is
         * the ceiling's core-seconds over the pipeline's. The server's CPU for the same million documents varies
         * from one measurement to the next by more than the targets' margins (53–62 CPU-s in one quiet run); here
         * the pipeline's loading is charged the server CPU of the same repetition's ceiling instead of its own. What
         * stays is its own CPU, the cores it leaves idle, and, for the full run, all of planning and verifying (the
         * server's work in them included: the refresh, counts, the alias swap). The loader's account is its
         * handler's window; the full run's, its three phases. A diagnostic beside the plain ratios, not instead of
         * them: when the pipeline's requests make the server work harder than the ceiling's (their size, their
         * number in flight), only the plain ratio shows it.
         */
        private static String ratiosAtTheCeilingsServerCpu(List<CpuAccount.Spent> ceilings,
                                                           List<CpuAccount.Spent> loaders,
                                                           List<List<CpuAccount.Spent>> fullRuns) {
            List<Double> loader = new ArrayList<>();
            List<Double> fullRun = new ArrayList<>();
            for (int i = 0; i < ceilings.size(); i++) {
                CpuAccount.Spent c = ceilings.get(i);
                if (c.server() < 0) {
                    continue; // not on Linux: no account
                }
                if (i < loaders.size() && loaders.get(i).server() >= 0) {
                    CpuAccount.Spent h = loaders.get(i);
                    loader.add(c.coreSeconds() / h.coreSecondsWithServerAt(c.server()));
                }
                if (i < fullRuns.size() && fullRuns.get(i).stream().allMatch(w -> w.server() >= 0)) {
                    CpuAccount.Spent plan = fullRuns.get(i).get(0);
                    CpuAccount.Spent load = fullRuns.get(i).get(1);
                    CpuAccount.Spent verify = fullRuns.get(i).get(2);
                    fullRun.add(c.coreSeconds() / (plan.coreSeconds() + load.coreSecondsWithServerAt(c.server())
                            + verify.coreSeconds()));
                }
            }
            return "{\"loader\":" + jsonList(loader, 3) + ",\"fullRun\":" + jsonList(fullRun, 3)
                    + ",\"medians\":{\"loader\":" + json(median(loader), 3) + ",\"fullRun\":"
                    + json(median(fullRun), 3) + "}}";
        }

        /**
         * Cold start, process start to first bulk request on the small chunk, {@code --cold-repeats} times each:
         * without class-data sharing, with the JDK's default archive, with an AppCDS archive of the loader (dumped
         * by one unmeasured run), and with the JVM options the SAM template deploys the functions with (its
         * {@code JAVA_TOOL_OPTIONS}, read from {@code template.yaml}; the JDK's archive), which is how the loader
         * Lambda starts. Returns the summary's {@code "coldStartMs":{...}} member.
         *
         * @param bigChunk the start-up times of the repetitions' big-chunk loaders, if any (the JDK's archive, with
         *                 the pipeline's JVM options)
         */
        private String coldStarts(List<Double> bigChunk) throws Exception {
            Path archive = work.resolve("loader-appcds.jsa");
            loader("appcds-dump", 0, small, smallPlan, List.of("-XX:ArchiveClassesAtExit=" + archive));
            List<String> deployed = DeployedJvmOptions.fromTemplate(Path.of("template.yaml"));
            List<Double> noShare = new ArrayList<>();
            List<Double> jdkShare = new ArrayList<>();
            List<Double> appCds = new ArrayList<>();
            List<Double> deployedJdkShare = new ArrayList<>();
            List<Double> lambda = new ArrayList<>();
            List<Double> lambdaReady = new ArrayList<>();
            Optional<String> noLambda = LambdaWay.unavailable();
            LambdaWay started = null;
            if (noLambda.isEmpty()) {
                try {
                    started = LambdaWay.start(logs, work, node);
                } catch (IOException | SdkException e) {
                    // the machine's, not the loader's: the run's other figures are kept and the summary says why
                    noLambda = Optional.of("dynalite or its table could not be set up: " + e.getMessage());
                }
            }
            try (LambdaWay way = started) {
                for (int r = 1; r <= options.coldRepeats; r++) {
                    noShare.add((double) loader("cold-no-cds", r, small, smallPlan, List.of("-Xshare:off")).coldStartMillis);
                    jdkShare.add((double) loader("cold-jdk-cds", r, small, smallPlan, List.of()).coldStartMillis);
                    appCds.add((double) loader("cold-appcds", r, small, smallPlan,
                            List.of("-XX:SharedArchiveFile=" + archive)).coldStartMillis);
                    if (!deployed.isEmpty()) {
                        deployedJdkShare.add((double) loader("cold-deployed", r, small, smallPlan, deployed).coldStartMillis);
                    }
                    if (way != null) {
                        Child c = lambdaLoader(way, r, deployed);
                        lambda.add((double) c.coldStartMillis);
                        lambdaReady.add((double) (Long.parseLong(c.field("handlerReadyEpochMs")) - c.launchedEpochMs));
                    }
                }
            }
            Optional<String> missing = noLambda;
            missing.ifPresent(why -> System.err.println("# no cold start of the handler as Lambda builds it: " + why));
            return "\"coldStartMs\":{\"noCds\":" + json(median(noShare), 0) + ",\"jdkCds\":" + json(median(jdkShare), 0)
                    + ",\"appCds\":" + json(median(appCds), 0) + ",\"deployedJvm\":" + json(median(deployedJdkShare), 0)
                    + ",\"deployedJvmOptions\":\"" + String.join(" ", deployed) + "\""
                    + ",\"lambda\":" + json(median(lambda), 0) + ",\"lambdaHandlerReady\":" + json(median(lambdaReady), 0)
                    + missing.map(why -> ",\"lambdaMissing\":\"" + why.replaceAll("[\"\\\\\\p{Cntrl}]", "'") + "\"")
                            .orElse("")
                    + ",\"bigChunk\":" + json(median(bigChunk), 0) + "}";
        }

        /**
         * The loader as the Lambda runtime starts it: on its own deployment jar, the template's
         * {@code JAVA_TOOL_OPTIONS} in the environment, the handler's no-argument constructor wiring its clients from
         * environment variables (S3 here, DynamoDB in dynalite, OpenSearch through {@link BulkArrivalProxy}, which
         * times the first bulk request). See {@link LambdaColdStart}.
         */
        private Child lambdaLoader(LambdaWay way, int repeat, List<String> deployed) throws Exception {
            Chunk chunk = smallPlan.plan().chunks().get(0);
            String index = freshIndex("lambda");
            Map<String, String> env = new LinkedHashMap<>();
            env.put("JAVA_TOOL_OPTIONS", String.join(" ", deployed));
            env.put("AWS_REGION", "us-east-1");
            env.put("AWS_ACCESS_KEY_ID", S3_CREDENTIALS.accessKeyId());
            env.put("AWS_SECRET_ACCESS_KEY", S3_CREDENTIALS.secretAccessKey());
            env.put("INGEST_S3_ENDPOINT", s3.toString());
            env.put("INGEST_DYNAMODB_ENDPOINT", way.dynalite.endpoint().toString());
            env.put("INGEST_RUN_TABLE", LambdaWay.TABLE);
            env.put("INGEST_ARTIFACTS_BUCKET", ARTIFACTS);
            env.put("INGEST_OPENSEARCH_URL", way.proxy.endpoint().toString());
            // as the template sets them for the loader function: its metrics line is written after each invocation
            env.put("INGEST_BUDGET_MARGIN", "60s");
            env.put("INGEST_METRICS_NAMESPACE", "RefdataIngest");
            env.put("INGEST_METRICS_DIMENSIONS", "Dataset");
            String request = PipelineProcess.loaderRequest(Map.of("runId", "bench-lambda-r" + repeat,
                    "bucket", small.bucket(), "key", small.key(), "start", Long.toString(chunk.range().start()),
                    "end", Long.toString(chunk.range().end()), "firstLine", Long.toString(chunk.firstLine()),
                    "records", Long.toString(chunk.records()),
                    "columns", String.join(",", smallPlan.layout().columnNames()), "index", index));
            way.proxy.reset();
            Child c = launch("cold-lambda", repeat, serial -> List.of(LambdaColdStart.class.getName(), request),
                    List.of(), chunk.records(), way.classPath, env);
            long first = way.proxy.firstBulkEpochMs();
            if (first < 0) {
                throw new IllegalStateException("cold-lambda: no bulk request reached the proxy");
            }
            c.coldStartMillis = first - c.launchedEpochMs;
            long count = countAndDrop(index);
            emit(c.line("cold-lambda", repeat, count));
            if (count != chunk.records()) {
                throw new IllegalStateException("cold-lambda: " + count + " documents in the index, " + chunk.records()
                        + " in the chunk");
            }
            return c;
        }

        /** Keeps a repetition's CPU account for the summary's medians (the warm-up, sweep and probes are not kept). */
        private void account(String kind, CpuAccount.Spent spent) {
            spentByKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(spent);
        }

        /**
         * {@code "cpuMedians":{"ceiling":{"server":..,...},"loader":{...},...}}: for each kind of measurement, the
         * median CPU seconds of the server, the harness, the child, everyone else and the hypervisor, and the idle
         * core time, over the repetitions; {@code serverCores} is the server's CPU seconds per second of wall time,
         * the share of the machine it got.
         */
        private String cpuMedians() {
            StringBuilder json = new StringBuilder("\"cpuMedians\":{");
            spentByKind.forEach((kind, spent) -> {
                if (json.charAt(json.length() - 1) != '{') {
                    json.append(',');
                }
                json.append('"').append(kind).append("\":{\"wallSeconds\":")
                        .append(json(medianOf(spent, CpuAccount.Spent::wallSeconds), 2))
                        .append(",\"server\":").append(json(medianOf(spent, CpuAccount.Spent::server), 2))
                        .append(",\"serverCores\":").append(json(medianOf(spent, CpuAccount.Spent::serverCores), 2))
                        .append(",\"harness\":").append(json(medianOf(spent, CpuAccount.Spent::harness), 2))
                        .append(",\"child\":").append(json(medianOf(spent, CpuAccount.Spent::child), 2))
                        .append(",\"others\":").append(json(medianOf(spent, CpuAccount.Spent::others), 2))
                        .append(",\"steal\":").append(json(medianOf(spent, CpuAccount.Spent::steal), 2))
                        .append(",\"idle\":").append(json(medianOf(spent, CpuAccount.Spent::idle), 2)).append('}');
            });
            return json.append('}').toString();
        }

        private static double medianOf(List<CpuAccount.Spent> spent, ToDoubleFunction<CpuAccount.Spent> figure) {
            return median(spent.stream().map(figure::applyAsDouble).toList());
        }

        /**
         * Heap flat in chunk size: a 10k-record chunk, a 100k one and the big one, each loaded with a full
         * collection before every bulk request and the heap in use right after it (the live set at the moment a
         * request leaves, with the others in flight); a chunk's figure is the largest of its samples, the same
         * rule whatever its size. Repeated {@code --heap-repeats} times, interleaved; with {@code --baseline-jar}
         * the baseline is probed alike in each repetition. Returns the summary's heap fields.
         */
        private String heapProbes() throws Exception {
            List<Double> smallMB = new ArrayList<>();
            List<Double> middleMB = new ArrayList<>();
            List<Double> bigMB = new ArrayList<>();
            List<Double> ratios = new ArrayList<>();
            List<Double> baselineRatios = new ArrayList<>();
            for (int r = 1; r <= options.heapRepetitions(); r++) {
                double s = heapProbe(jar, "heap-probe-small", r, small, smallPlan);
                double m = heapProbe(jar, "heap-probe-middle", r, middle, middlePlan);
                double b = heapProbe(jar, "heap-probe-big", r, big, bigPlan);
                smallMB.add(s);
                middleMB.add(m);
                bigMB.add(b);
                ratios.add(b / s);
                if (options.baselineJar != null) {
                    double bs = heapProbe(options.baselineJar, "heap-probe-small-baseline", r, small, smallPlan);
                    double bb = heapProbe(options.baselineJar, "heap-probe-big-baseline", r, big, bigPlan);
                    baselineRatios.add(bb / bs);
                }
            }
            return ",\"heapProbeSmallLiveMB\":" + json(median(smallMB), 1)
                    + ",\"heapProbeMiddleLiveMB\":" + json(median(middleMB), 1)
                    + ",\"heapProbeBigLiveMB\":" + json(median(bigMB), 1)
                    + ",\"heapProbeRatio\":" + json(median(ratios), 3)
                    + ",\"heapProbeRatios\":" + jsonList(ratios, 3)
                    + ",\"heapProbeRatioToMiddle\":" + json(median(bigMB) / median(middleMB), 3)
                    + ",\"baselineHeapProbeRatios\":" + jsonList(baselineRatios, 3);
        }

        private double heapProbe(String classPath, String kind, int repeat, ObjectRef object, PlanChunksResult plan)
                throws Exception {
            boolean baseline = !classPath.equals(jar);
            List<String> args = new ArrayList<>(List.of("heapWatch=start", "fullGcEveryBulks=1"));
            if (baseline) {
                args.addAll(options.baselineArguments);
            }
            return loaderFrom(classPath, kind, repeat, object, plan,
                    baseline ? concat(pipelineJvm, options.baselineJvmOptions) : pipelineJvm,
                    args.toArray(new String[0])).liveAtBulkMB;
        }

        private String freshIndex(String kind) {
            String index = "e2e-" + kind + "-" + (++indexSerial);
            search.admin().createIndex(index, createBody);
            return index;
        }

        /** One ceiling measurement: its rate and where the machine's CPU went meanwhile. */
        private record Ceiling(double docsPerSecond, CpuAccount.Spent spent) {
        }

        /**
         * Warms the server (its JIT, caches) and the client with passes that are not counted, until two passes in a
         * row are within {@link #SETTLED} of each other ({@link #MAX_WARM_UP_PASSES} at most). One pass was not
         * always enough: on one node start (run K, fourteenth round) the server still spent 73-80 CPU-s a million
         * documents in the six passes after it, against 54 once settled, so the sweep compared warm-up, not shapes.
         */
        private void warmUpUntilSettled() throws Exception {
            double previous = ceiling("warm-up", 1, 2, 5000, 0).docsPerSecond();
            for (int pass = 2; pass <= MAX_WARM_UP_PASSES; pass++) {
                double rate = ceiling("warm-up", pass, 2, 5000, 0).docsPerSecond();
                if (Math.abs(rate - previous) <= SETTLED * Math.max(rate, previous)) {
                    return;
                }
                previous = rate;
            }
            System.err.printf(Locale.ROOT, "# the server's rate had not settled after %d warm-up passes%n",
                    MAX_WARM_UP_PASSES);
        }

        /**
         * The ceiling's shape: every shape (1-4 requests in flight × 5,000 docs | 5 MiB) measured twice, the second
         * time in the reverse order so that a drift of the machine's speed weighs on every shape alike; the best
         * mean of the two passes wins. One pass could not tell shapes 3 % apart (thirteenth round, run H).
         */
        private CeilingShape sweep() throws Exception {
            List<CeilingShape> shapes = new ArrayList<>();
            for (int bytes : new int[] {0, 5 << 20}) {
                for (int inFlight : options.sweepInFlight) {
                    shapes.add(new CeilingShape(inFlight, bytes == 0 ? 5000 : 0, bytes));
                }
            }
            double[] sums = new double[shapes.size()];
            for (int pass = 1; pass <= 2; pass++) {
                for (int k = 0; k < shapes.size(); k++) {
                    int i = pass == 1 ? k : shapes.size() - 1 - k;
                    CeilingShape shape = shapes.get(i);
                    sums[i] += ceiling("ceiling-sweep", pass, shape.inFlight(), shape.items(), shape.bytes())
                            .docsPerSecond();
                }
            }
            int best = 0;
            for (int i = 1; i < shapes.size(); i++) {
                if (sums[i] > sums[best]) {
                    best = i;
                }
            }
            System.err.printf(Locale.ROOT, "# sweep: %s at %,.0f docs/s, the mean of two passes%n", shapes.get(best),
                    sums[best] / 2);
            return shapes.get(best);
        }

        /** Posts the pre-built NDJSON with {@code inFlight} threads. */
        Ceiling ceiling(String kind, int repeat, int inFlight, int items, int bytes) throws Exception {
            return ceiling(kind, repeat, 1, inFlight, items, bytes, true);
        }

        /**
         * @param filteredResponse whether the requests ask for the loader's filtered response
         *                         ({@link OpenSearchSinks#bulkResponseFilter()}): the same work for the server as the
         *                         loader asks of it; false for the full response
         * @param streams          1, or the requests cut into this many consecutive parts posted side by side, each
         *                         with {@code inFlight} requests out, as the full run loads its chunks
         */
        Ceiling ceiling(String kind, int repeat, int streams, int inFlight, int items, int bytes,
                        boolean filteredResponse) throws Exception {
            List<PrebuiltBulk.Slice> requests = ndjson.requests(items, bytes);
            String index = freshIndex("ceiling");
            URI bulkUri = node.resolve("/" + index + "/_bulk"
                    + (filteredResponse ? "?filter_path=" + OpenSearchSinks.bulkResponseFilter() : ""));
            // stream s posts requests [bounds[s], bounds[s + 1]), in order, inFlight at a time
            int[] bounds = new int[streams + 1];
            List<AtomicInteger> nexts = new ArrayList<>();
            for (int s = 0; s <= streams; s++) {
                bounds[s] = (int) ((long) requests.size() * s / streams);
                nexts.add(new AtomicInteger(bounds[s]));
            }
            AtomicReference<String> failure = new AtomicReference<>();
            List<Thread> threads = new ArrayList<>();
            InFlightOccupancy occupancy = new InFlightOccupancy();
            CpuAccount.Snapshot machine0 = cpu.take();
            long t0 = System.nanoTime();
            for (int t = 0; t < streams * inFlight; t++) {
                int stream = t / inFlight;
                int end = bounds[stream + 1];
                AtomicInteger next = nexts.get(stream);
                Thread thread = new Thread(() -> {
                    int i;
                    while (failure.get() == null && (i = next.getAndIncrement()) < end) {
                        PrebuiltBulk.Slice s = requests.get(i);
                        HttpRequest request = HttpRequest.newBuilder(bulkUri)
                                .header("Content-Type", "application/x-ndjson")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(ndjson.bytes(), s.offset(), s.length()))
                                .build();
                        occupancy.sent();
                        try {
                            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                            String head = new String(response.body(), 0, Math.min(200, response.body().length),
                                    StandardCharsets.UTF_8);
                            if (response.statusCode() != 200 || !head.contains("\"errors\":false")) {
                                failure.compareAndSet(null, response.statusCode() + " " + head);
                            }
                        } catch (IOException e) {
                            failure.compareAndSet(null, e.toString());
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            failure.compareAndSet(null, "interrupted");
                        } finally {
                            occupancy.answered();
                        }
                    }
                }, "ceiling-" + t);
                thread.start();
                threads.add(thread);
            }
            for (Thread thread : threads) {
                thread.join();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            // the client is this process: its CPU is the account's harness share
            CpuAccount.Spent spent = cpu.since(machine0, 0);
            if (failure.get() != null) {
                throw new IllegalStateException("ceiling request failed: " + failure.get());
            }
            long count = countAndDrop(index);
            double rate = ndjson.items() / seconds;
            emit(String.format(Locale.ROOT, "{\"measurement\":\"%s\",\"repeat\":%d,\"docs\":%d,\"countInIndex\":%d,"
                            + "\"seconds\":%.2f,\"docsPerSecond\":%.0f,\"clientCpuSeconds\":%.2f,\"streams\":%d,"
                            + "\"inFlight\":%d,\"request\":\"%s\",\"requests\":%d,%s,%s,\"loadAverage\":%s}",
                    kind, repeat, ndjson.items(), count, seconds, rate, spent.harness(), streams, streams * inFlight,
                    items > 0 ? items + " docs" : (bytes >> 20) + " MiB", requests.size(), spent.json(),
                    occupancy.json(), loadAverage()));
            if (count != ndjson.items()) {
                throw new IllegalStateException(kind + ": " + count + " documents in the index, " + ndjson.items()
                        + " sent");
            }
            return new Ceiling(rate, spent);
        }

        private long countAndDrop(String index) {
            search.admin().refresh(index);
            long count = search.admin().count(index);
            search.admin().deleteIndex(index);
            return count;
        }

        Child loader(String kind, int repeat, ObjectRef object, PlanChunksResult plan, List<String> jvmOptions,
                     String... extraArguments) throws Exception {
            return loaderFrom(jar, kind, repeat, object, plan, jvmOptions, extraArguments);
        }

        Child loaderFrom(String classPath, String kind, int repeat, ObjectRef object, PlanChunksResult plan,
                         List<String> jvmOptions, String... extraArguments) throws Exception {
            Chunk chunk = plan.plan().chunks().get(0);
            String index = freshIndex("loader");
            List<String> args = new ArrayList<>(List.of("mode=loader", "index=" + index, "bucket=" + object.bucket(),
                    "key=" + object.key(), "start=" + chunk.range().start(), "end=" + chunk.range().end(),
                    "firstLine=" + chunk.firstLine(), "records=" + chunk.records(),
                    "columns=" + String.join(",", plan.layout().columnNames()), "runId=bench-loader-r" + repeat));
            args.addAll(List.of(extraArguments));
            Child c = child(kind, repeat, args, jvmOptions, chunk.records(), classPath);
            long count = countAndDrop(index);
            emit(c.line(kind, repeat, count));
            if (count != chunk.records()) {
                throw new IllegalStateException(kind + ": " + count + " documents in the index, " + chunk.records()
                        + " in the chunk");
            }
            return c;
        }

        /**
         * The full run in a child JVM, its index counted and dropped.
         *
         * @param variant 0 for the full run itself, else the number of the {@code --full-run-variant} whose
         *                pipeline-process arguments follow the run's own, so that they override them
         */
        Child fullRun(String kind, int repeat, int variant) throws Exception {
            return fullRunFrom(jar, kind, repeat, variant, pipelineJvm,
                    variant > 0 ? options.fullRunVariants.get(variant - 1) : List.of());
        }

        /**
         * The full run of a given build in a child JVM, its index counted and dropped.
         *
         * @param dates     which thousand days of business dates its runs take (each run its own date: the run's
         *                  instance, and its index's name)
         * @param arguments pipeline-process arguments after the run's own, so that they override them
         */
        Child fullRunFrom(String classPath, String kind, int repeat, int dates, List<String> jvmOptions,
                          List<String> arguments) throws Exception {
            List<String> args = new ArrayList<>(List.of("mode=fullrun", "bucket=" + big.bucket(), "key=" + big.key(),
                    "businessDate=" + LocalDate.of(2026, 1, 1).plusDays(repeat + 1000L * dates),
                    "chunkBytes=" + options.chunkBytes, "chunkConcurrency=" + options.chunkConcurrency));
            args.addAll(arguments);
            long records = bigPlan.plan().chunks().get(0).records();
            Child c = child(kind, repeat, args, jvmOptions, records, classPath);
            String target = c.field("targetIndex");
            long count = countAndDrop(target);
            emit(c.line(kind, repeat, count));
            if (count != records) {
                throw new IllegalStateException(kind + ": " + count + " documents in the index, " + records + " expected");
            }
            return c;
        }

        private Child child(String kind, int repeat, List<String> args, List<String> jvmOptions, long records,
                            String classPath) throws Exception {
            return launch(kind, repeat, serial -> {
                List<String> program = new ArrayList<>(List.of(PipelineProcess.class.getName(), "s3=" + s3,
                        "os=" + node, "serverPid=" + cpu.serverPid(), "artifacts=" + ARTIFACTS,
                        "db=" + work.resolve("ledger-" + serial + ".db")));
                program.addAll(options.loaderArguments);
                program.addAll(args);
                return program;
            }, jvmOptions, records, classPath, Map.of());
        }

        /**
         * Runs a child JVM and reads its {@code RESULT} line.
         *
         * @param program     its main class and arguments, given the child's serial number
         * @param environment set in the child's environment, after this process's {@code INGEST_*} are removed
         */
        private Child launch(String kind, int repeat, IntFunction<List<String>> program, List<String> jvmOptions,
                             long records, String classPath, Map<String, String> environment) throws Exception {
            int serial = ++childSerial;
            List<String> command = new ArrayList<>();
            command.add(java);
            command.add("-Xmx" + options.loaderHeap);
            command.addAll(jvmOptions);
            for (String option : options.loaderJvmOptions) {
                command.add(option.replace("{child}", String.format(Locale.ROOT, "%02d-%s-%d", serial, kind, repeat)));
            }
            command.addAll(List.of("-cp", classPath));
            command.addAll(program.apply(serial));
            Path stderr = logs.resolve(String.format(Locale.ROOT, "child-%02d-%s-%d.log", serial, kind, repeat));
            ProcessBuilder builder = new ProcessBuilder(command).redirectError(stderr.toFile());
            if (!environment.isEmpty()) {
                builder.environment().keySet().removeIf(name -> name.startsWith("INGEST_"));
                builder.environment().putAll(environment);
            }
            CpuAccount.Snapshot machine0 = cpu.take();
            long launched = System.currentTimeMillis();
            Process process = builder.start();
            String result = null;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith(PipelineProcess.RESULT_PREFIX)) {
                        result = line.substring(PipelineProcess.RESULT_PREFIX.length());
                    }
                }
            }
            int exit = process.waitFor();
            if (exit != 0 || result == null) {
                throw new IllegalStateException(kind + " process exited with " + exit + "; see " + stderr);
            }
            Child child = new Child(result, launched, records);
            child.spent = cpu.since(machine0, child.cpuSeconds);
            return child;
        }
    }

    /**
     * What the loader built as in Lambda needs besides S3 and the node: its deployment jar with {@link LambdaColdStart}
     * beside it, dynalite with the run table, and the proxy that times the first bulk request.
     */
    private static final class LambdaWay implements AutoCloseable {
        static final String TABLE = "bench-runs";
        /** The loader's deployment jar, as the build leaves it in a checkout; {@code -Dbench.lambdaJar} to choose. */
        static final Path LOADER_TARGET = Path.of("ingest-loader/target");
        final DynaliteProcess dynalite;
        final BulkArrivalProxy proxy;
        final String classPath;

        private LambdaWay(DynaliteProcess dynalite, BulkArrivalProxy proxy, String classPath) {
            this.dynalite = dynalite;
            this.proxy = proxy;
            this.classPath = classPath;
        }

        /** Why this way cannot be measured from the working directory (a checkout's root), if it cannot. */
        static Optional<String> unavailable() throws IOException {
            Optional<String> dynalite = DynaliteProcess.unavailable();
            if (dynalite.isPresent()) {
                return dynalite;
            }
            return loaderJar().isPresent() ? Optional.empty() : Optional.of("no ingest-loader-*-lambda.jar in "
                    + LOADER_TARGET + " (build the loader module) and no -Dbench.lambdaJar");
        }

        private static Optional<Path> loaderJar() throws IOException {
            String chosen = System.getProperty("bench.lambdaJar");
            if (chosen != null) {
                return Optional.of(Path.of(chosen)).filter(Files::isRegularFile);
            }
            if (!Files.isDirectory(LOADER_TARGET)) {
                return Optional.empty();
            }
            try (Stream<Path> files = Files.list(LOADER_TARGET)) {
                return files.filter(f -> f.getFileName().toString().matches("ingest-loader-.*-lambda\\.jar")).findFirst();
            }
        }

        /** Starts dynalite and the proxy, and copies {@link LambdaColdStart} out of this jar into {@code work}. */
        static LambdaWay start(Path logs, Path work, URI node) throws Exception {
            Path jar = loaderJar().orElseThrow(() -> new IllegalStateException("no loader deployment jar"));
            String driverClass = LambdaColdStart.class.getName().replace('.', '/') + ".class";
            Path driver = work.resolve("lambda-driver");
            Files.createDirectories(driver.resolve(driverClass).getParent());
            try (InputStream in = LambdaColdStart.class.getClassLoader().getResourceAsStream(driverClass)) {
                Files.copy(Objects.requireNonNull(in, driverClass), driver.resolve(driverClass));
            }
            DynaliteProcess dynalite = DynaliteProcess.start(logs.resolve("dynalite.log"));
            try (DynamoDbClient dynamo = DynamoDbClient.builder().region(Region.US_EAST_1)
                    .endpointOverride(dynalite.endpoint()).httpClientBuilder(Apache5HttpClient.builder())
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                            S3_CREDENTIALS.accessKeyId(), S3_CREDENTIALS.secretAccessKey()))).build()) {
                DynamoDbRunStore.createTable(dynamo, TABLE);
                return new LambdaWay(dynalite, BulkArrivalProxy.start(node),
                        jar.toAbsolutePath() + File.pathSeparator + driver.toAbsolutePath());
            } catch (Exception e) {
                dynalite.close();
                throw e;
            }
        }

        @Override
        public void close() {
            try {
                proxy.close();
            } finally {
                dynalite.close();
            }
        }
    }

    /** What a child process reported. */
    private final class Child {
        final String json;
        final long launchedEpochMs;
        final long records;
        final double docsPerSecond;
        final double cpuSeconds;
        final double peakLiveHeapMB;
        final double liveAtBulkMB;
        /**
         * Process start to first bulk request; -1 until the caller sets it when the child cannot see its first
         * request (it reports -1).
         */
        long coldStartMillis;
        /** Where the machine's CPU went while the child ran. */
        CpuAccount.Spent spent = CpuAccount.Spent.UNKNOWN;

        Child(String json, long launchedEpochMs, long records) {
            this.json = json;
            this.launchedEpochMs = launchedEpochMs;
            this.records = records;
            this.docsPerSecond = records / Double.parseDouble(field("seconds"));
            this.cpuSeconds = Double.parseDouble(field("processCpuSeconds"));
            this.peakLiveHeapMB = Double.parseDouble(field("peakLiveHeapMB"));
            this.liveAtBulkMB = Double.parseDouble(field("liveAtBulkMB"));
            long firstBulk = Long.parseLong(field("firstBulkEpochMs"));
            this.coldStartMillis = firstBulk < 0 ? -1 : firstBulk - launchedEpochMs;
        }

        /** A top-level scalar field of the child's JSON (the child writes them without spaces). */
        String field(String name) {
            String key = "\"" + name + "\":";
            int at = json.lastIndexOf(key);
            if (at < 0) {
                throw new IllegalStateException("no " + name + " in " + json);
            }
            int from = at + key.length();
            int to = from;
            boolean quoted = json.charAt(from) == '"';
            if (quoted) {
                from++;
                to = json.indexOf('"', from);
            } else {
                while (to < json.length() && ",}".indexOf(json.charAt(to)) < 0) {
                    to++;
                }
            }
            return json.substring(from, to);
        }

        /**
         * An account of the machine's CPU the child took over one of its own windows ({@code handlerCpu},
         * {@code planCpu}, …: written by {@link CpuAccount.Spent#selfJson}, its own CPU as {@code self}), with the
         * child's share as {@code harness}; {@link CpuAccount.Spent#UNKNOWN} when the child has no such window.
         */
        CpuAccount.Spent window(String name) {
            String key = "\"" + name + "\":{";
            int at = json.indexOf(key);
            if (at < 0) {
                return CpuAccount.Spent.UNKNOWN;
            }
            Map<String, Double> values = new HashMap<>();
            for (String member : json.substring(at + key.length(), json.indexOf('}', at)).split(",")) {
                String[] pair = member.split(":");
                values.put(pair[0].replace("\"", ""), Double.parseDouble(pair[1]));
            }
            return new CpuAccount.Spent(values.get("wallSeconds"), values.get("server"), values.get("self"), 0,
                    values.get("others"), values.get("steal"), values.get("idle"));
        }

        String line(String kind, int repeat, long count) {
            long main = Long.parseLong(field("mainStartedEpochMs"));
            return String.format(Locale.ROOT, "{\"measurement\":\"%s\",\"repeat\":%d,\"docs\":%d,\"countInIndex\":%d,"
                            + "\"docsPerSecond\":%.0f,\"processCpuSeconds\":%.2f,\"peakLiveHeapMB\":%.1f,"
                            + "\"coldStartMs\":%d,\"jvmToMainMs\":%d,%s,\"loadAverage\":%s,\"child\":%s}",
                    kind, repeat, records, count, docsPerSecond, cpuSeconds, peakLiveHeapMB, coldStartMillis,
                    main - launchedEpochMs, spent.json(), loadAverage(), json);
        }
    }

    /** Two warm-up passes whose rates differ by at most this fraction: the server has settled. */
    private static final double SETTLED = 0.03;
    private static final int MAX_WARM_UP_PASSES = 6;

    private record CeilingShape(int inFlight, int items, int bytes) {
        @Override
        public String toString() {
            return inFlight + " in flight, " + (items > 0 ? items + " docs" : (bytes >> 20) + " MiB") + " a request";
        }
    }

    private void emit(String line) {
        lines.add(line);
        System.out.println(line);
        System.out.flush();
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return "[" + parts[0] + "," + parts[1] + "," + parts[2] + "]";
        } catch (IOException e) {
            return "null";
        }
    }

    /** A JSON number with {@code digits} decimals, or null when there is none (no measurement). */
    private static String json(double value, int digits) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return "null";
        }
        return String.format(Locale.ROOT, "%." + digits + "f", value);
    }

    private static String jsonList(List<Double> values, int digits) {
        return values.stream().map(v -> json(v, digits)).collect(Collectors.joining(",", "[", "]"));
    }

    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /**
     * Each repetition's pipeline figure over the same repetition's ceiling: a ratio of two measurements taken minutes
     * apart, which the machine's slower drifts touch alike (the summary's {@code loaderRatio} and
     * {@code fullRunRatio} divide medians that may come from different repetitions).
     */
    static List<Double> ratios(List<Double> pipeline, List<Double> ceilings) {
        if (pipeline.isEmpty()) {
            return List.of();
        }
        if (pipeline.size() != ceilings.size()) {
            throw new IllegalStateException(pipeline.size() + " pipeline figures for " + ceilings.size() + " ceilings");
        }
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < pipeline.size(); i++) {
            ratios.add(pipeline.get(i) / ceilings.get(i));
        }
        return ratios;
    }

    private static List<String> concat(List<String> first, List<String> then) {
        List<String> all = new ArrayList<>(first);
        all.addAll(then);
        return all;
    }

    private static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    /** The kind of a {@code --full-run-variant}'s measurements, before its number (from 1). */
    static final String FULL_RUN_VARIANT = "fullrun-variant-";
    /** The kind of a {@code --ceiling-variant}'s measurements, before its number (from 1). */
    static final String CEILING_VARIANT = "ceiling-variant-";

    /**
     * A {@code --ceiling-variant}: the ceiling's requests in {@code streams} consecutive parts, {@code inFlight} out
     * each.
     */
    record CeilingVariant(int streams, int inFlight) {
        CeilingVariant {
            if (streams < 1 || inFlight < 1) {
                throw new IllegalArgumentException("--ceiling-variant needs streams and inFlight of 1 or more: streams="
                        + streams + ",inFlight=" + inFlight);
            }
        }

        static CeilingVariant parse(String text) {
            int streams = 1;
            int inFlight = 0;
            for (String kv : text.split(",")) {
                String[] pair = kv.split("=", 2);
                switch (pair.length == 2 ? pair[0] : "") {
                    case "streams" -> streams = Integer.parseInt(pair[1]);
                    case "inFlight" -> inFlight = Integer.parseInt(pair[1]);
                    default -> throw new IllegalArgumentException(
                            "--ceiling-variant takes streams=N,inFlight=N: " + text);
                }
            }
            return new CeilingVariant(streams, inFlight);
        }
    }

    /** The business dates of the baseline's full runs: beyond any variant's (variants take 1000 days each). */
    private static final int BASELINE_DATES = 999;

    /** Command-line options; see bench/end-to-end.sh. */
    private static final class Options {
        long records = 1_000_000;
        int repeats = 3;
        int coldRepeats = 3;
        boolean sweep = true;
        boolean fullRun = true;
        String loaderHeap = "256m";
        long chunkBytes = 64L << 20;
        int chunkConcurrency = 2;
        List<Integer> sweepInFlight = List.of(1, 2, 3, 4);
        List<String> loaderJvmOptions = new ArrayList<>();
        List<String> loaderArguments = new ArrayList<>();
        String baselineJar;
        List<String> baselineArguments = new ArrayList<>();
        /** Each {@code --full-run-variant}'s pipeline-process arguments. */
        List<List<String>> fullRunVariants = new ArrayList<>();
        /** Each {@code --ceiling-variant}'s shape. */
        List<CeilingVariant> ceilingVariants = new ArrayList<>();
        List<String> baselineJvmOptions = new ArrayList<>();
        /** With a baseline jar, also its full run in every repetition. */
        boolean baselineFullRun;
        boolean compareFullResponse;
        boolean heapOnly;
        boolean coldOnly;
        /** Measure the pipeline processes with the JVM's default JIT instead of the template's options. */
        boolean defaultJit;
        /** Repetitions of the heap probes: 1, or 3 with --heap-only, unless --heap-repeats says. */
        int heapRepeats = -1;

        int heapRepetitions() {
            return heapRepeats > 0 ? heapRepeats : heapOnly ? 3 : 1;
        }

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--quick" -> {
                        o.records = 200_000;
                        o.repeats = 3;
                        o.coldRepeats = 2;
                        o.chunkBytes = 8L << 20;
                    }
                    case "--records" -> o.records = Long.parseLong(args[++i]);
                    case "--repeats" -> o.repeats = Integer.parseInt(args[++i]);
                    case "--cold-repeats" -> o.coldRepeats = Integer.parseInt(args[++i]);
                    case "--no-sweep" -> o.sweep = false;
                    case "--no-full-run" -> o.fullRun = false;
                    case "--ceiling-in-flight" -> o.sweepInFlight = Arrays.stream(args[++i].split(","))
                            .map(Integer::parseInt).toList();
                    case "--loader-heap" -> o.loaderHeap = args[++i];
                    case "--chunk-mb" -> o.chunkBytes = Long.parseLong(args[++i]) << 20;
                    case "--chunk-concurrency" -> o.chunkConcurrency = Integer.parseInt(args[++i]);
                    case "--loader-jvm" -> o.loaderJvmOptions.add(args[++i]);
                    case "--loader-arg" -> o.loaderArguments.add(args[++i]);
                    case "--baseline-jar" -> o.baselineJar = args[++i];
                    case "--baseline-arg" -> o.baselineArguments.add(args[++i]);
                    case "--full-run-variant" -> {
                        List<String> variant = List.of(args[++i].split(","));
                        if (variant.stream().anyMatch(kv -> kv.indexOf('=') < 1)) {
                            throw new IllegalArgumentException("--full-run-variant takes key=value[,key=value]...: "
                                    + args[i]);
                        }
                        o.fullRunVariants.add(variant);
                    }
                    case "--ceiling-variant" -> o.ceilingVariants.add(CeilingVariant.parse(args[++i]));
                    case "--baseline-jvm" -> o.baselineJvmOptions.add(args[++i]);
                    case "--baseline-full-run" -> o.baselineFullRun = true;
                    case "--compare-full-response" -> o.compareFullResponse = true;
                    case "--heap-only" -> o.heapOnly = true;
                    case "--cold-only" -> o.coldOnly = true;
                    case "--default-jit" -> o.defaultJit = true;
                    case "--heap-repeats" -> o.heapRepeats = Integer.parseInt(args[++i]);
                    default -> throw new IllegalArgumentException("unknown option " + a + " (see bench/end-to-end.sh)");
                }
            }
            if (o.baselineFullRun && (o.baselineJar == null || !o.fullRun)) {
                throw new IllegalArgumentException("--baseline-full-run needs --baseline-jar and the full run");
            }
            return o;
        }
    }
}
