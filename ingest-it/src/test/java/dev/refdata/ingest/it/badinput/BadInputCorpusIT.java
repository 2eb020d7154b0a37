package dev.refdata.ingest.it.badinput;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refdata.ingest.core.domain.ObjectInfo;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.domain.RunMode;
import dev.refdata.ingest.core.domain.RunSource;
import dev.refdata.ingest.core.domain.RunStatus;
import dev.refdata.ingest.core.load.LoadChunkService;
import dev.refdata.ingest.core.load.LoadSettings;
import dev.refdata.ingest.core.port.in.InvalidSourceException;
import dev.refdata.ingest.core.port.in.PlanRunCommand;
import dev.refdata.ingest.core.port.in.PlanRunResult;
import dev.refdata.ingest.core.port.in.VerifyRunCommand;
import dev.refdata.ingest.core.port.in.VerifyRunResult;
import dev.refdata.ingest.core.port.out.ObjectStore;
import dev.refdata.ingest.core.service.PlanRunService;
import dev.refdata.ingest.core.service.PlanRunSettings;
import dev.refdata.ingest.core.service.VerifyRunService;
import dev.refdata.ingest.core.spec.DatasetCatalog;
import dev.refdata.ingest.core.spec.InvalidDatasetSpecException;
import dev.refdata.ingest.it.badinput.CorpusCase.Loaded;
import dev.refdata.ingest.it.badinput.CorpusCase.Reject;
import dev.refdata.ingest.it.badinput.CorpusCase.RunError;
import dev.refdata.ingest.it.badinput.CorpusCase.SpecError;
import dev.refdata.ingest.it.lifecycle.RunDriver;
import dev.refdata.ingest.it.lifecycle.RunDriver.Loading;
import dev.refdata.ingest.it.support.PipelineFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Every file of the bad-input corpus ({@code src/test/resources/bad-input/}, described with its expected outcome in
 * {@code expectations.json}) run through the real pipeline on the real services: plan, load every chunk, verify.
 * Each file either loads with every record accounted for (read = indexed + deleted + stale + rejected, each reject
 * with its line and a reason naming the problem) and leaves exactly the expected documents in the index, or fails
 * the run before anything is loaded with an error naming the file, the line and the problem. A dataset spec that is
 * invalid is refused, naming the spec file, when the catalog is read.
 *
 * <p>Nothing may hang: each case runs under a generous guard (a hang, not a speed limit). Chunks are planned small
 * so that the bad records fall in chunks of their own and their neighbours in others.
 */
class BadInputCorpusIT {

