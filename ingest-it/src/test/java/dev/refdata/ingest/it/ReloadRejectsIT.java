package dev.refdata.ingest.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refdata.ingest.adapter.opensearch.OpenSearchHttpClient;
import dev.refdata.ingest.core.domain.ChunkCounters;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.domain.RunId;
import dev.refdata.ingest.core.domain.RunStatus;
import dev.refdata.ingest.core.load.LoadChunkService;
import dev.refdata.ingest.core.load.LoadSettings;
import dev.refdata.ingest.core.load.ReloadRejectsService;
import dev.refdata.ingest.core.port.in.RejectsFile;
import dev.refdata.ingest.core.port.in.ReloadRejectsCommand;
import dev.refdata.ingest.core.port.in.ReloadRejectsResult;
import dev.refdata.ingest.core.port.out.ObjectStore;
import dev.refdata.ingest.core.port.out.RunStore;
import dev.refdata.ingest.core.sample.Amount;
import dev.refdata.ingest.core.sample.InstrumentSampleGenerator;
import dev.refdata.ingest.core.sample.SampleOptions;
import dev.refdata.ingest.core.sample.SampleSummary;
import dev.refdata.ingest.core.service.PlanRunService;
import dev.refdata.ingest.core.service.PlanRunSettings;
import dev.refdata.ingest.core.service.VerifyRunService;
import dev.refdata.ingest.core.spec.DatasetCatalog;
import dev.refdata.ingest.it.support.PipelineFixture;
import dev.refdata.ingest.lambda.chunker.ChunkerHandler;
import dev.refdata.ingest.lambda.loader.LoaderHandler;
import dev.refdata.ingest.lambda.verifier.VerifierHandler;
import dev.refdata.ingest.statemachine.ExecutionResult;
import dev.refdata.ingest.statemachine.binding.InProcessIngestMachine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run with rejected records, loaded by the real definition on the real local services (S3, DynamoDB,
 * OpenSearch), then its rejects reloaded: first as they are (rejected again, nothing lost), then as corrected by an
 * operator (indexed).
 */
class ReloadRejectsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TAG = "rrj" + UUID.randomUUID().toString().substring(0, 6);
    private static final String FEEDS = TAG + "-feeds";
    private static final String ARTIFACTS = TAG + "-artifacts";
    private static final String TABLE = TAG + "-runs";

    private static PipelineFixture pipeline;
    private static OpenSearchHttpClient search;
    private static ObjectStore objects;
    private static RunStore runs;
    private static DatasetCatalog datasets;

    @BeforeAll
    static void services() {
        pipeline = PipelineFixture.create(TAG, FEEDS, ARTIFACTS, TABLE, List.of(TAG));
        search = pipeline.search();
        objects = pipeline.objects();
        runs = pipeline.runs();
        datasets = pipeline.datasets();
    }

    @AfterAll
    static void close() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    private static ExecutionResult execute(ObjectNode input) throws IOException {
        ChunkerHandler chunker = new ChunkerHandler(new PlanRunService(objects, runs, search.admin(), datasets,
                new PlanRunSettings(ARTIFACTS, ZoneOffset.UTC, 256L << 10), Clock.systemUTC()));
        try (LoadChunkService load = new LoadChunkService(objects, pipeline.ledger(), search.sink(), datasets,
                LoadSettings.DEFAULTS, Clock.systemUTC())) {
            return InProcessIngestMachine.executor(chunker, new LoaderHandler(load, ARTIFACTS),
                            new VerifierHandler(new VerifyRunService(objects, runs, search.admin(), datasets, ARTIFACTS,
                                    Clock.systemUTC())), ARTIFACTS, objects, d -> { })
                    .run(input, "execution-" + UUID.randomUUID());
        }
    }

    private static ReloadRejectsService reloads() {
        return new ReloadRejectsService(objects, runs, search.sink(), datasets, ARTIFACTS, LoadSettings.DEFAULTS,
                Clock.systemUTC());
    }

    private static List<JsonNode> ndjson(ObjectRef ref) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        try (InputStream in = objects.open(ref)) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    lines.add(JSON.readTree(line));
                }
            }
        }
        return lines;
    }

    private static long indexed() {
        search.admin().refresh(TAG);
        return search.admin().count(TAG);
    }

    @Test
    void aRunsRejectsReloadAsTheyAreThenCorrectedAndEveryRecordIsAccountedFor() throws IOException {
        ByteArrayOutputStream csv = new ByteArrayOutputStream();
        SampleSummary sample = new InstrumentSampleGenerator(SampleOptions.builder().records(20_000).seed(31)
                .invalidRowsOfEachKind(Amount.count(3)).build()).writeTo(csv);
        objects.put(new ObjectRef(FEEDS, "day/instruments.csv"), csv.toByteArray(), "text/csv");
        ObjectNode input = JSON.createObjectNode().put("bucket", FEEDS).put("prefix", "day/").put("dataset", TAG)
                .put("mode", "delta").put("businessDate", "2026-11-27").put("maxConcurrency", 3);

        ExecutionResult run = execute(input);

        assertThat(run.status()).as("zero rejects tolerated").isEqualTo("FAILED");
        RunId id = runs.recent(10).stream().filter(r -> r.dataset().equals(TAG)).findFirst().orElseThrow().id();
        assertThat(runs.find(id).orElseThrow().status()).isEqualTo(RunStatus.FAILED);
        long invalid = sample.invalidRows();
        assertThat(invalid).isPositive();
        assertThat(indexed()).isEqualTo(sample.distinctIds());

        ReloadRejectsResult asTheyAre = reloads().reload(ReloadRejectsCommand.asRejected(id));

        assertThat(asTheyAre.counters()).isEqualTo(new ChunkCounters(invalid, 0, 0, 0, invalid, 0));
        List<JsonNode> again = ndjson(asTheyAre.rejectedAgain());
        assertThat(again).hasSize((int) invalid);
        assertThat(indexed()).isEqualTo(sample.distinctIds());

        // the operator replaces each bad record with a good one (here: fresh instruments of the same layout)
        ByteArrayOutputStream good = new ByteArrayOutputStream();
        new InstrumentSampleGenerator(SampleOptions.builder().records(invalid).seed(97).build()).writeTo(good);
        List<String> goodRecords = good.toString(StandardCharsets.UTF_8).lines().skip(1).toList();
        StringBuilder corrected = new StringBuilder();
        for (int i = 0; i < again.size(); i++) {
            corrected.append(((ObjectNode) again.get(i)).put("raw", goodRecords.get(i))).append('\n');
        }
        byte[] file = corrected.toString().getBytes(StandardCharsets.UTF_8);
        List<String> goodIsins = goodRecords.stream().limit(invalid).map(r -> r.substring(0, r.indexOf(','))).toList();
        // two generators may draw the same ISIN: such a record updates its instrument instead of adding one
        long alreadyIndexed = goodIsins.stream().filter(isin -> search.admin().countWhere(TAG, "isin", isin) > 0).count();

        ReloadRejectsResult fixed = reloads().reload(ReloadRejectsCommand.corrected(id, new RejectsFile() {
            @Override
            public String name() {
                return "corrected.ndjson";
            }

            @Override
            public InputStream open() {
                return new ByteArrayInputStream(file);
            }
        }));

        assertThat(fixed.reload()).isEqualTo(2);
        assertThat(fixed.counters()).isEqualTo(new ChunkCounters(invalid, invalid, 0, 0, 0, 0));
        assertThat(fixed.clean()).isTrue();
        assertThat(indexed()).isEqualTo(sample.distinctIds() + invalid - alreadyIndexed);
        assertThat(goodIsins).allSatisfy(isin -> assertThat(search.admin().countWhere(TAG, "isin", isin)).isEqualTo(1));
        assertThat(search.admin().countWhere(TAG, "ingest.run_id", id.value()))
                .as("reloaded documents carry the run's id").isEqualTo(sample.distinctIds() + invalid - alreadyIndexed);
        JsonNode report = JSON.readTree(objects.open(fixed.report()).readAllBytes());
        assertThat(report.get("status").asText()).isEqualTo("COMPLETED");
        assertThat(report.at("/totals/indexed").asLong()).isEqualTo(invalid);
        assertThat(runs.find(id).orElseThrow().status()).as("the run is left as it ended").isEqualTo(RunStatus.FAILED);
    }
}
