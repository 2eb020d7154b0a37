package dev.refdata.ingest.it.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refdata.ingest.core.load.LoadChunkService;
import dev.refdata.ingest.core.load.LoadSettings;
import dev.refdata.ingest.core.port.in.PlanRunResult;
import dev.refdata.ingest.core.port.in.VerifyRunResult;
import dev.refdata.ingest.core.sample.SampleOptions;
import dev.refdata.ingest.it.lifecycle.RunDriver;
import dev.refdata.ingest.it.support.PipelineFixture;
import dev.refdata.ingest.it.support.TestServices;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.Iterator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The fault tests' oracle can fail: after a clean run it passes, and it names an extra document, a changed field,
 * a missing document and a document with another version.
 */
class ExactIndexIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static FaultPipeline pipeline;
    private static PipelineFixture fixture;

    @BeforeAll
    static void services() {
        pipeline = FaultPipeline.create("oracle");
        fixture = pipeline.fixture();
    }

    @AfterAll
    static void close() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    private static void send(String method, String path, String json) throws IOException, InterruptedException {
        URI node = TestServices.endpoints().openSearchUrl();
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(node.resolve(path))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("%s %s: %s", method, path, response.body()).isBetween(200, 299);
    }

    @Test
    void theOracleAcceptsAnExactIndexAndNamesAnExtraAChangedAMissingAndAReversionedDocument() throws Exception {
        String key = "oracle/instruments.csv";
        byte[] csv = pipeline.upload(key, SampleOptions.builder().records(500).seed(11).build());
        ExactIndex.Expected expected = ExactIndex.of(csv, fixture.datasets().get(pipeline.dataset()));
        URI node = TestServices.endpoints().openSearchUrl();
        try (RunDriver driver = pipeline.driver(new LoadChunkService(fixture.objects(), fixture.ledger(),
                fixture.search().sink(), fixture.datasets(), LoadSettings.DEFAULTS, Clock.systemUTC()), 1)) {
            PlanRunResult planned = driver.plan(pipeline.fullRun(key, 64L << 20));
            assertThat(driver.load(planned).failed()).isEmpty();
            VerifyRunResult verified = pipeline.verify(driver, planned);
            assertThat(verified.succeeded()).as("%s", verified.reason()).isTrue();
            String index = planned.targetIndex();
            ExactIndex.assertExact(node, index, expected);
            ExactIndex.assertReportAccounts(fixture.objects(), verified.report(), expected);

            send("PUT", "/" + index + "/_doc/EXTRA0000001?refresh=true", "{\"isin\":\"EXTRA0000001\"}");
            assertThatThrownBy(() -> ExactIndex.assertExact(node, index, expected))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("nothing more");
            send("DELETE", "/" + index + "/_doc/EXTRA0000001?refresh=true", null);

            Iterator<ExactIndex.ExpectedDocument> docs = expected.documents().values().iterator();
            ExactIndex.ExpectedDocument changed = docs.next();
            ObjectNode source = JSON.createObjectNode();
            changed.cells().forEach((column, value) -> {
                if (!value.isEmpty() && !column.equals("coupon")) {
                    source.put(column, value);
                }
            });
            source.put("name", "Not The Name In The File");
            source.putObject("ingest").put("line", changed.line());
            send("PUT", "/" + index + "/_doc/" + changed.id() + "?version=" + changed.version()
                    + "&version_type=external_gte&refresh=true", source.toString());
            assertThatThrownBy(() -> ExactIndex.assertExact(node, index, expected))
                    .isInstanceOf(AssertionError.class).hasMessageContaining(changed.id() + ".");

            ExactIndex.ExpectedDocument missing = docs.next();
            send("DELETE", "/" + index + "/_doc/" + missing.id() + "?refresh=true", null);
            assertThatThrownBy(() -> ExactIndex.assertExact(node, index, expected))
                    .isInstanceOf(AssertionError.class).hasMessageContaining(missing.id() + ": missing");

            ExactIndex.ExpectedDocument reversioned = docs.next();
            send("POST", "/" + index + "/_update/" + reversioned.id() + "?refresh=true",
                    "{\"doc\":{},\"detect_noop\":false}");
            assertThatThrownBy(() -> ExactIndex.assertExact(node, index, expected))
                    .isInstanceOf(AssertionError.class).hasMessageContaining(reversioned.id() + ": _version");
        }
    }
}
