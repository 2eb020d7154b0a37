package dev.refdata.ingest.it.security;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.read.ListAppender;
import com.sun.net.httpserver.HttpServer;
import dev.refdata.ingest.adapter.config.RuntimeSettings;
import dev.refdata.ingest.adapter.opensearch.OpenSearchClientSettings;
import dev.refdata.ingest.adapter.opensearch.OpenSearchHttpClient;
import dev.refdata.ingest.adapter.opensearch.OpenSearchSinks;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.domain.RunMode;
import dev.refdata.ingest.core.domain.RunSource;
import dev.refdata.ingest.core.domain.RunStatus;
import dev.refdata.ingest.core.load.LoadChunkService;
import dev.refdata.ingest.core.load.LoadSettings;
import dev.refdata.ingest.core.port.in.PlanRunCommand;
import dev.refdata.ingest.core.port.in.VerifyRunCommand;
import dev.refdata.ingest.core.port.out.SearchSink;
import dev.refdata.ingest.core.port.out.SearchSink.SearchSinkException;
import dev.refdata.ingest.core.sample.InstrumentSampleGenerator;
import dev.refdata.ingest.core.sample.SampleOptions;
import dev.refdata.ingest.core.service.PlanRunService;
import dev.refdata.ingest.core.service.PlanRunSettings;
import dev.refdata.ingest.core.service.VerifyRunService;
import dev.refdata.ingest.it.lifecycle.RunDriver;
import dev.refdata.ingest.it.support.PipelineFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * No credential reaches a log line, an exception message or a run report: not an AWS key, secret or session token,
 * not a signed header (Authorization, X-Amz-Security-Token, X-Amz-Signature), not the user info of a URL. The
 * failures are provoked for real: a URL with user info in the configuration, and an OpenSearch endpoint that
 * refuses every request the way AWS does when a signature does not match, echoing the request's credentials in
 * its error body. Everything the pipeline says about those failures (exception messages and stack traces, every
 * log event at the configured levels, the run's reason, the report) is searched for the secrets.
 */
class SecretsStayOutOfLogsIT {

    private static final String TAG = "sec" + UUID.randomUUID().toString().substring(0, 6);
    private static final String ACCESS_KEY = "AKIASECRETACCESSKEY01";
    private static final String SECRET_KEY = "secretKey/SECRET+SECRET+SECRET0123456789";
    private static final String SESSION_TOKEN = "SessionTokenSECRET0123456789abcdefSECRET";
    private static final String PASSWORD = "hunter2-SECRET-password";
    private static final String USER = "opensearch-admin";

    private static PipelineFixture pipeline;
    private static HttpServer refusing;
    private static final List<String> authorizationsReceived = new CopyOnWriteArrayList<>();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final List<Logger> observed = new ArrayList<>();

    @BeforeAll
    static void services() throws IOException {
        pipeline = PipelineFixture.create(TAG, "sec-feeds-" + TAG, "sec-artifacts-" + TAG, "sec-runs-" + TAG,
                List.of(TAG + "-instruments"));
        refusing = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        refusing.createContext("/", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                body.transferTo(OutputStream.nullOutputStream());
            }
            String authorization = String.valueOf(exchange.getRequestHeaders().getFirst("Authorization"));
            String token = String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Security-Token"));
            authorizationsReceived.add(authorization + " " + token);
            // what AWS answers to a signature that does not match: the canonical request, signed headers and all
            String message = "The request signature we calculated does not match the signature you provided. "
                    + "The Canonical String for this request should have been 'POST\\n/_bulk\\n\\nhost:search\\n"
                    + "x-amz-security-token:" + token + "\\n' Authorization: " + authorization
                    + " X-Amz-Security-Token: " + token + " X-Amz-Signature=" + signatureOf(authorization);
            byte[] response = ("{\"message\":\"" + message.replace("\"", "\\\"") + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(403, response.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(response);
            }
        });
        refusing.start();
    }

    @AfterAll
    static void close() {
        if (refusing != null) {
            refusing.stop(0);
        }
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @BeforeEach
    void captureLogs() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        logs.setContext(context);
        logs.start();
        for (String name : List.of(org.slf4j.Logger.ROOT_LOGGER_NAME, "dev.refdata.ingest")) {
            Logger logger = context.getLogger(name);
            logger.addAppender(logs);
            observed.add(logger);
        }
        authorizationsReceived.clear();
    }

    @AfterEach
    void stopCapturing() {
        observed.forEach(l -> l.detachAppender(logs));
        logs.stop();
    }

    @Test
    void aUrlWithUserInfoIsRefusedWithoutRepeatingTheCredentials() {
        List<String> said = new ArrayList<>();
        for (String variable : List.of("INGEST_OPENSEARCH_URL", "INGEST_S3_ENDPOINT", "INGEST_DYNAMODB_ENDPOINT")) {
            for (String url : List.of("https://" + USER + ":" + PASSWORD + "@search.example.com:9200",
                    "https://" + USER + ":" + PASSWORD + "@not a host/")) {
                Throwable refused = catchThrowable(() -> RuntimeSettings.from(Map.of(variable, url)));
                assertThat(refused).as("%s=%s", variable, url).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining(variable);
                said.add(everything(refused));
            }
        }
        Throwable refused = catchThrowable(() -> OpenSearchClientSettings.builder(
                URI.create("https://" + USER + ":" + PASSWORD + "@search.example.com")).build());
        assertThat(refused).isInstanceOf(IllegalArgumentException.class);
        said.add(everything(refused));

        assertThat(said).allSatisfy(SecretsStayOutOfLogsIT::assertNoSecret);
        assertThat(said.get(0)).as("the message still says which host").contains("search.example.com");
        assertNoSecretInLogs();
    }

    @Test
    void aSignedRequestRefusedByTheServerIsReportedWithoutItsSignatureTokenOrKeys() {
        withAwsCredentials(() -> {
            try (OpenSearchHttpClient client = OpenSearchSinks.create(OpenSearchClientSettings
                    .builder(URI.create("http://127.0.0.1:" + refusing.getAddress().getPort()))
                    .sigV4("us-east-1", OpenSearchClientSettings.AwsService.ES).build())) {
                byte[] bulk = "{\"index\":{\"_id\":\"1\"}}\n{\"a\":1}\n".getBytes(StandardCharsets.UTF_8);
                Throwable bulkFailure = catchThrowable(() -> client.sink().bulk("instruments",
                        new SearchSink.BulkBody(bulk, bulk.length, 1)));
                Throwable countFailure = catchThrowable(() -> client.admin().count("instruments"));

                assertThat(authorizationsReceived).as("the requests were signed with the session token")
                        .allMatch(a -> a.contains("Signature=") && a.contains(SESSION_TOKEN)).isNotEmpty();
                assertThat(bulkFailure).isInstanceOf(SearchSinkException.class).hasMessageContaining("HTTP 403")
                        .hasMessageContaining("signature we calculated does not match");
                assertThat(countFailure).isInstanceOf(SearchSinkException.class).hasMessageContaining("HTTP 403");
                assertNoSecret(everything(bulkFailure));
                assertNoSecret(everything(countFailure));
            }
        });
        try (OpenSearchHttpClient client = OpenSearchSinks.create(OpenSearchClientSettings
                .builder(URI.create("http://127.0.0.1:" + refusing.getAddress().getPort()))
                .basicAuth(USER, PASSWORD).build())) {
            Throwable countFailure = catchThrowable(() -> client.admin().count("instruments"));

            assertThat(authorizationsReceived).as("basic credentials were sent").anyMatch(a -> a.startsWith("Basic "));
            assertThat(countFailure).isInstanceOf(SearchSinkException.class).hasMessageContaining("HTTP 403");
            assertNoSecret(everything(countFailure));
        }
        assertNoSecretInLogs();
    }

    @Test
    void aRunWhoseLoaderIsRefusedFailsWithAReasonAndAReportFreeOfCredentials() throws IOException {
        String dataset = TAG + "-instruments";
        ObjectRef source = new ObjectRef(pipeline.feeds(), "secrets/instruments.csv");
        ByteArrayOutputStream csv = new ByteArrayOutputStream();
        new InstrumentSampleGenerator(SampleOptions.builder().records(200).seed(77).build()).writeTo(csv);
        pipeline.objects().put(source, csv.toByteArray(), "text/csv");

        withAwsCredentials(() -> {
            try (OpenSearchHttpClient refused = OpenSearchSinks.create(OpenSearchClientSettings
                    .builder(URI.create("http://127.0.0.1:" + refusing.getAddress().getPort()))
                    .sigV4("us-east-1", OpenSearchClientSettings.AwsService.ES).build());
                 RunDriver driver = new RunDriver(
                         new PlanRunService(pipeline.objects(), pipeline.runs(), pipeline.indices(),
                                 pipeline.datasets(), new PlanRunSettings(pipeline.artifacts(), ZoneOffset.UTC, 1 << 20),
                                 Clock.systemUTC()),
                         new LoadChunkService(pipeline.objects(), pipeline.ledger(), refused.sink(),
                                 pipeline.datasets(), LoadSettings.DEFAULTS, Clock.systemUTC()),
                         new VerifyRunService(pipeline.objects(), pipeline.runs(), pipeline.indices(),
                                 pipeline.datasets(), pipeline.artifacts(), Clock.systemUTC()),
                         pipeline.objects(), pipeline.artifacts(), 1, RunDriver.unlimited())) {
                RunDriver.Completed run = driver.run(new PlanRunCommand(RunSource.object(source.bucket(),
                        source.key()), dataset, LocalDate.of(2026, 11, 27), null, RunMode.FULL, null, null),
                        VerifyRunCommand::strict);

                assertThat(run.loading().failed()).as("the refused chunk fails").isNotEmpty();
                String failures = run.loading().chunks().values().stream()
                        .filter(c -> c.failure() != null).map(c -> everything(c.failure()))
                        .reduce("", String::concat);
                assertThat(failures).contains("HTTP 403");
                assertNoSecret(failures);
                assertThat(run.verified().status()).isEqualTo(RunStatus.FAILED);
                String report;
                try (InputStream in = pipeline.objects().open(run.verified().report())) {
                    report = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                assertThat(report).as("the report says why").contains("HTTP 403");
                assertNoSecret(report);
                assertNoSecret(run.verified().reason());
                assertNoSecret(pipeline.runs().find(run.planned().runId()).orElseThrow().reason());
            }
        });
        assertThat(logs.list).as("the run's log events were captured").isNotEmpty();
        assertNoSecretInLogs();
    }

    // ---------------------------------------------------------------------------------------------------------

    private interface Action {
        void run() throws IOException;
    }

    /** Runs with the AWS credentials (and session token) the default provider chain finds in system properties. */
    private static void withAwsCredentials(Action action) {
        Map<String, String> values = Map.of("aws.accessKeyId", ACCESS_KEY, "aws.secretAccessKey", SECRET_KEY,
                "aws.sessionToken", SESSION_TOKEN);
        Map<String, String> before = new java.util.HashMap<>();
        values.keySet().forEach(k -> before.put(k, System.getProperty(k)));
        values.forEach(System::setProperty);
        try {
            action.run();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            before.forEach((k, v) -> {
                if (v == null) {
                    System.clearProperty(k);
                } else {
                    System.setProperty(k, v);
                }
            });
        }
    }

    private static String signatureOf(String authorization) {
        int at = authorization.indexOf("Signature=");
        return at < 0 ? "" : authorization.substring(at + "Signature=".length());
    }

    /** A throwable's messages and stack trace, causes and suppressed ones included. */
    private static String everything(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out + " " + t;
    }

    private static void assertNoSecret(String text) {
        assertThat(text).doesNotContain(ACCESS_KEY).doesNotContain(SECRET_KEY).doesNotContain(SESSION_TOKEN)
                .doesNotContain(PASSWORD).doesNotContain(USER + ":")
                .doesNotContain(Base64.getEncoder().encodeToString(
                        (USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)))
                .doesNotContainPattern("Signature=[0-9a-f]{16,}")
                .doesNotContainPattern("X-Amz-Signature=[0-9a-f]{16,}");
    }

    private void assertNoSecretInLogs() {
        for (ILoggingEvent event : logs.list) {
            StringBuilder text = new StringBuilder(event.getFormattedMessage());
            for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
                text.append(' ').append(t.getClassName()).append(": ").append(t.getMessage());
                for (StackTraceElementProxy frame : t.getStackTraceElementProxyArray()) {
                    text.append(' ').append(frame.getSTEAsString());
                }
            }
            assertNoSecret(text.toString());
        }
    }
}
