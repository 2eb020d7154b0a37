package dev.refdata.ingest.core.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.refdata.ingest.core.csv.ChunkRecordReader;
import dev.refdata.ingest.core.csv.CsvRecord;
import dev.refdata.ingest.core.domain.ChunkCounters;
import dev.refdata.ingest.core.domain.ChunkDefinition;
import dev.refdata.ingest.core.domain.ChunkKey;
import dev.refdata.ingest.core.domain.DatasetSpec;
import dev.refdata.ingest.core.domain.HeaderLayout;
import dev.refdata.ingest.core.domain.ObjectInfo;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.domain.RunRecord;
import dev.refdata.ingest.core.domain.RunStatus;
import dev.refdata.ingest.core.port.in.ChunkLoadFailedException;
import dev.refdata.ingest.core.port.in.InvalidRejectsFileException;
import dev.refdata.ingest.core.port.in.RejectsFile;
import dev.refdata.ingest.core.port.in.ReloadRejectsCommand;
import dev.refdata.ingest.core.port.in.ReloadRejectsResult;
import dev.refdata.ingest.core.port.in.ReloadRejectsUseCase;
import dev.refdata.ingest.core.port.out.ObjectStore;
import dev.refdata.ingest.core.port.out.RunStore;
import dev.refdata.ingest.core.port.out.SearchSink;
import dev.refdata.ingest.core.spec.DatasetCatalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;

/**
 * Loads a run's rejects again through the loader's own {@link DocumentConverter} and {@link BulkWriter}: each
 * reject's {@code raw} text is read as one CSV record of its chunk (with the chunk's header, the run's dataset spec
 * and its original line number), converted and written to the run's target index. The input is read twice: once to
 * check every line (so a bad file changes nothing), once to load.
 *
 * <p>When a bulk request fails for good (retries exhausted, request refused), loading stops: the records of that
 * request and every record after it are written to the new rejects object with the cause, so the accounting still
 * balances and they can be reloaded later.
 */
public final class ReloadRejectsService implements ReloadRejectsUseCase {

