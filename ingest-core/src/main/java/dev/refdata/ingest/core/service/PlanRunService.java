package dev.refdata.ingest.core.service;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.refdata.ingest.core.csv.GzipStager;
import dev.refdata.ingest.core.csv.MalformedCsvException;
import dev.refdata.ingest.core.domain.Chunk;
import dev.refdata.ingest.core.domain.ChunkDefinition;
import dev.refdata.ingest.core.domain.ChunkKey;
import dev.refdata.ingest.core.domain.ChunkState;
import dev.refdata.ingest.core.domain.ChunkStatus;
import dev.refdata.ingest.core.domain.DatasetSpec;
import dev.refdata.ingest.core.domain.HeaderLayout;
import dev.refdata.ingest.core.domain.IndexMapping;
import dev.refdata.ingest.core.domain.ObjectInfo;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.domain.RunId;
import dev.refdata.ingest.core.domain.RunMode;
import dev.refdata.ingest.core.domain.RunRecord;
import dev.refdata.ingest.core.domain.RunSource;
import dev.refdata.ingest.core.domain.RunStatus;
import dev.refdata.ingest.core.port.in.InvalidSourceException;
import dev.refdata.ingest.core.port.in.PlanChunksCommand;
import dev.refdata.ingest.core.port.in.PlanChunksResult;
import dev.refdata.ingest.core.port.in.PlanRunCommand;
import dev.refdata.ingest.core.port.in.PlanRunResult;
import dev.refdata.ingest.core.port.in.PlanRunUseCase;
import dev.refdata.ingest.core.port.out.IndexAdmin;
import dev.refdata.ingest.core.port.out.ObjectNotFoundException;
import dev.refdata.ingest.core.port.out.ObjectStore;
import dev.refdata.ingest.core.port.out.RunStore;
import dev.refdata.ingest.core.spec.DatasetCatalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/** Plans runs; see {@link PlanRunUseCase}. */
public final class PlanRunService implements PlanRunUseCase {

    private static final Logger LOG = LoggerFactory.getLogger(PlanRunService.class);
    private static final DateTimeFormatter COMPACT_DATE = DateTimeFormatter.BASIC_ISO_DATE;
    private static final JsonFactory JSON = new JsonFactory();
    /** Longer than any planner can run (a Lambda stops at 15 minutes): a run still PLANNING after this was abandoned. */
    static final java.time.Duration ABANDONED_PLANNING = java.time.Duration.ofMinutes(20);

    private final ObjectStore objects;
    private final RunStore runs;
    private final IndexAdmin indices;
    private final DatasetCatalog datasets;
    private final PlanRunSettings settings;
    private final Clock clock;

