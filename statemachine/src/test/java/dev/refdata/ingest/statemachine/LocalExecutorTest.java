package dev.refdata.ingest.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LocalExecutorTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Records the delays instead of waiting them. */
    private final List<Duration> sleeps = Collections.synchronizedList(new ArrayList<>());
    private final Sleeper recordingSleeper = sleeps::add;

    /** An in-memory object store. */
    private static final class MemoryItems implements ItemSource {
        final Map<String, byte[]> objects = new ConcurrentHashMap<>();

        @Override
        public JsonNode read(String bucket, String key) {
            byte[] content = objects.get(bucket + "/" + key);
            if (content == null) {
                throw new IllegalArgumentException("no object s3://" + bucket + "/" + key);
            }
            try {
                return JSON.readTree(content);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void write(String bucket, String key, byte[] content) {
            objects.put(bucket + "/" + key, content);
        }

        void put(String bucket, String key, String json) {
            objects.put(bucket + "/" + key, json.replace('\'', '"').getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    private final MemoryItems items = new MemoryItems();

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text.replace('\'', '"'));
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private ExecutionResult run(String definition, Map<String, TaskHandler> tasks, String input) {
        LocalExecutor executor = new LocalExecutor(StateMachineDefinition.parse(definition.replace('\'', '"').replace('`', '\''), Map.of()),
                tasks, items, recordingSleeper, new Random(42));
        return executor.run(json(input), "exec-1");
    }

    @Test
    void inputPathParametersResultSelectorResultPathAndOutputPathApplyInOrder() {
        String definition = """
                {'StartAt':'T','States':{'T':{'Type':'Task','Resource':'echo',
                  'InputPath':'$.in',
                  'Parameters':{'value.$':'$.v','name.$':'$$.Execution.Name','fixed':1,
                                'text.$':'States.Format(`{}-{}`, $.v, $$.Execution.Input.in.v)'},
                  'ResultSelector':{'got.$':'$.value','who.$':'$.name','text.$':'$.text'},
                  'ResultPath':'$.out.result',
                  'OutputPath':'$.out',
                  'End':true}}}""";
        ExecutionResult result = run(definition, Map.of("echo", input -> input), "{'in':{'v':7},'keep':true}");

        assertThat(result.status()).isEqualTo("SUCCEEDED");
        assertThat(result.output()).isEqualTo(json("{'result':{'got':7,'who':'exec-1','text':'7-7'}}"));
    }

    @Test
    void aNullResultPathKeepsTheInputAndJsonMergeOverridesDefaults() {
        String definition = """
                {'StartAt':'D','States':{
                  'D':{'Type':'Pass','Parameters':{'defaults':{'a':1,'b':2},'given.$':'$'},'Next':'M'},
                  'M':{'Type':'Pass','Parameters':{'merged.$':'States.JsonMerge($.defaults, $.given, false)'},'Next':'T'},
                  'T':{'Type':'Task','Resource':'r','ResultPath':null,'End':true}}}""";
        ExecutionResult result = run(definition, Map.of("r", input -> json("{'ignored':true}")), "{'b':3}");

        assertThat(result.output()).isEqualTo(json("{'merged':{'a':1,'b':3}}"));
    }

    @Test
    void aMissingPathFailsTheExecutionWithStatesRuntimeEvenUnderACatchAll() {
        String definition = """
                {'StartAt':'T','States':{'T':{'Type':'Task','Resource':'r','Parameters':{'x.$':'$.missing'},
                  'Catch':[{'ErrorEquals':['States.ALL'],'Next':'S'}],'End':true},'S':{'Type':'Succeed'}}}""";
        ExecutionResult result = run(definition, Map.of("r", input -> input), "{}");

        assertThat(result.status()).isEqualTo("FAILED");
        assertThat(result.error()).isEqualTo("States.Runtime");
    }

    @Test
    void choiceRulesPickTheFirstMatchAndFailWithoutDefault() {
        String definition = """
                {'StartAt':'C','States':{'C':{'Type':'Choice','Choices':[
                  {'And':[{'Variable':'$.flag','BooleanEquals':false},{'Variable':'$.s','StringEquals':'x'}],'Next':'One'},
                  {'Or':[{'Variable':'$.n','NumericGreaterThan':10},{'Variable':'$.absent','IsPresent':true}],'Next':'Two'},
                  {'Not':{'Variable':'$.s','IsNull':true},'Next':'Three'}]},
                  'One':{'Type':'Pass','Result':1,'End':true},
                  'Two':{'Type':'Pass','Result':2,'End':true},
                  'Three':{'Type':'Pass','Result':3,'End':true}}}""";

        assertThat(run(definition, Map.of(), "{'flag':false,'s':'x','n':0}").output()).isEqualTo(json("1"));
        assertThat(run(definition, Map.of(), "{'flag':true,'s':'x','n':11}").output()).isEqualTo(json("2"));
        assertThat(run(definition, Map.of(), "{'flag':true,'s':'y','n':1}").output()).isEqualTo(json("3"));
        ExecutionResult unmatched = run(definition, Map.of(), "{'flag':true,'s':null,'n':1}");
        assertThat(unmatched.status()).isEqualTo("FAILED");
        assertThat(unmatched.error()).isEqualTo("States.NoChoiceMatched");
    }

    private static TaskHandler failingTimes(int failures, String error, AtomicInteger calls) {
        return input -> {
            if (calls.incrementAndGet() <= failures) {
                throw new TaskFailedException(error, "attempt " + calls.get());
            }
            return json("{'ok':true}");
        };
    }

    @Test
    void retriesBackOffExponentiallyUpToTheMaximumDelay() {
        String definition = """
                {'StartAt':'T','States':{'T':{'Type':'Task','Resource':'r','Retry':[{'ErrorEquals':['Busy'],
                  'IntervalSeconds':2,'BackoffRate':3,'MaxAttempts':4,'MaxDelaySeconds':10}],'End':true}}}""";
        AtomicInteger calls = new AtomicInteger();

        ExecutionResult result = run(definition, Map.of("r", failingTimes(4, "Busy", calls)), "{}");

        assertThat(result.status()).isEqualTo("SUCCEEDED");
        assertThat(calls).hasValue(5);
        assertThat(sleeps).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(6), Duration.ofSeconds(10),
                Duration.ofSeconds(10));
    }

    @Test
    void aRetrierGivesUpAfterMaxAttemptsAndZeroMeansNoRetry() {
        String definition = """
                {'StartAt':'T','States':{'T':{'Type':'Task','Resource':'r','Retry':[
                  {'ErrorEquals':['Never'],'MaxAttempts':0},
                  {'ErrorEquals':['States.TaskFailed'],'MaxAttempts':2}],'End':true}}}""";
        AtomicInteger neverCalls = new AtomicInteger();
        AtomicInteger otherCalls = new AtomicInteger();

        ExecutionResult never = run(definition, Map.of("r", failingTimes(10, "Never", neverCalls)), "{}");
        ExecutionResult other = run(definition, Map.of("r", failingTimes(10, "Other", otherCalls)), "{}");

        assertThat(never.error()).isEqualTo("Never");
        assertThat(neverCalls).hasValue(1);
        assertThat(other.error()).isEqualTo("Other");
        assertThat(other.cause()).isEqualTo("attempt 3");
        assertThat(otherCalls).hasValue(3);
        assertThat(sleeps).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    @Test
    void fullJitterDrawsEachDelayBetweenZeroAndTheBackedOffInterval() {
        String definition = """
                {'StartAt':'T','States':{'T':{'Type':'Task','Resource':'r','Retry':[{'ErrorEquals':['Busy'],
                  'IntervalSeconds':4,'BackoffRate':2,'MaxAttempts':6,'MaxDelaySeconds':20,'JitterStrategy':'FULL'}],
                  'End':true}}}""";

        run(definition, Map.of("r", failingTimes(6, "Busy", new AtomicInteger())), "{}");

        long[] capsMillis = {4000, 8000, 16000, 20000, 20000, 20000};
        assertThat(sleeps).hasSize(6);
        for (int i = 0; i < 6; i++) {
            assertThat(sleeps.get(i)).isBetween(Duration.ZERO, Duration.ofMillis(capsMillis[i]));
        }
        assertThat(sleeps).as("jittered, not the plain backoff")
                .isNotEqualTo(java.util.Arrays.stream(capsMillis).mapToObj(Duration::ofMillis).toList());
    }

    @Test
    void aCatcherPlacesErrorAndCauseAtItsResultPath() {
        String definition = """
                {'StartAt':'T','States':{'T':{'Type':'Task','Resource':'r',
                  'Catch':[{'ErrorEquals':['Other'],'Next':'X'},{'ErrorEquals':['States.ALL'],'ResultPath':'$.error','Next':'F'}],
                  'End':true},
                  'X':{'Type':'Succeed'},
                  'F':{'Type':'Fail','ErrorPath':'$.error.Error','CausePath':'States.Format(`{} of {}`, $.error.Cause, $.id)'}}}""";

        ExecutionResult result = run(definition,
                Map.of("r", input -> { throw new TaskFailedException("Broken", "bad luck"); }), "{'id':'run-9'}");

        assertThat(result.status()).isEqualTo("FAILED");
        assertThat(result.error()).isEqualTo("Broken");
        assertThat(result.cause()).isEqualTo("bad luck of run-9");
    }

    @Test
    void anInlineMapRunsItemsConcurrentlyAndKeepsTheirOrder() throws InterruptedException {
        CountDownLatch bothRunning = new CountDownLatch(2);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostRunning = new AtomicInteger();
        TaskHandler square = input -> {
            mostRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            bothRunning.countDown();
            try {
                bothRunning.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            running.decrementAndGet();
            int n = input.get("n").intValue();
            return json("{'sq':" + n * n + "}");
        };
        String definition = """
                {'StartAt':'M','States':{'M':{'Type':'Map','ItemsPath':'$.numbers','MaxConcurrency':2,
                  'ItemSelector':{'n.$':'$$.Map.Item.Value','i.$':'$$.Map.Item.Index'},
                  'ItemProcessor':{'StartAt':'S','States':{'S':{'Type':'Task','Resource':'square','OutputPath':'$.sq','End':true}}},
                  'End':true}}}""";

        ExecutionResult result = run(definition, Map.of("square", square), "{'numbers':[1,2,3,4,5]}");

        assertThat(result.output()).isEqualTo(json("[1,4,9,16,25]"));
        assertThat(mostRunning).hasValue(2);
    }

    @Test
    void anInlineMapFailsWithTheFailureOfAnItem() {
        String definition = """
                {'StartAt':'M','States':{'M':{'Type':'Map',
                  'ItemProcessor':{'StartAt':'S','States':{'S':{'Type':'Task','Resource':'r','End':true}}},
                  'End':true}}}""";
        TaskHandler failOnTwo = input -> {
            if (input.intValue() == 2) {
                throw new TaskFailedException("Two", "two is bad");
            }
            return input;
        };

        ExecutionResult result = run(definition, Map.of("r", failOnTwo), "[1,2,3]");

        assertThat(result.error()).isEqualTo("Two");
    }

    private static final String DISTRIBUTED_MAP = """
            {'StartAt':'M','States':{'M':{'Type':'Map',
              'ItemReader':{'Resource':'arn:aws:states:::s3:getObject','ReaderConfig':{'InputType':'JSON'},
                            'Parameters':{'Bucket.$':'$.bucket','Key':'items.json'}},
              'ItemSelector':{'value.$':'$$.Map.Item.Value','tag.$':'$.tag'},
              'MaxConcurrencyPath':'$.concurrency',
              %s
              'ItemProcessor':{'ProcessorConfig':{'Mode':'DISTRIBUTED','ExecutionType':'STANDARD'},
                'StartAt':'S','States':{'S':{'Type':'Task','Resource':'r','End':true}}},
              'End':true}}}""";

    private static final TaskHandler FAIL_ODD = input -> {
        if (input.get("value").intValue() % 2 == 1) {
            throw new TaskFailedException("Odd", "odd " + input.get("value"));
        }
        return input;
    };

    @Test
    void aDistributedMapReadsItsItemsThroughTheItemSource() {
        items.put("b", "items.json", "[2,4]");

        ExecutionResult result = run(DISTRIBUTED_MAP.formatted(""), Map.of("r", FAIL_ODD),
                "{'bucket':'b','tag':'t','concurrency':2}");

        assertThat(result.output()).isEqualTo(json("[{'value':2,'tag':'t'},{'value':4,'tag':'t'}]"));
    }

    @Test
    void aDistributedMapToleratesFailuresUpToItsThreshold() {
        items.put("b", "items.json", "[1,2,3,4]");
        String input = "{'bucket':'b','tag':'t','concurrency':0}";

        ExecutionResult withinCount = run(DISTRIBUTED_MAP.formatted("'ToleratedFailureCount':2,"),
                Map.of("r", FAIL_ODD), input);
        ExecutionResult overPercentage = run(DISTRIBUTED_MAP.formatted("'ToleratedFailurePercentage':49,"),
                Map.of("r", FAIL_ODD), input);
        ExecutionResult noTolerance = run(DISTRIBUTED_MAP.formatted(""), Map.of("r", FAIL_ODD), input);

        assertThat(withinCount.status()).isEqualTo("SUCCEEDED");
        assertThat(withinCount.output().get(1)).isEqualTo(json("{'value':2,'tag':'t'}"));
        assertThat(withinCount.output().get(0).get("Error").textValue()).isEqualTo("Odd");
        assertThat(overPercentage.error()).isEqualTo("States.ExceedToleratedFailureThreshold");
        assertThat(noTolerance.error()).isEqualTo("States.ExceedToleratedFailureThreshold");
    }

    @Test
    void anUnreadableManifestIsAnItemReaderFailure() {
        ExecutionResult result = run(DISTRIBUTED_MAP.formatted(""), Map.of("r", FAIL_ODD),
                "{'bucket':'nowhere','tag':'t','concurrency':1}");

        assertThat(result.error()).isEqualTo("States.ItemReaderFailed");
    }

    // --- the real definition, end to end ---

    private final List<JsonNode> loaderCalls = Collections.synchronizedList(new ArrayList<>());
    private final List<JsonNode> verifierCalls = Collections.synchronizedList(new ArrayList<>());

    private ExecutionResult runIngest(String verifierStatus, String verifierReason) throws IOException {
        items.put("data", "runs/run-1/manifest.json",
                "[{'chunk':0,'key':'c0'},{'chunk':1,'key':'c1'},{'chunk':2,'key':'c2'}]");
        AtomicInteger chunkZeroCalls = new AtomicInteger();
        TaskHandler chunker = input -> json("{'created':true,'runId':'run-1','status':'RUNNING','chunkCount':3,"
                + "'manifest':{'bucket':'data','key':'runs/run-1/manifest.json'}}");
        TaskHandler loader = input -> {
            loaderCalls.add(input);
            boolean done = input.get("chunk").intValue() != 0 || chunkZeroCalls.incrementAndGet() > 1;
            return json("{'done':" + done + ",'outcome':'LOADED','counters':{'rows':10}}");
        };
        TaskHandler verifier = input -> {
            verifierCalls.add(input);
            return json("{'runId':'run-1','status':'" + verifierStatus + "','reason':'" + verifierReason + "',"
                    + "'reportBucket':'data','reportKey':'report.json'}");
        };
        StateMachineDefinition definition = StateMachineDefinition.parse(
                StateMachineDefinitionTest.ingestDefinition(), StateMachineDefinitionTest.SUBSTITUTIONS);
        LocalExecutor executor = new LocalExecutor(definition,
                Map.of("chunker", chunker, "loader", loader, "verifier", verifier), items, recordingSleeper);
        return executor.run(json("{'bucket':'in','key':'file.csv','dataset':'prices','maxRejects':5}"), "nightly");
    }

    @Test
    void theIngestDefinitionLoadsEveryChunkAndSucceedsWhenVerified() throws IOException {
        ExecutionResult result = runIngest("SUCCEEDED", "all rows loaded");

        assertThat(result.status()).isEqualTo("SUCCEEDED");
        assertThat(loaderCalls).hasSize(4);
        assertThat(loaderCalls.stream().filter(call -> call.get("chunk").intValue() == 0)).hasSize(2);
        assertThat(verifierCalls).singleElement().isEqualTo(json("{'runId':'run-1','maxRejects':5,"
                + "'maxRejectFraction':null,'sampleSize':null,'retention':null}"));
        assertThat(result.output().at("/verified/status").textValue()).isEqualTo("SUCCEEDED");
        String manifestKey = result.output().at("/loaded/ResultWriterDetails/Key").textValue();
        assertThat(manifestKey).startsWith("map-results/").endsWith("/manifest.json");
        assertThat(items.objects).containsKey("artifacts/" + manifestKey);
        JsonNode succeeded = items.read("artifacts", manifestKey.replace("manifest.json", "SUCCEEDED_0.json"));
        assertThat(succeeded).hasSize(3);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void theIngestDefinitionFailsWithTheVerifiersReason() throws IOException {
        ExecutionResult result = runIngest("FAILED", "12 rows rejected");

        assertThat(result.status()).isEqualTo("FAILED");
        assertThat(result.error()).isEqualTo("RunVerificationFailed");
        assertThat(result.cause()).isEqualTo("run run-1 FAILED: 12 rows rejected");
    }
}
