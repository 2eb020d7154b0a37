package dev.refdata.ingest.statemachine.differential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NumericNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refdata.ingest.statemachine.ExecutionResult;
import dev.refdata.ingest.statemachine.ItemSource;
import dev.refdata.ingest.statemachine.LocalExecutor;
import dev.refdata.ingest.statemachine.StateMachineDefinition;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Differential test of the Java {@link LocalExecutor} against aws-local-stepfunctions 3.0.0 (npm, pinned in
 * {@code statemachine/differential/package-lock.json}), run by {@code statemachine/differential/run-asl.mjs}.
 *
 * <p>Each {@code src/test/resources/differential/*.json} fixture ({@code name, definition, input, tasks}) is run by
 * both; status, output (JSON equality, numbers by value) and error/cause must be identical. Task resources are bound
 * to the same deterministic fakes on both sides ({@link FakeTasks}); Retry pauses are disabled on both sides.
 *
 * <p>Each {@code differential/known-differences/*.json} fixture records a case where aws-local-stepfunctions 3.0.0
 * departs from Step Functions: {@code awsLocalStepFunctions} is what it does (checked, so the record stays true) and
 * {@code awsSpec} what Step Functions does, which the Java executor must do (not checked when null).
 *
 * <p>Needs Node (20.11+) and {@code npm ci} in {@code statemachine/differential}; without them the test fails, it
 * never skips.
 */
class DifferentialTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final long NODE_TIMEOUT_SECONDS = 60;

    /** JSON equality with numbers compared by value (Node prints 3.0 as 3). */
    private static final Comparator<JsonNode> NUMBERS_BY_VALUE = (a, b) -> {
        if (a.equals(b)) {
            return 0;
        }
        if (a instanceof NumericNode && b instanceof NumericNode) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0 ? 0 : 1;
        }
        return 1;
    };

    private static final ItemSource NO_ITEM_SOURCE = new ItemSource() {
        @Override
        public JsonNode read(String bucket, String key) {
            throw new UnsupportedOperationException("differential fixtures use inline Map states only");
        }

        @Override
        public void write(String bucket, String key, byte[] content) {
            throw new UnsupportedOperationException("differential fixtures use inline Map states only");
        }
    };

    private static Path moduleDir() {
        return Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
    }

    private static Path runnerDir() {
        return moduleDir().resolve("differential");
    }

    private static Path fixturesDir() {
        return moduleDir().resolve("src/test/resources/differential");
    }

    @BeforeAll
    static void nodeRunnerIsInstalled() throws Exception {
        Process node;
        try {
            node = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
        } catch (IOException e) {
            fail("DifferentialTest needs Node.js (20.11 or later) on the PATH to run aws-local-stepfunctions: "
                    + e.getMessage());
            return;
        }
        String version = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(node.waitFor(30, TimeUnit.SECONDS) && node.exitValue() == 0,
                "'node --version' failed: " + version);
        Path installed = runnerDir().resolve("node_modules/aws-local-stepfunctions/package.json");
        assertTrue(Files.isRegularFile(installed), "aws-local-stepfunctions is not installed: run 'npm ci' in "
                + runnerDir() + " (missing " + installed + ")");
    }

    @TestFactory
    Stream<DynamicTest> javaExecutorMatchesAwsLocalStepFunctions() throws IOException {
        List<Path> fixtures = jsonFiles(fixturesDir());
        assertTrue(fixtures.size() >= 12, "expected at least 12 fixtures in " + fixturesDir() + ", found " + fixtures);
        return fixtures.stream().map(file -> DynamicTest.dynamicTest(baseName(file), file.toUri(), () -> {
            JsonNode fixture = MAPPER.readTree(file.toFile());
            JsonNode node = runNode(fixture);
            JsonNode java = runJava(fixture);
            assertSameResult(node, java, "aws-local-stepfunctions", "Java LocalExecutor", fixture);
        }));
    }

    @TestFactory
    Stream<DynamicTest> knownDifferencesOfAwsLocalStepFunctions() throws IOException {
        List<Path> fixtures = jsonFiles(fixturesDir().resolve("known-differences"));
        return fixtures.stream().map(file -> DynamicTest.dynamicTest(baseName(file), file.toUri(), () -> {
            JsonNode fixture = MAPPER.readTree(file.toFile());
            String note = fixture.path("note").asText();
            assertSameResult(fixture.get("awsLocalStepFunctions"), runNode(fixture), "recorded aws-local-stepfunctions",
                    "aws-local-stepfunctions now (the recorded difference no longer holds: " + note + ")", fixture);
            JsonNode awsSpec = fixture.get("awsSpec");
            if (awsSpec != null && !awsSpec.isNull()) {
                assertSameResult(awsSpec, runJava(fixture), "Step Functions", "Java LocalExecutor (" + note + ")",
                        fixture);
            }
        }));
    }

    private static List<Path> jsonFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        }
    }

    private static String baseName(Path file) {
        String name = file.getFileName().toString();
        return name.substring(0, name.length() - ".json".length());
    }

    /** Runs the fixture with aws-local-stepfunctions; returns its JSON line ({@code status, output | error, cause}). */
    static JsonNode runNode(JsonNode fixture) throws Exception {
        ObjectNode request = JsonNodeFactory.instance.objectNode();
        request.set("definition", fixture.get("definition"));
        request.set("input", fixture.get("input"));
        request.set("tasks", fixture.has("tasks") ? fixture.get("tasks") : JsonNodeFactory.instance.objectNode());

        ProcessBuilder builder = new ProcessBuilder("node", "run-asl.mjs").directory(runnerDir().toFile());
        builder.environment().put("NODE_OPTIONS", "--require=./polyfill.cjs");
        Process process = builder.start();
        CompletableFuture<String> stdout = readAsync(process.getInputStream());
        CompletableFuture<String> stderr = readAsync(process.getErrorStream());
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write(MAPPER.writeValueAsBytes(request));
        }
        if (!process.waitFor(NODE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("run-asl.mjs did not finish within " + NODE_TIMEOUT_SECONDS + " s; stderr: " + stderr.getNow(""));
        }
        String out = stdout.get().strip();
        String err = stderr.get();
        if (process.exitValue() != 0 || out.isEmpty() || out.contains("\n")) {
            fail("run-asl.mjs exited with " + process.exitValue() + "; stdout: " + out + "; stderr: " + err);
        }
        return MAPPER.readTree(out);
    }

    private static CompletableFuture<String> readAsync(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Runs the fixture with the Java executor, as the same JSON shape as run-asl.mjs prints. */
    static JsonNode runJava(JsonNode fixture) throws Exception {
        StateMachineDefinition definition =
                StateMachineDefinition.parse(MAPPER.writeValueAsString(fixture.get("definition")), Map.of());
        LocalExecutor executor = new LocalExecutor(definition, FakeTasks.handlers(fixture.get("tasks")),
                NO_ITEM_SOURCE, duration -> { });
        ExecutionResult result = executor.run(fixture.get("input").deepCopy(), fixture.path("name").asText("test"));
        ObjectNode line = JsonNodeFactory.instance.objectNode();
        line.put("status", result.status());
        if (ExecutionResult.SUCCEEDED.equals(result.status())) {
            line.set("output", result.output());
        } else {
            line.put("error", result.error());
            line.put("cause", result.cause());
        }
        return line;
    }

    private static void assertSameResult(JsonNode expected, JsonNode actual, String expectedName, String actualName,
            JsonNode fixture) {
        String context = fixture.path("name").asText() + ": " + expectedName + " gave " + expected + ", "
                + actualName + " gave " + actual;
        assertEquals(expected.path("status").asText(), actual.path("status").asText(), "status differs; " + context);
        if (ExecutionResult.SUCCEEDED.equals(expected.path("status").asText())) {
            JsonNode actualOutput = actual.get("output");
            assertTrue(actualOutput != null && expected.get("output").equals(NUMBERS_BY_VALUE, actualOutput),
                    "output differs; " + context);
        } else {
            assertEquals(textOrNull(expected.get("error")), textOrNull(actual.get("error")),
                    "error differs; " + context);
            assertEquals(textOrNull(expected.get("cause")), textOrNull(actual.get("cause")),
                    "cause differs; " + context);
        }
    }

    private static String textOrNull(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }
}