    private static final Logger LOG = LoggerFactory.getLogger(ReloadRejectsService.class);
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);
    private static final Pattern REPORT = Pattern.compile(".*/reload-(\\d{3,})\\.json");
    /** Room for items a reload batch starts with: rejects come a few at a time, and the arrays grow if needed. */
    private static final int RELOAD_BATCH_ITEMS = 256;

    private final ObjectStore objects;
    private final RunStore runs;
    private final SearchSink sink;
    private final DatasetCatalog datasets;
    private final String artifactsBucket;
    private final LoadSettings settings;
    private final Clock clock;
    private final Sleeper sleeper;
    private final RandomGenerator random;

    public ReloadRejectsService(ObjectStore objects, RunStore runs, SearchSink sink, DatasetCatalog datasets,
                                String artifactsBucket, LoadSettings settings, Clock clock) {
        this(objects, runs, sink, datasets, artifactsBucket, settings, clock, Sleeper.REAL,
                RandomGenerator.getDefault());
    }

    public ReloadRejectsService(ObjectStore objects, RunStore runs, SearchSink sink, DatasetCatalog datasets,
                                String artifactsBucket, LoadSettings settings, Clock clock, Sleeper sleeper,
                                RandomGenerator random) {
        this.objects = Objects.requireNonNull(objects, "objects");
        this.runs = Objects.requireNonNull(runs, "runs");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.datasets = Objects.requireNonNull(datasets, "datasets");
        this.artifactsBucket = Objects.requireNonNull(artifactsBucket, "artifactsBucket");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** Where the records a reload rejected again are written. */
    public static ObjectRef rejectedAgainObject(String bucket, RunRecord run, int reload) {
        return new ObjectRef(bucket, String.format("reloads/%s/reload-%03d/rejects.ndjson", run.id().value(), reload));
    }

    /** Where a reload's report is written, beside the run's execution reports. */
    public static ObjectRef reportObject(String bucket, RunRecord run, int reload) {
        return new ObjectRef(bucket, String.format("reports/%s/reload-%03d.json", run.id().value(), reload));
    }

    @Override
    public ReloadRejectsResult reload(ReloadRejectsCommand command) {
        RunRecord run = runs.find(command.run())
                .orElseThrow(() -> new IllegalArgumentException("unknown run '" + command.run() + "'"));
        if (run.targetIndex() == null) {
            throw new IllegalArgumentException("run " + run.id() + " was never planned, so it has no rejects"
                    + (run.reason() == null ? "" : ": " + run.reason()));
        }
        if (run.status() == RunStatus.PLANNING || run.status() == RunStatus.RUNNING) {
            throw new IllegalArgumentException("run " + run.id() + " is " + run.status()
                    + ": reload its rejects once it has ended (ingest status --run-id " + run.id() + ")");
        }
        Map<Integer, ChunkDefinition> chunks = new HashMap<>();
        for (ChunkDefinition definition : runs.chunkDefinitions(run.id())) {
            chunks.put(definition.key().chunk(), definition);
        }
        List<Input> inputs = inputs(run, command.corrected());
        for (Input input : inputs) {
            input.read(entry -> {
                if (!chunks.containsKey(entry.chunk())) {
                    throw new InvalidRejectsFileException(input.name(), entry.fileLine(), "run " + run.id()
                            + " has no chunk " + entry.chunk());
                }
            });
        }
        int number = nextReloadNumber(run);
        return new Reload(run, number, chunks, command.corrected() == null ? "the rejects of run " + run.id()
                : command.corrected().name()).run(inputs);
    }

    private List<Input> inputs(RunRecord run, RejectsFile corrected) {
        if (corrected != null) {
            return List.of(new Input(corrected.name(), () -> corrected.open()));
        }
        List<Input> inputs = new ArrayList<>();
        try (Stream<ObjectInfo> listed = objects.list(artifactsBucket, "rejects/" + run.id().value() + "/")) {
            for (ObjectInfo info : listed.toList()) {
                inputs.add(new Input(info.ref().toString(), () -> objects.open(info.ref())));
            }
        }
        return inputs;
    }

    private int nextReloadNumber(RunRecord run) {
        int last = 0;
        try (Stream<ObjectInfo> listed = objects.list(artifactsBucket, "reports/" + run.id().value() + "/reload-")) {
            for (ObjectInfo info : listed.toList()) {
                Matcher m = REPORT.matcher(info.ref().key());
                if (m.matches()) {
                    last = Math.max(last, Integer.parseInt(m.group(1)));
                }
            }
        }
        return last + 1;
    }

    /** One reject to load: its chunk, its line in the source, its text, and where it is in the input. */
    private record Entry(int chunk, long line, String raw, boolean truncated, long fileLine) {
    }

    /** One NDJSON input: the run's rejects objects, or the operator's file. */
    private record Input(String name, Opener opener) {

        void read(EntryConsumer consumer) {
            try (InputStream in = opener.open();
                 BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                long fileLine = 0;
                for (String text = reader.readLine(); text != null; text = reader.readLine()) {
                    fileLine++;
                    if (!text.isBlank()) {
                        consumer.accept(entry(text, fileLine));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + name + ": " + e.getMessage(), e);
            }
        }

        private Entry entry(String text, long fileLine) {
            JsonNode node;
            try {
                node = JSON.readTree(text);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new InvalidRejectsFileException(name, fileLine, "not JSON: " + e.getOriginalMessage());
            }
            if (node == null || !node.isObject()) {
                throw new InvalidRejectsFileException(name, fileLine, "not a JSON object");
            }
            JsonNode chunk = node.get("chunk");
            JsonNode line = node.get("line");
            JsonNode raw = node.get("raw");
            if (chunk == null || !chunk.canConvertToInt() || !chunk.isIntegralNumber() || chunk.asInt() < 0
                    || chunk.asInt() > ChunkKey.MAX_CHUNK) {
                throw new InvalidRejectsFileException(name, fileLine, "'chunk' must be a chunk number");
            }
            if (line == null || !line.isIntegralNumber() || line.asLong() < 1) {
                throw new InvalidRejectsFileException(name, fileLine, "'line' must be the record's line number (1 or more)");
            }
            if (raw == null || !raw.isTextual() || raw.asText().isBlank()) {
                throw new InvalidRejectsFileException(name, fileLine, "'raw' must be the CSV record as text");
            }
            JsonNode truncated = node.get("truncated");
            return new Entry(chunk.asInt(), line.asLong(), raw.asText(), truncated != null && truncated.asBoolean(),
                    fileLine);
        }
    }

    @FunctionalInterface
    private interface Opener {
        InputStream open() throws IOException;
    }

    @FunctionalInterface
    private interface EntryConsumer {
        void accept(Entry entry);
    }

    /** One reload of one run. */
    private final class Reload {
        private final RunRecord run;
        private final int number;
        private final Map<Integer, ChunkDefinition> chunks;
        private final String inputName;
        private final DatasetSpec spec;
        private final BulkWriter writer;
        private final Map<Integer, DocumentConverter> converters = new HashMap<>();
        private final SortedMap<Integer, ChunkCounters> perChunk = new TreeMap<>();
        private final ObjectRef rejectsTarget;
        private final ObjectStore.ObjectUpload rejectsUpload;
        private final RejectsNdjson rejectsOut;
        private final Instant started;

        private ChunkCounters totals = ChunkCounters.ZERO;
        private PendingBatch batch;
        private int batchChunk = -1;
        private String failure;

        Reload(RunRecord run, int number, Map<Integer, ChunkDefinition> chunks, String inputName) {
            this.run = run;
            this.number = number;
            this.chunks = chunks;
            this.inputName = inputName;
            this.spec = datasets.get(run.dataset());
            this.writer = new BulkWriter(sink, run.targetIndex(), settings, sleeper, random);
            this.rejectsTarget = rejectedAgainObject(artifactsBucket, run, number);
            this.rejectsUpload = objects.startUpload(rejectsTarget, "application/x-ndjson");
            this.rejectsOut = new RejectsNdjson(rejectsUpload);
            this.started = clock.instant();
        }

        ReloadRejectsResult run(List<Input> inputs) {
            LOG.info("reload {} of run {}: loading {} into {}", number, run.id(), inputName, run.targetIndex());
            try {
                for (Input input : inputs) {
                    input.read(this::take);
                }
                flushBatch();
                rejectsOut.flush();
                if (totals.rejected() > 0) {
                    rejectsUpload.close();
                } else {
                    rejectsUpload.abort();
                }
            } catch (IOException e) {
                rejectsUpload.abort();
                throw new UncheckedIOException("cannot write " + rejectsTarget + ": " + e.getMessage(), e);
            } catch (RuntimeException e) {
                rejectsUpload.abort();
                throw e;
            }
            ObjectRef rejected = totals.rejected() > 0 ? rejectsTarget : null;
            ObjectRef report = writeReport(rejected);
            LOG.info("reload {} of run {}: {}{}", number, run.id(), totals,
                    failure == null ? "" : "; stopped early: " + failure);
            return new ReloadRejectsResult(run.id(), number, inputName, run.targetIndex(), totals, rejected, report,
                    failure);
        }

        private void take(Entry entry) {
            if (entry.chunk() != batchChunk) {
                flushBatch();
                batchChunk = entry.chunk();
                batch = new PendingBatch(settings.bodyCapacityBytes(), RELOAD_BATCH_ITEMS, 0, entry.line());
            }
            if (failure != null) {
                batch.rejected(new RejectedRecord(entry.line(), "not sent: the reload stopped after " + failure,
                        entry.raw(), entry.truncated()));
            } else if (entry.truncated()) {
                batch.rejected(new RejectedRecord(entry.line(), "only the beginning of this oversized record was "
                        + "kept: correct it in a file and reload it with --file", entry.raw(), true));
            } else {
                addRecord(entry);
            }
            if (batch.buffer.length() >= settings.maxBulkBytes() || batch.buffer.items() >= settings.maxBulkItems()) {
                flushBatch();
                batch = new PendingBatch(settings.bodyCapacityBytes(), RELOAD_BATCH_ITEMS, 0, entry.line() + 1);
            }
        }

        private void addRecord(Entry entry) {
            List<CsvRecord> records = new ArrayList<>(1);
            try (ChunkRecordReader reader = new ChunkRecordReader(
                    new ByteArrayInputStream((entry.raw() + "\n").getBytes(StandardCharsets.UTF_8)), spec.dialect(),
                    0, entry.line(), settings.maxRecordBytes())) {
                for (CsvRecord r = reader.next(); r != null; r = reader.next()) {
                    records.add(r);
                }
            } catch (IOException | RuntimeException e) {
                batch.rejected(new RejectedRecord(entry.line(), "not a CSV record: " + e.getMessage(), entry.raw(),
                        false));
                return;
            }
            if (records.size() != 1) {
                batch.rejected(new RejectedRecord(entry.line(), "the text holds " + records.size()
                        + " CSV records; a reject is one record", entry.raw(), false));
                return;
            }
            CsvRecord record = records.get(0);
            DocumentConverter converter = converters.computeIfAbsent(entry.chunk(), this::converter);
            String reason = converter.append(record, batch.buffer);
            if (reason == null) {
                batch.itemAdded(record, converter.lastOperation() == DocumentConverter.Operation.DELETE);
            } else {
                batch.rejected(record, reason);
            }
        }

        private DocumentConverter converter(int chunk) {
            ChunkDefinition definition = chunks.get(chunk);
            HeaderLayout layout = spec.dialect().header()
                    ? HeaderLayout.resolve(spec, definition.columns()) : HeaderLayout.declaredOrder(spec);
            return new DocumentConverter(spec, layout, run.id().value(), definition.object().toString());
        }

        /** Sends the batch and folds its outcome; on a lasting failure, rejects its records with the cause. */
        private void flushBatch() {
            if (batch == null || batch.isEmpty()) {
                return;
            }
            PendingBatch sending = batch;
            batch = null;
            BatchOutcome outcome;
            if (failure == null) {
                try {
                    outcome = writer.write(sending);
                } catch (ChunkLoadFailedException e) {
                    failure = e.getMessage();
                    LOG.warn("reload {} of run {}: bulk failed, the rest is rejected unsent: {}", number, run.id(),
                            failure);
                    outcome = unsent(sending, "not confirmed: " + failure);
                }
            } else {
                outcome = unsent(sending, null);
            }
            ChunkKey key = new ChunkKey(run.id(), batchChunk);
            perChunk.merge(batchChunk, outcome.delta(), ChunkCounters::plus);
            totals = totals.plus(outcome.delta());
            if (!outcome.rejects().isEmpty()) {
                rejectsOut.add(key, chunks.get(batchChunk).object().toString(), outcome.rejects());
            }
        }

        /** Every record of a batch that was not (or not surely) written, as a reject. */
        private BatchOutcome unsent(PendingBatch sending, String reason) {
            List<RejectedRecord> rejects = new ArrayList<>(sending.conversionRejects);
            for (int i = 0; i < sending.buffer.items(); i++) {
                rejects.add(PendingBatch.reject(sending.itemRecord(i), reason == null
                        ? "not sent: the reload stopped after " + failure : reason));
            }
            rejects.sort(java.util.Comparator.comparingLong(RejectedRecord::line));
            return new BatchOutcome(new ChunkCounters(sending.read, 0, 0, 0, rejects.size(), 0), rejects,
                    sending.endOffset, sending.nextLine);
        }

        private ObjectRef writeReport(ObjectRef rejected) {
            List<ReloadReport.ChunkLine> lines = new ArrayList<>();
            perChunk.forEach((chunk, counters) -> lines.add(new ReloadReport.ChunkLine(chunk, counters)));
            ReloadReport report = new ReloadReport(run.id().value(), number, inputName, run.targetIndex(),
                    failure == null ? "COMPLETED" : "STOPPED", failure, started, clock.instant(), totals,
                    rejected == null ? null : rejected.toString(), lines);
            ObjectRef target = reportObject(artifactsBucket, run, number);
            try {
                objects.put(target, JSON.writeValueAsBytes(report), "application/json");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return target;
        }
    }

    /**
     * The reload report: what was loaded, into which index, and what became of every record, in total and by chunk.
     * {@code status} is COMPLETED when every record got an answer from the index (some may be rejected again),
     * STOPPED when a bulk request failed for good and the rest was set aside unsent.
     */
    record ReloadReport(String runId, int reload, String input, String index, String status, String failure,
                        Instant startedAt, Instant finishedAt, ChunkCounters totals, String rejectedAgain,
                        List<ChunkLine> chunks) {
        record ChunkLine(int chunk, ChunkCounters counters) {
        }
    }
}