    public PlanRunService(ObjectStore objects, RunStore runs, IndexAdmin indices, DatasetCatalog datasets,
                          PlanRunSettings settings, Clock clock) {
        this.objects = Objects.requireNonNull(objects, "objects");
        this.runs = Objects.requireNonNull(runs, "runs");
        this.indices = Objects.requireNonNull(indices, "indices");
        this.datasets = Objects.requireNonNull(datasets, "datasets");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The run id for an input: readable (dataset, business date, mode) and deterministic (a short hash of the
     * source), so that the same nightly input always names the same run.
     */
    public static RunId runIdFor(String dataset, LocalDate date, RunMode mode, RunSource source) {
        String key = dataset + "|" + date + "|" + mode + "|" + source.bucket() + "|"
                + (source.key() != null ? "key:" + source.key() : "prefix:" + source.prefix());
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return new RunId(dataset + "-" + date.format(COMPACT_DATE) + "-" + mode.label() + "-"
                    + HexFormat.of().formatHex(hash, 0, 4));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    public PlanRunResult plan(PlanRunCommand command) {
        if (command.rerunOf() != null) {
            return rerun(command.rerunOf());
        }
        DatasetSpec spec = datasets.get(command.dataset());
        LocalDate date = businessDate(command);
        RunId id = runIdFor(spec.name(), date, command.mode(), command.source());
        Instant now = clock.instant();
        RunRecord fresh = new RunRecord(id, spec.name(), date, command.mode(), command.source(), RunStatus.PLANNING,
                spec.index().alias(), null, null, 0, 0, 1, null, now, now);
        RunStore.Creation creation = runs.create(fresh);
        RunRecord run = creation.run();
        if (!creation.created()) {
            boolean failedPlanning = run.status() == RunStatus.FAILED && run.manifest() == null;
            boolean abandonedPlanning = run.status() == RunStatus.PLANNING
                    && run.updatedAt().plus(ABANDONED_PLANNING).isBefore(now);
            if (failedPlanning || abandonedPlanning) {
                // it failed while planning (a bad file, say), or its planner died (a timeout): plan it again
                RunStatus from = run.status();
                run = new RunRecord(id, run.dataset(), run.businessDate(), run.mode(), run.source(),
                        RunStatus.PLANNING, run.alias(), null, null, 0, 0, run.executions() + 1, null,
                        run.createdAt(), now);
                runs.update(run, Set.of(from));
            } else {
                LOG.info("run {} exists already ({}): nothing planned", id, run.status());
                return new PlanRunResult(id, run.status(), false, run.manifest(), run.chunkCount(),
                        run.expectedRecords(), run.targetIndex(), run.alias(), run.executions());
            }
        }
        try {
            return planNew(run, spec, command);
        } catch (RuntimeException e) {
            try {
                runs.update(run.withStatus(RunStatus.FAILED, "planning failed: " + e.getMessage(), clock.instant()),
                        Set.of(RunStatus.PLANNING));
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private LocalDate businessDate(PlanRunCommand command) {
        if (command.businessDate() != null) {
            return command.businessDate();
        }
        Instant at = command.scheduledTime() != null ? command.scheduledTime() : clock.instant();
        return LocalDate.ofInstant(at, settings.zone());
    }

    private PlanRunResult planNew(RunRecord run, DatasetSpec spec, PlanRunCommand command) {
        long target = command.targetChunkBytes() != null ? command.targetChunkBytes() : settings.defaultTargetChunkBytes();
        List<ObjectInfo> sources = sourceObjects(run.source());
        List<ChunkDefinition> chunks = new ArrayList<>();
        PlanChunksService planner = new PlanChunksService(objects, datasets);
        int fileNumber = 0;
        for (ObjectInfo info : sources) {
            fileNumber++;
            ObjectRef source = info.ref();
            String lower = source.key().toLowerCase(Locale.ROOT);
            if (lower.endsWith(".gz") || lower.endsWith(".gzip")) {
                chunks.addAll(stage(run, spec, source, fileNumber, target, chunks.size()));
            } else {
                PlanChunksResult planned = planner.plan(new PlanChunksCommand(source, spec.name(), target));
                for (Chunk c : planned.plan().chunks()) {
                    chunks.add(new ChunkDefinition(new ChunkKey(run.id(), chunks.size()), c.object(), c.range(),
                            c.firstLine(), c.records(), planned.layout().columnNames(), source));
                }
            }
        }
        String targetIndex = prepareIndex(run, spec);
        long records = chunks.stream().mapToLong(ChunkDefinition::records).sum();
        ObjectRef manifest = writeManifest(run.id(), run.executions(), spec.name(), targetIndex, chunks);
        runs.registerChunks(run.id(), chunks);
        RunRecord planned = run.planned(targetIndex, manifest, chunks.size(), records, clock.instant());
        runs.update(planned, Set.of(RunStatus.PLANNING));
        LOG.info("run {} planned: {} objects, {} chunks, {} records into {}", run.id(), sources.size(), chunks.size(),
                records, targetIndex);
        return new PlanRunResult(run.id(), RunStatus.RUNNING, true, manifest, chunks.size(), records, targetIndex,
                run.alias(), planned.executions());
    }

    /** The objects to load, in key order: empty objects, folder and completion markers are passed over. */
    private List<ObjectInfo> sourceObjects(RunSource source) {
        if (source.key() != null) {
            ObjectRef ref = new ObjectRef(source.bucket(), source.key());
            try {
                return List.of(objects.describe(ref));
            } catch (ObjectNotFoundException e) {
                throw new InvalidSourceException(ref, 0, "no such object", e);
            }
        }
        List<ObjectInfo> found = new ArrayList<>();
        try (Stream<ObjectInfo> listed = objects.list(source.bucket(), source.prefix())) {
            listed.forEach(info -> {
                String name = info.ref().fileName();
                if (info.size() == 0 || info.ref().key().endsWith("/") || name.startsWith("_") || name.startsWith(".")
                        || name.endsWith(".done") || name.endsWith(".marker")) {
                    LOG.info("passing over {} ({} bytes): empty or a marker", info.ref(), info.size());
                    return;
                }
                String lower = name.toLowerCase(Locale.ROOT);
                if (!lower.endsWith(".csv") && !lower.endsWith(".csv.gz") && !lower.endsWith(".gz")) {
                    throw new InvalidSourceException(info.ref(), 0,
                            "not a CSV file (expected .csv or .csv.gz); move it out of the prefix or rename it", null);
                }
                found.add(info);
            });
        }
        if (found.isEmpty()) {
            throw new InvalidSourceException(new ObjectRef(source.bucket(), source.prefix().isEmpty() ? "*" : source.prefix()),
                    0, "no CSV objects under this prefix", null);
        }
        return found;
    }

    private List<ChunkDefinition> stage(RunRecord run, DatasetSpec spec, ObjectRef source, int fileNumber, long target,
                                        int firstChunk) {
        String prefix = String.format("staging/%s/%03d-%s/", run.id().value(), fileNumber,
                source.fileName().replaceAll("[^A-Za-z0-9._-]", "_"));
        GzipStager.Staged staged;
        try {
            staged = new GzipStager(spec.dialect(), objects).stage(source, settings.artifactsBucket(), prefix, target);
        } catch (MalformedCsvException e) {
            throw new InvalidSourceException(source, e.line(), e.getMessage().replaceFirst("^line \\d+: ", ""), e);
        } catch (IOException e) {
            throw new InvalidSourceException(source, 0, e.getMessage().replace(source + ": ", ""), e);
        }
        List<String> columns;
        try {
            columns = spec.dialect().header()
                    ? HeaderLayout.resolve(spec, staged.header()).columnNames()
                    : HeaderLayout.declaredOrder(spec).columnNames();
        } catch (IllegalArgumentException e) {
            throw new InvalidSourceException(source, 1, e.getMessage(), e);
        }
        List<ChunkDefinition> out = new ArrayList<>();
        for (Chunk part : staged.parts()) {
            out.add(new ChunkDefinition(new ChunkKey(run.id(), firstChunk + out.size()), part.object(), part.range(),
                    part.firstLine(), part.records(), columns, source));
        }
        return out;
    }

    /**
     * Delta writes into the live alias (created with the dataset's mapping on the very first run); full builds a
     * fresh index with refresh off and no replicas, swapped in by the verifier.
     */
    private String prepareIndex(RunRecord run, DatasetSpec spec) {
        String alias = spec.index().alias();
        IndexMapping mapping = IndexMapping.of(spec);
        String suffix = run.id().value().substring(run.id().value().lastIndexOf('-') + 1);
        String dated = alias + "-" + run.businessDate().format(COMPACT_DATE) + "-" + suffix;
        if (run.mode() == RunMode.FULL) {
            if (!indices.indexExists(dated)) {
                indices.createIndex(dated, mapping.createIndexBody(0, "-1"));
            }
            return dated;
        }
        if (indices.aliasTargets(alias).isEmpty()) {
            if (indices.indexExists(alias)) {
                throw new IllegalStateException("'" + alias + "' is a concrete index, not an alias: delta runs need "
                        + "the alias; load a full run first or re-index behind an alias");
            }
            indices.createIndex(dated, mapping.createIndexBody(spec.index().replicas(), "1s"));
            indices.swapAlias(alias, dated, Set.of());
        }
        return alias;
    }

    private ObjectRef writeManifest(RunId run, int execution, String dataset, String index,
                                    List<ChunkDefinition> chunks) {
        ObjectRef manifest = new ObjectRef(settings.artifactsBucket(),
                String.format("manifests/%s/execution-%03d.json", run.value(), execution));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator json = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            json.writeStartArray();
            for (ChunkDefinition c : chunks) {
                json.writeStartObject();
                json.writeStringField("runId", run.value());
                json.writeNumberField("chunk", c.key().chunk());
                json.writeStringField("bucket", c.object().bucket());
                json.writeStringField("key", c.object().key());
                json.writeNumberField("start", c.range().start());
                json.writeNumberField("end", c.range().end());
                json.writeNumberField("firstLine", c.firstLine());
                json.writeNumberField("records", c.records());
                json.writeStringField("dataset", dataset);
                json.writeArrayFieldStart("columns");
                for (String column : c.columns()) {
                    json.writeString(column);
                }
                json.writeEndArray();
                json.writeStringField("index", index);
                json.writeEndObject();
            }
            json.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        objects.put(manifest, out.toByteArray(), "application/json");
        return manifest;
    }

    /** Plans the chunks of a run that are not COMPLETED (failed, never claimed, or abandoned by a dead loader). */
    private PlanRunResult rerun(RunId id) {
        RunRecord run = runs.find(id).orElseThrow(() -> new IllegalArgumentException("unknown run '" + id + "'"));
        if (run.status() == RunStatus.SUCCEEDED) {
            throw new IllegalArgumentException("run " + id + " succeeded already: nothing to re-run");
        }
        if (run.manifest() == null) {
            throw new IllegalArgumentException("run " + id + " was never planned (" + run.reason()
                    + "): trigger it again instead of re-running it");
        }
        Map<Integer, ChunkState> states = new HashMap<>();
        for (ChunkState s : runs.chunkStates(id)) {
            states.put(s.key().chunk(), s);
        }
        List<ChunkDefinition> unfinished = new ArrayList<>();
        for (ChunkDefinition c : runs.chunkDefinitions(id)) {
            ChunkState s = states.get(c.key().chunk());
            if (s == null || s.status() != ChunkStatus.COMPLETED) {
                unfinished.add(c);
            }
        }
        RunRecord next = run.nextExecution(null, clock.instant());
        ObjectRef manifest = writeManifest(id, next.executions(), run.dataset(), run.targetIndex(), unfinished);
        next = run.nextExecution(manifest, clock.instant());
        runs.update(next, Set.of(RunStatus.FAILED, RunStatus.RUNNING));
        long records = unfinished.stream().mapToLong(ChunkDefinition::records).sum();
        LOG.info("run {} re-run (execution {}): {} of {} chunks to load", id, next.executions(), unfinished.size(),
                run.chunkCount());
        return new PlanRunResult(id, RunStatus.RUNNING, true, manifest, unfinished.size(), records, run.targetIndex(),
                run.alias(), next.executions());
    }
}
