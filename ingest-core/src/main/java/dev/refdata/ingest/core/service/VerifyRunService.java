package dev.refdata.ingest.core.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.refdata.ingest.core.csv.ChunkRecordReader;
import dev.refdata.ingest.core.csv.RecordLimits;
import dev.refdata.ingest.core.csv.CsvRecord;
import dev.refdata.ingest.core.domain.ChunkCounters;
import dev.refdata.ingest.core.domain.ChunkDefinition;
import dev.refdata.ingest.core.domain.ChunkState;
import dev.refdata.ingest.core.domain.ChunkStatus;
import dev.refdata.ingest.core.domain.ColumnSpec;
import dev.refdata.ingest.core.domain.ColumnType;
import dev.refdata.ingest.core.domain.DatasetSpec;
import dev.refdata.ingest.core.domain.HeaderLayout;
import dev.refdata.ingest.core.domain.ObjectInfo;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.domain.RunMode;
import dev.refdata.ingest.core.domain.RunRecord;
import dev.refdata.ingest.core.domain.RunStatus;
import dev.refdata.ingest.core.load.DocumentConverter;
import dev.refdata.ingest.core.port.in.VerifyRunCommand;
import dev.refdata.ingest.core.port.in.VerifyRunResult;
import dev.refdata.ingest.core.port.in.VerifyRunUseCase;
import dev.refdata.ingest.core.port.out.IndexAdmin;
import dev.refdata.ingest.core.port.out.ObjectStore;
import dev.refdata.ingest.core.port.out.RunStore;
import dev.refdata.ingest.core.spec.DatasetCatalog;
import dev.refdata.ingest.core.verify.PlaceSample;
import dev.refdata.ingest.core.verify.RunReport;
import dev.refdata.ingest.core.verify.RunReportMarkdown;
import dev.refdata.ingest.core.verify.WinningRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Verifies and finishes runs; see {@link VerifyRunUseCase}. */
public final class VerifyRunService implements VerifyRunUseCase {

