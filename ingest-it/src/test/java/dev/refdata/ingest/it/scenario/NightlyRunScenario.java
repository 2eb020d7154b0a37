package dev.refdata.ingest.it.scenario;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.domain.RunRecord;
import dev.refdata.ingest.core.domain.RunStatus;
import dev.refdata.ingest.core.port.out.IndexAdmin;
import dev.refdata.ingest.core.port.out.ObjectStore;
import dev.refdata.ingest.core.port.out.RunStore;
import dev.refdata.ingest.core.sample.InstrumentSampleGenerator;
import dev.refdata.ingest.core.sample.SampleOptions;
import dev.refdata.ingest.statemachine.ExecutionResult;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The nightly full load, written once: a feed file lands under a prefix, one execution of the real definition
 * plans, loads and verifies it, and the dataset's alias then points at one new index holding every record.
 *
 * @param objects  where the feed is uploaded (the same S3 the backend's functions read)
 * @param runs     the run table the backend's functions write
 * @param index    the OpenSearch the backend's loader writes into
 * @param feeds    the feeds bucket
 * @param dataset  the dataset the run loads (its name is also its alias)
 */
public record NightlyRunScenario(ObjectStore objects, RunStore runs, IndexAdmin index, String feeds, String dataset) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public NightlyRunScenario {
        Objects.requireNonNull(objects, "objects");
        Objects.requireNonNull(runs, "runs");
        Objects.requireNonNull(index, "index");
        Objects.requireNonNull(feeds, "feeds");
        Objects.requireNonNull(dataset, "dataset");
    }

    /** Uploads {@code records} generated records under {@code prefix}, runs them for {@code date}, checks the result. */
    public void aFullLoadRunsThroughTheDefinitionAndGoesLive(PipelineBackend backend, String prefix, LocalDate date,
                                                             int records) {
        upload(prefix + "instruments.csv", SampleOptions.builder().records(records).seed(21).build());

        ExecutionResult result = backend.execute(input(prefix, date, 3));

        assertThat(result.status()).as("%s: %s", result.error(), result.cause()).isEqualTo(ExecutionResult.SUCCEEDED);
        index.refresh(dataset);
        assertThat(index.count(dataset)).isEqualTo(records);
        assertThat(index.aliasTargets(dataset)).hasSize(1);
        RunRecord run = runOf(date);
        assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(runs.chunkDefinitions(run.id())).hasSizeGreaterThan(1);
    }

    /** The execution input the nightly schedule would send, for a full load of {@code prefix}. */
    public ObjectNode input(String prefix, LocalDate date, int maxConcurrency) {
        ObjectNode input = JSON.createObjectNode();
        input.put("bucket", feeds);
        input.put("prefix", prefix);
        input.put("dataset", dataset);
        input.put("mode", "full");
        input.put("businessDate", date.toString());
        input.put("maxConcurrency", maxConcurrency);
        return input;
    }

    /** The run of this scenario's dataset for {@code date}, as the run table has it. */
    public RunRecord runOf(LocalDate date) {
        return runs.recent(20).stream()
                .filter(r -> r.dataset().equals(dataset) && r.businessDate().equals(date))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no run of " + dataset + " for " + date + " in the run table"));
    }

    public void upload(String key, SampleOptions options) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            new InstrumentSampleGenerator(options).writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        objects.put(new ObjectRef(feeds, key), out.toByteArray(), "text/csv");
    }
}