    private static final Logger LOG = LoggerFactory.getLogger(BadInputCorpusIT.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TAG = "bi" + UUID.randomUUID().toString().substring(0, 6);
    private static final String FEEDS = "badinput-feeds-" + TAG;
    private static final String ARTIFACTS = "badinput-artifacts-" + TAG;
    private static final String TABLE = "badinput-runs-" + TAG;
    private static final LocalDate DAY = LocalDate.of(2026, 11, 27);
    /** Small chunks: a file of a few records is cut into several. */
    private static final long TARGET_CHUNK_BYTES = 4 * 1024;
    /** A hang guard, far above any case's time on a slow machine; never a speed check. */
    private static final Duration HANG_GUARD = Duration.ofMinutes(10);
    private static final Path GENERATED = Path.of(System.getProperty("ingest.it.basedir", "."), "target", "bad-input");

    private static PipelineFixture pipeline;
    private static ObjectStore objects;
    private static Path specs;

    @BeforeAll
    static void services() throws IOException {
        pipeline = PipelineFixture.create(TAG, FEEDS, ARTIFACTS, TABLE, List.of());
        objects = pipeline.objects();
        specs = Files.createTempDirectory("bad-input-specs");
    }

    @AfterAll
    static void close() throws IOException {
        if (pipeline != null) {
            pipeline.close();
        }
        if (specs != null) {
            try (Stream<Path> files = Files.walk(specs)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    static List<CorpusCase> corpus() {
        return CorpusCase.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void eachFileLoadsWithEveryLineAccountedForOrFailsNamingFileLineAndProblem(CorpusCase c) {
        assertTimeoutPreemptively(HANG_GUARD, () -> {
            if (c.expected() instanceof SpecError error) {
                assertSpecRefused(c, error);
            } else if (c.expected() instanceof RunError error) {
                assertRunFails(c, error);
            } else {
                assertLoaded(c, (Loaded) c.expected());
            }
        }, () -> c.name() + " did not finish within " + HANG_GUARD + ": it hangs");
    }

    private static void assertSpecRefused(CorpusCase c, SpecError error) throws IOException {
        Path directory = Files.createDirectories(specs.resolve("invalid-" + slug(c.name())));
        Path spec = directory.resolve(c.name());
        try (InputStream in = resource("bad-input/specs/" + c.name())) {
            Files.copy(in, spec);
        }

        assertThatThrownBy(() -> DatasetCatalog.withDirectory(directory))
                .isInstanceOf(InvalidDatasetSpecException.class)
                .hasMessageContaining(c.name())
                .hasMessageContaining(error.reason());
    }

    private static void assertRunFails(CorpusCase c, RunError error) throws IOException {
        String dataset = datasetFor(c);
        ObjectRef source = upload(c);
        try (RunDriver driver = driver(dataset)) {
            PlanRunCommand command = full(source, dataset);

            assertThatThrownBy(() -> driver.plan(command))
                    .isInstanceOf(InvalidSourceException.class)
                    .hasMessageContaining(source.toString())
                    .hasMessageContaining(error.line() > 0 ? "line " + error.line() + ":" : source + ":")
                    .hasMessageContaining(error.reason())
                    .satisfies(e -> assertThat(((InvalidSourceException) e).line()).isEqualTo(error.line()));
            var runs = pipeline.runs().recent(1_000).stream().filter(r -> r.dataset().equals(dataset)).toList();
            assertThat(runs).as("the run is recorded as failed, with the reason").singleElement()
                    .satisfies(run -> {
                        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
                        assertThat(run.reason()).contains(source.toString()).contains(error.reason());
                        assertThat(run.manifest()).as("nothing was planned to load").isNull();
                    });
            assertThat(pipeline.indices().aliasTargets(dataset)).as("nothing went live").isEmpty();
        }
    }

    private static void assertLoaded(CorpusCase c, Loaded expected) throws IOException {
        String dataset = datasetFor(c);
        ObjectRef source = upload(c);
        try (RunDriver driver = driver(dataset)) {
            PlanRunResult planned = driver.plan(full(source, dataset));
            assertThat(planned.expectedRecords()).as("records planned").isEqualTo(expected.records());

            Loading loading = driver.load(planned);
            assertThat(loading.failed()).as("no chunk fails on a bad record: %s", loading.chunks()).isEmpty();
            VerifyRunResult verified = driver.verify(new VerifyRunCommand(planned.runId(), Long.MAX_VALUE, 1.0, 100, 3));

            var totals = verified.totals();
            assertThat(totals.read()).as("every record read once").isEqualTo(expected.records());
            assertThat(totals.read()).as("read = indexed + deleted + stale + rejected")
                    .isEqualTo(totals.indexed() + totals.deleted() + totals.stale() + totals.rejected());
            assertThat(totals.indexed()).as("indexed").isEqualTo(expected.indexed());
            assertThat(totals.deleted()).as("deleted").isEqualTo(expected.deleted());
            assertThat(totals.stale()).as("stale").isEqualTo(expected.stale());
            assertThat(totals.rejected()).as("rejected").isEqualTo(expected.rejects().size());
            assertRejects(planned, source, expected.rejects());
            JsonNode report = report(verified);
            assertThat(report.at("/totals/read").asLong()).isEqualTo(expected.records());
            assertThat(report.at("/totals/rejected").asLong()).isEqualTo(expected.rejects().size());
            assertDocuments(planned.targetIndex(), expected.documents());
            if (expected.refusal() == null) {
                assertThat(verified.succeeded()).as("verification: %s", verified.reason()).isTrue();
                assertThat(pipeline.indices().aliasTargets(dataset)).containsExactly(planned.targetIndex());
            } else {
                assertThat(verified.succeeded()).as("verification refuses the run").isFalse();
                assertThat(verified.reason()).contains(expected.refusal());
                assertThat(report.at("/status").asText()).isEqualTo("FAILED");
                assertThat(pipeline.indices().aliasTargets(dataset)).as("nothing went live").isEmpty();
            }
            LOG.info("{}: {} records, {}", c.name(), expected.records(), totals);
        }
    }

    /** The rejects written for the run: exactly the expected lines, each reason naming the problem. */
    private static void assertRejects(PlanRunResult planned, ObjectRef source, List<Reject> expected)
            throws IOException {
        List<JsonNode> written = new ArrayList<>();
        List<ObjectRef> files;
        try (Stream<ObjectInfo> listed = objects.list(ARTIFACTS, "rejects/" + planned.runId().value() + "/")) {
            files = listed.map(ObjectInfo::ref).toList();
        }
        for (ObjectRef file : files) {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(objects.open(file),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (!line.isBlank()) {
                        written.add(JSON.readTree(line));
                    }
                }
            }
        }
        written.sort(Comparator.comparingLong(r -> r.get("line").asLong()));
        assertThat(written).extracting(r -> r.get("line").asLong()).as("rejected lines")
                .containsExactlyElementsOf(expected.stream().map(Reject::line).toList());
        for (int i = 0; i < expected.size(); i++) {
            JsonNode reject = written.get(i);
            assertThat(reject.get("reason").asText()).as("reason of the reject at line %d", expected.get(i).line())
                    .contains(expected.get(i).reason());
            assertThat(reject.get("source").asText()).as("the reject names the file").isEqualTo(source.toString());
        }
    }

    /** The index holds exactly these documents, each with these field values. */
    private static void assertDocuments(String index, Map<String, Map<String, String>> expected) throws IOException {
        pipeline.indices().refresh(index);
        assertThat(pipeline.indices().count(index)).as("documents in %s", index).isEqualTo(expected.size());
        Map<String, String> sources = pipeline.indices().sources(index, List.copyOf(expected.keySet()));
        assertThat(sources.keySet()).as("document ids").containsExactlyInAnyOrderElementsOf(expected.keySet());
        for (var document : expected.entrySet()) {
            JsonNode source = JSON.readTree(sources.get(document.getKey()));
            for (var field : document.getValue().entrySet()) {
                assertThat(source.path(field.getKey()).asText(null)).as("%s.%s", document.getKey(), field.getKey())
                        .isEqualTo(field.getValue());
            }
        }
    }

    private static RunDriver driver(String dataset) {
        DatasetCatalog datasets = DatasetCatalog.withDirectory(specs.resolve(dataset));
        PlanRunService planner = new PlanRunService(objects, pipeline.runs(), pipeline.indices(), datasets,
                new PlanRunSettings(ARTIFACTS, ZoneOffset.UTC, TARGET_CHUNK_BYTES), Clock.systemUTC());
        LoadChunkService loader = new LoadChunkService(objects, pipeline.ledger(), pipeline.search().sink(), datasets,
                LoadSettings.DEFAULTS, Clock.systemUTC());
        VerifyRunService verifier = new VerifyRunService(objects, pipeline.runs(), pipeline.indices(), datasets,
                ARTIFACTS, Clock.systemUTC());
        return new RunDriver(planner, loader, verifier, objects, ARTIFACTS, 2, RunDriver.unlimited());
    }

    /** A dataset of the case's own (the corpus spec under the case's name), so its alias and indices are its own. */
    private static String datasetFor(CorpusCase c) throws IOException {
        String name = TAG + "-" + slug(c.name());
        Path directory = Files.createDirectories(specs.resolve(name));
        JsonNode spec;
        try (InputStream in = resource("bad-input/specs/corpus.json")) {
            spec = JSON.readTree(in);
        }
        ((com.fasterxml.jackson.databind.node.ObjectNode) spec).put("name", name);
        ((com.fasterxml.jackson.databind.node.ObjectNode) spec.get("index")).put("alias", name);
        Files.write(directory.resolve(name + ".json"), JSON.writeValueAsBytes(spec));
        return name;
    }

    private static ObjectRef upload(CorpusCase c) throws IOException {
        ObjectRef ref = new ObjectRef(FEEDS, slug(c.name()) + "/" + c.name());
        try (InputStream in = c.source() == CorpusCase.Source.GENERATED
                ? Files.newInputStream(HugeRecordFiles.write(GENERATED, c.name()))
                : resource("bad-input/files/" + c.name());
             ObjectStore.ObjectUpload upload = objects.startUpload(ref, "text/csv")) {
            in.transferTo(upload);
        }
        return ref;
    }

    private static PlanRunCommand full(ObjectRef source, String dataset) {
        return new PlanRunCommand(RunSource.object(source.bucket(), source.key()), dataset, DAY, null, RunMode.FULL,
                null, TARGET_CHUNK_BYTES);
    }

    private static JsonNode report(VerifyRunResult verified) throws IOException {
        try (InputStream in = objects.open(verified.report())) {
            return JSON.readTree(in);
        }
    }

    private static InputStream resource(String name) {
        InputStream in = BadInputCorpusIT.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException(name + " is missing from the test classpath");
        }
        return in;
    }

    private static String slug(String fileName) {
        return fileName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("-+$", "");
    }
}