    private static final Logger LOG = LoggerFactory.getLogger(VerifyRunService.class);
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);
    private static final int FIRST_REJECTS = 20;

    private final ObjectStore objects;
    private final RunStore runs;
    private final IndexAdmin indices;
    private final DatasetCatalog datasets;
    private final String artifactsBucket;
    private final Clock clock;
    private final RecordLimits limits;
    private final int readThreads;

    public VerifyRunService(ObjectStore objects, RunStore runs, IndexAdmin indices, DatasetCatalog datasets,
                            String artifactsBucket, Clock clock) {
        this(objects, runs, indices, datasets, artifactsBucket, RecordLimits.DEFAULTS, clock);
    }

    /**
     * @param limits the record and field limits the loaders read with: the input must be read again exactly as they
     *               read it, or a record they rejected as oversized would be counted here as a document
     */
    public VerifyRunService(ObjectStore objects, RunStore runs, IndexAdmin indices, DatasetCatalog datasets,
                            String artifactsBucket, RecordLimits limits, Clock clock) {
        this(objects, runs, indices, datasets, artifactsBucket, limits, Runtime.getRuntime().availableProcessors(),
                clock);
    }

    /**
     * @param readThreads at most this many chunks are read again at once (one thread each); the verdicts do not
     *                    depend on it
     */
    public VerifyRunService(ObjectStore objects, RunStore runs, IndexAdmin indices, DatasetCatalog datasets,
                            String artifactsBucket, RecordLimits limits, int readThreads, Clock clock) {
        if (readThreads < 1) {
            throw new IllegalArgumentException("readThreads must be at least 1: " + readThreads);
        }
        this.readThreads = readThreads;
        this.limits = Objects.requireNonNull(limits, "limits");
        this.objects = Objects.requireNonNull(objects, "objects");
        this.runs = Objects.requireNonNull(runs, "runs");
        this.indices = Objects.requireNonNull(indices, "indices");
        this.datasets = Objects.requireNonNull(datasets, "datasets");
        this.artifactsBucket = Objects.requireNonNull(artifactsBucket, "artifactsBucket");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public VerifyRunResult verify(VerifyRunCommand command) {
        RunRecord run = runs.find(command.run())
                .orElseThrow(() -> new IllegalArgumentException("unknown run '" + command.run() + "'"));
        if (run.status() == RunStatus.SUCCEEDED) {
            throw new IllegalArgumentException("run " + run.id() + " succeeded already");
        }
        if (run.manifest() == null) {
            throw new IllegalArgumentException("run " + run.id() + " was never planned: " + run.reason());
        }
        return new Verification(run, command).run();
    }

    /** How long an ended chunk took from its first claim to its last change; null if not ended or not started. */
    private static Long durationMillis(ChunkState s) {
        boolean ended = s != null && (s.status() == ChunkStatus.COMPLETED || s.status() == ChunkStatus.FAILED);
        return ended && s.startedAt() != null ? Duration.between(s.startedAt(), s.updatedAt()).toMillis() : null;
    }

    /** A record kept for the sample: its place and fields, not the read buffer it came from. */
    private record Sampled(int chunk, long line, List<String> fields) {
        String field(int index) {
            return fields.get(index);
        }
    }

    /** One verification of one run. */
    private final class Verification {
        private final RunRecord run;
        private final VerifyRunCommand command;
        private final DatasetSpec spec;
        private final List<RunReport.Check> checks = new ArrayList<>();
        private final List<RunReport.RejectLine> firstRejects = new ArrayList<>();
        private final List<RunReport.ChunkLine> chunkLines = new ArrayList<>();
        private String failure;

        Verification(RunRecord run, VerifyRunCommand command) {
            this.run = run;
            this.command = command;
            this.spec = datasets.get(run.dataset());
        }

        private void check(String name, boolean passed, String detail) {
            checks.add(new RunReport.Check(name, passed, detail));
            if (!passed && failure == null) {
                failure = name + ": " + detail;
            }
        }

        VerifyRunResult run() {
            List<ChunkDefinition> definitions = runs.chunkDefinitions(run.id());
            Map<Integer, ChunkState> states = new HashMap<>();
            for (ChunkState s : runs.chunkStates(run.id())) {
                states.put(s.key().chunk(), s);
            }
            ChunkCounters totals = accountForChunks(definitions, states);
            collectRejects(definitions);
            if (failure == null) {
                checkRejectTolerance(totals);
            }
            if (failure == null) {
                reconcileIndex(definitions, totals);
            }
            if (failure == null && run.mode() == RunMode.FULL) {
                makeLive();
            }
            Instant now = clock.instant();
            RunStatus status = failure == null ? RunStatus.SUCCEEDED : RunStatus.FAILED;
            ObjectRef report = writeReport(status, totals, now);
            runs.update(run.withStatus(status, failure, now), Set.of(RunStatus.RUNNING, RunStatus.FAILED));
            LOG.info("run {} verified: {}{}", run.id(), status, failure == null ? "" : " (" + failure + ")");
            return new VerifyRunResult(run.id(), status, failure, totals, report);
        }

        /** Every chunk COMPLETED, every record read, every record read with an outcome. */
        private ChunkCounters accountForChunks(List<ChunkDefinition> definitions, Map<Integer, ChunkState> states) {
            ChunkCounters totals = ChunkCounters.ZERO;
            List<String> unfinished = new ArrayList<>();
            List<String> miscounted = new ArrayList<>();
            for (ChunkDefinition c : definitions) {
                ChunkState s = states.get(c.key().chunk());
                ChunkStatus status = s == null ? ChunkStatus.PENDING : s.status();
                ChunkCounters counters = s == null ? ChunkCounters.ZERO : s.checkpoint().counters();
                chunkLines.add(new RunReport.ChunkLine(c.key().chunk(), c.object().toString(), c.range().start(),
                        c.range().end(), c.firstLine(), c.records(), status.name(), s == null ? 0 : s.attempts(),
                        s == null ? null : s.lastError(), counters, s == null ? null : s.startedAt(),
                        s == null ? null : s.updatedAt(), durationMillis(s)));
                totals = totals.plus(counters);
                if (status != ChunkStatus.COMPLETED) {
                    unfinished.add("#" + c.key().chunk() + " " + status
                            + (s != null && s.lastError() != null ? " (" + s.lastError() + ")" : ""));
                } else if (counters.read() != c.records()) {
                    miscounted.add("#" + c.key().chunk() + " read " + counters.read() + " records, the plan counted "
                            + c.records());
                } else if (!counters.balanced()) {
                    miscounted.add("#" + c.key().chunk() + " read " + counters.read() + " but accounted for "
                            + (counters.indexed() + counters.deleted() + counters.stale() + counters.rejected()));
                }
            }
            check("every chunk completed", unfinished.isEmpty(), unfinished.isEmpty()
                    ? definitions.size() + " chunks completed"
                    : unfinished.size() + " of " + definitions.size() + " chunks not completed: "
                    + String.join("; ", unfinished.subList(0, Math.min(10, unfinished.size()))));
            check("every record accounted for", miscounted.isEmpty(), miscounted.isEmpty()
                    ? "read = indexed + deleted + stale + rejected = planned, in every chunk"
                    : String.join("; ", miscounted.subList(0, Math.min(10, miscounted.size()))));
            if (unfinished.isEmpty()) {
                check("the run read what was planned", totals.read() == run.expectedRecords(),
                        totals.read() + " records read, " + run.expectedRecords() + " planned");
            }
            return totals;
        }

        /** The first rejects, and the lines the loader rejected, by chunk (to leave them out of reconciliation). */
        private final Map<Integer, Set<Long>> rejectedLines = new HashMap<>();

        private void collectRejects(List<ChunkDefinition> definitions) {
            try (Stream<ObjectInfo> listed = objects.list(artifactsBucket, "rejects/" + run.id().value() + "/")) {
                for (ObjectInfo info : listed.toList()) {
                    try (InputStream in = objects.open(info.ref())) {
                        for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                                .split("\n")) {
                            if (line.isBlank()) {
                                continue;
                            }
                            JsonNode reject = JSON.readTree(line);
                            int chunk = reject.get("chunk").asInt();
                            long at = reject.get("line").asLong();
                            rejectedLines.computeIfAbsent(chunk, k -> new HashSet<>()).add(at);
                            if (firstRejects.size() < FIRST_REJECTS) {
                                firstRejects.add(new RunReport.RejectLine(chunk, reject.get("source").asText(), at,
                                        reject.get("reason").asText()));
                            }
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the rejects of run " + run.id(), e);
            }
        }

        private void checkRejectTolerance(ChunkCounters totals) {
            double fraction = totals.read() == 0 ? 0 : (double) totals.rejected() / totals.read();
            boolean within = totals.rejected() <= command.maxRejects() || fraction <= command.maxRejectFraction();
            String chunksWithRejects = chunkLines.stream().filter(c -> c.counters().rejected() > 0)
                    .map(c -> "#" + c.chunk() + " (" + c.counters().rejected() + ")").limit(10)
                    .collect(Collectors.joining(", "));
            String reasons = firstRejects.stream().limit(3)
                    .map(r -> r.source() + " line " + r.line() + ": " + r.reason()).collect(Collectors.joining("; "));
            check("rejects within tolerance", within, totals.rejected() + " rejected of " + totals.read()
                    + " (tolerated: " + command.maxRejects() + " or " + command.maxRejectFraction() * 100 + " %)"
                    + (totals.rejected() > 0 ? "; in chunks " + chunksWithRejects + "; first: " + reasons : ""));
        }

        /**
         * Reads the run's input again and works out, for every id, which record must have the last word; then the
         * index must agree in count, and a sample of records must come back from it field for field.
         * <p>
         * The load is over and the cluster idle, so the chunks are read on several threads (at most
         * {@code readThreads}, one per chunk, and no more than {@code 2 × threads} chunks read ahead of the one
         * being merged, which bounds memory). Each chunk's accepted records are collected in reading order and
         * offered to {@link WinningRecords} chunk after chunk in the plan's order, so winners, ties and counts are
         * those of one sequential pass. The sample is a {@link PlaceSample}: the upserts with the smallest
         * seeded hash of their place, which no thread timing can change.
         * <p>
         * The refresh that makes the loaded documents countable is asked for on a thread of its own as the reading
         * starts: it is the server's work (writing out what it holds in memory) and the reading is ours, so the
         * two overlap. Nothing writes to the index any more, so an earlier refresh sees the same documents.
         */
        private void reconcileIndex(List<ChunkDefinition> definitions, ChunkCounters totals) {
            // sized for the records read (the table grows past 2^27 ids if it must)
            WinningRecords winners = new WinningRecords((int) Math.min(1 << 27, totals.read()));
            // room for the upserts a later version replaces
            int room = command.sampleSize() * 3;
            List<PlaceSample<Sampled>> samples = new ArrayList<>();
            long upserts = 0;
            int threads = Math.max(1, Math.min(definitions.size(), readThreads));
            String index = run.targetIndex();
            ExecutorService pool = Executors.newFixedThreadPool(threads + 1, task -> {
                Thread t = new Thread(task, "verify-" + run.id().value() + "-worker"); // reads a chunk, or refreshes
                t.setDaemon(true);
                return t;
            });
            Future<?> refreshed;
            try {
                refreshed = pool.submit(() -> indices.refresh(index));
                Deque<Future<ChunkReading>> ahead = new ArrayDeque<>();
                int next = 0;
                for (int i = 0; i < definitions.size(); i++) {
                    while (next < definitions.size() && next < i + 2 * threads) {
                        ChunkDefinition c = definitions.get(next++);
                        ahead.add(pool.submit(() -> readAgain(c, room)));
                    }
                    ChunkReading reading = awaitReading(ahead.remove());
                    winners.offerAll(reading.offers());
                    samples.add(reading.sample());
                    upserts += reading.upserts();
                }
                await(refreshed, "refreshing " + index);
            } finally {
                pool.shutdownNow();
            }
            List<Sampled> sample = PlaceSample.merge(samples, room).stream().map(PlaceSample.Entry::value).toList();
            long present = winners.present();
            long ambiguous = winners.ambiguous();
            long withRunId = indices.countWhere(index, DatasetSpec.INGEST_FIELD + ".run_id", run.id().value());
            if (run.mode() == RunMode.FULL) {
                long count = indices.count(index);
                check("index count equals the distinct ids written", Math.abs(count - present) <= ambiguous,
                        count + " documents in " + index + ", " + present + " distinct ids expected ("
                                + winners.ids() + " ids in the input, " + (upserts - present)
                                + " upserts written more than once or deleted within the run"
                                + (ambiguous > 0 ? ", " + ambiguous + " ambiguous ties" : "") + ")");
                check("every document comes from this run", withRunId == count,
                        withRunId + " of " + count + " documents carry run id " + run.id());
                if (run.expectedRecords() > 0 && present == 0) {
                    check("a full run leaves documents", false, "the new index would be empty");
                }
                if (run.expectedRecords() == 0) {
                    check("a full run has records", false, "no records: swapping would empty the alias");
                }
            } else {
                check("documents carrying the run id match what it indexed",
                        withRunId <= present + ambiguous && withRunId >= present - totals.stale() - ambiguous,
                        withRunId + " documents carry run id " + run.id() + "; " + present
                                + " ids end with an upsert of this run, of which up to " + totals.stale()
                                + " were older than what the index held");
            }
            compareSample(index, sample, winners, definitions);
        }

        /** One chunk read again: its accepted records in order, its part of the sample, its upserts. */
        private record ChunkReading(WinningRecords.ChunkOffers offers, PlaceSample<Sampled> sample, long upserts) {
        }

        /**
         * Reads one chunk as the loader did and learns each record's id, version and operation with the loader's
         * own validation ({@link DocumentConverter#identify}), leaving out the lines the rejects files list.
         */
        private ChunkReading readAgain(ChunkDefinition c, int room) {
            int chunk = c.key().chunk();
            Set<Long> rejected = rejectedLines.getOrDefault(chunk, Set.of());
            HeaderLayout layout = spec.dialect().header()
                    ? HeaderLayout.resolve(spec, c.columns()) : HeaderLayout.declaredOrder(spec);
            DocumentConverter converter = new DocumentConverter(spec, layout, run.id().value(), c.source().toString());
            WinningRecords.ChunkOffers offers = new WinningRecords.ChunkOffers(chunk,
                    (int) Math.min(Integer.MAX_VALUE - 16, c.records()));
            PlaceSample<Sampled> sample = new PlaceSample<>(run.id().hashCode(), room);
            long upserts = 0;
            try (InputStream in = objects.openRange(c.object(), c.range());
                 ChunkRecordReader reader = new ChunkRecordReader(in, spec.dialect(), c.range().start(), c.firstLine(),
                         limits)) {
                CsvRecord r;
                while ((r = reader.next()) != null) {
                    if ((!rejected.isEmpty() && rejected.contains(r.line())) || converter.identify(r) != null) {
                        continue;
                    }
                    boolean delete = converter.lastOperation() == DocumentConverter.Operation.DELETE;
                    offers.add(converter.lastIdHash(), converter.lastVersion(), delete, r.line());
                    if (!delete) {
                        upserts++;
                        CsvRecord read = r;
                        sample.offer(chunk, r.line(), () -> new Sampled(chunk, read.line(), read.fields()));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + c.object() + " again to verify it", e);
            }
            return new ChunkReading(offers, sample, upserts);
        }

        private ChunkReading awaitReading(Future<ChunkReading> reading) {
            return await(reading, "reading the input of run " + run.id() + " again");
        }

        /** The task's result, or what it threw (unchecked as it was, e.g. "cannot read <object> again to verify it"). */
        private <T> T await(Future<T> task, String doing) {
            try {
                return task.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while " + doing, e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException unchecked) {
                    throw unchecked;
                }
                if (cause instanceof Error error) {
                    throw error;
                }
                throw new IllegalStateException(doing + " failed", cause);
            }
        }

        private void compareSample(String index, List<Sampled> candidates, WinningRecords winners,
                                   List<ChunkDefinition> definitions) {
            Map<Integer, List<String>> columnsByChunk = new HashMap<>();
            for (ChunkDefinition d : definitions) {
                columnsByChunk.put(d.key().chunk(), d.columns());
            }
            Map<String, Sampled> chosen = new HashMap<>();
            Map<String, List<String>> columnsOf = new HashMap<>();
            for (int i = 0; i < candidates.size() && chosen.size() < command.sampleSize(); i++) {
                Sampled r = candidates.get(i);
                List<String> columns = columnsByChunk.get(r.chunk());
                String id = idOf(r, columns);
                if (winners.isWinner(id, r.chunk(), r.line())) {
                    chosen.put(id, r);
                    columnsOf.put(id, columns);
                }
            }
            if (chosen.isEmpty()) {
                check("sampled records match the index", command.sampleSize() == 0 || run.expectedRecords() == 0,
                        "no records to sample");
                return;
            }
            Map<String, String> docs = indices.sources(index, new ArrayList<>(chosen.keySet()));
            List<String> mismatches = new ArrayList<>();
            int compared = 0;
            for (Map.Entry<String, Sampled> e : chosen.entrySet()) {
                String doc = docs.get(e.getKey());
                if (doc == null) {
                    mismatches.add(e.getKey() + " (line " + e.getValue().line() + ") is missing");
                    continue;
                }
                compared++;
                String problem = compare(doc, e.getValue(), columnsOf.get(e.getKey()));
                if (problem != null) {
                    mismatches.add(e.getKey() + " (line " + e.getValue().line() + "): " + problem);
                }
            }
            check("sampled records match the index", mismatches.isEmpty(), mismatches.isEmpty()
                    ? compared + " records fetched back and equal field by field"
                    : mismatches.size() + " of " + chosen.size() + " differ: "
                    + String.join("; ", mismatches.subList(0, Math.min(5, mismatches.size()))));
        }

        private String idOf(Sampled r, List<String> columns) {
            StringBuilder id = new StringBuilder();
            for (String idColumn : spec.idColumns()) {
                if (id.length() > 0) {
                    id.append(DocumentConverter.ID_SEPARATOR);
                }
                id.append(r.field(columns.indexOf(idColumn)));
            }
            return id.toString();
        }

        /** Why the document differs from the record, or null. A newer version from elsewhere is not a difference. */
        private String compare(String docJson, Sampled record, List<String> columns) {
            JsonNode doc;
            try {
                doc = JSON.readTree(docJson);
            } catch (IOException e) {
                return "unreadable document";
            }
            if (!run.id().value().equals(doc.at("/" + DatasetSpec.INGEST_FIELD + "/run_id").asText())) {
                if (run.mode() == RunMode.DELTA && spec.version().isPresent()) {
                    ColumnSpec version = spec.version().get();
                    String ours = record.field(columns.indexOf(version.name()));
                    JsonNode theirs = doc.get(version.name());
                    if (theirs != null && compareVersions(version.type(), theirs.asText(), ours) >= 0) {
                        return null; // the index held an equal or newer version: this record was stale
                    }
                }
                return "the document was written by run " + doc.at("/" + DatasetSpec.INGEST_FIELD + "/run_id").asText();
            }
            for (ColumnSpec column : spec.columns()) {
                String value = record.field(columns.indexOf(column.name()));
                JsonNode field = doc.get(column.name());
                if (value.isEmpty()) {
                    if (field != null) {
                        return column.name() + " should be absent, is " + field;
                    }
                    continue;
                }
                if (field == null) {
                    return column.name() + " is missing, should be '" + value + "'";
                }
                boolean equal = switch (column.type()) {
                    case DECIMAL -> field.decimalValue().compareTo(new BigDecimal(value)) == 0;
                    case INTEGER -> field.asLong() == Long.parseLong(value);
                    case BOOLEAN -> field.asBoolean() == Boolean.parseBoolean(value.toLowerCase(java.util.Locale.ROOT));
                    default -> field.asText().equals(value);
                };
                if (!equal) {
                    return column.name() + " is " + field + ", the source says '" + value + "'";
                }
            }
            return null;
        }

        private int compareVersions(ColumnType type, String a, String b) {
            if (type == ColumnType.INTEGER) {
                return Long.compare(Long.parseLong(a), Long.parseLong(b));
            }
            return OffsetDateTime.parse(a).toInstant().compareTo(OffsetDateTime.parse(b).toInstant());
        }

        /** A verified full run: live settings, one atomic alias swap, old indices beyond retention deleted. */
        private void makeLive() {
            String index = run.targetIndex();
            String alias = run.alias();
            indices.updateSettings(index, spec.index().replicas(), "1s");
            indices.refresh(index);
            Set<String> previous = indices.aliasTargets(alias);
            Set<String> others = new HashSet<>(previous);
            others.remove(index);
            indices.swapAlias(alias, index, others);
            check("alias swapped", indices.aliasTargets(alias).equals(Set.of(index)),
                    alias + " -> " + index + (others.isEmpty() ? "" : " (was " + String.join(", ", others) + ")"));
            List<String> old = new ArrayList<>(indices.indicesStartingWith(alias + "-"));
            old.remove(index);
            old.sort(null);
            int keep = command.retention() - 1;
            List<String> deleted = new ArrayList<>();
            for (int i = 0; i < old.size() - keep; i++) {
                indices.deleteIndex(old.get(i));
                deleted.add(old.get(i));
            }
            checks.add(new RunReport.Check("retention", true, deleted.isEmpty()
                    ? "nothing to delete (keeping " + command.retention() + ")"
                    : "deleted " + String.join(", ", deleted) + " (keeping " + command.retention() + ")"));
        }

        private ObjectRef writeReport(RunStatus status, ChunkCounters totals, Instant now) {
            double seconds = Math.max(0.001, Duration.between(run.createdAt(), now).toMillis() / 1000.0);
            RunReport report = new RunReport(run.id().value(), run.dataset(), run.businessDate().toString(),
                    run.mode().label(), run.executions(), status.name(), failure, run.alias(), run.targetIndex(),
                    run.createdAt(), now, totals.read() / seconds, totals, run.expectedRecords(), chunkLines,
                    firstRejects, checks);
            ObjectRef target = new ObjectRef(artifactsBucket,
                    String.format("reports/%s/execution-%03d.json", run.id().value(), run.executions()));
            try {
                objects.put(target, JSON.writeValueAsBytes(report), "application/json");
                // the same report for people, next to it
                objects.put(new ObjectRef(artifactsBucket, target.key().replaceFirst("\\.json$", ".md")),
                        RunReportMarkdown.render(report).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        "text/markdown; charset=utf-8");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return target;
        }
    }
}
