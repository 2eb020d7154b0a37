package dev.refdata.ingest.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refdata.ingest.adapter.config.RuntimeSettings;
import dev.refdata.ingest.adapter.opensearch.OpenSearchHttpClient;
import dev.refdata.ingest.core.domain.RunId;
import dev.refdata.ingest.core.load.LoadChunkService;
import dev.refdata.ingest.core.load.LoadSettings;
import dev.refdata.ingest.core.port.in.PlanRunResult;
import dev.refdata.ingest.core.port.in.PlanRunUseCase;
import dev.refdata.ingest.core.port.out.SearchSink;
import dev.refdata.ingest.core.service.PlanRunService;
import dev.refdata.ingest.core.service.PlanRunSettings;
import dev.refdata.ingest.core.service.VerifyRunService;
import dev.refdata.ingest.core.spec.DatasetCatalog;
import dev.refdata.ingest.lambda.chunker.ChunkerHandler;
import dev.refdata.ingest.lambda.loader.LoaderHandler;
import dev.refdata.ingest.lambda.verifier.VerifierHandler;
import dev.refdata.ingest.statemachine.ExecutionResult;
import dev.refdata.ingest.statemachine.Sleeper;
import dev.refdata.ingest.statemachine.binding.InProcessIngestMachine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One execution of the real definition ({@code statemachine/ingest.asl.json}, from the statemachine jar) by the
 * {@link LocalExecutor} in this process, its three Tasks bound to the three real Lambda handlers and its
 * Distributed Map reading the manifest through the object store: what AWS runs, on the given endpoints.
 */
final class LocalRun {

    static final long PROGRESS_CHECKPOINT_RECORDS = 10_000;

    /** Hears what the run does while it runs. */
    interface Observer {
        /** The chunker planned (or found) the run. */
        void planned(PlanRunResult plan);

        /** The first bulk request is about to be sent. */
        default void firstBulkRequest() {
        }
    }

    /**
     * @param plan       the chunker's answer, when it got as far as naming the run
     * @param execution  how the execution ended
     * @param wallTime   from start to end
     * @param firstBulk  from start to the first bulk request, when there was one
     * @param firstBulkAt when the first bulk request was sent, when there was one
     */
    record Outcome(Optional<PlanRunResult> plan, ExecutionResult execution, Duration wallTime,
                   Optional<Duration> firstBulk, Optional<Instant> firstBulkAt) {
        Outcome {
            Objects.requireNonNull(plan, "plan");
            Objects.requireNonNull(execution, "execution");
            Objects.requireNonNull(wallTime, "wallTime");
            Objects.requireNonNull(firstBulk, "firstBulk");
        }

        Optional<RunId> run() {
            return plan.map(PlanRunResult::runId);
        }

        /** The run existed and had succeeded already: nothing was loaded. */
        boolean succeededAlready() {
            return plan.filter(p -> !p.created() && p.status() == dev.refdata.ingest.core.domain.RunStatus.SUCCEEDED)
                    .isPresent();
        }
    }

    private final PipelineEndpoints endpoints;
    private final DatasetCatalog datasets;
    private final Clock clock;

    LocalRun(PipelineEndpoints endpoints, DatasetCatalog datasets, Clock clock) {
        this.endpoints = Objects.requireNonNull(endpoints, "endpoints");
        this.datasets = Objects.requireNonNull(datasets, "datasets");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Runs the definition with {@code input} (as Step Functions would get it) to its end. */
    Outcome execute(ObjectNode input, Observer observer) {
        Instant started = clock.instant();
        RuntimeSettings settings = endpoints.settings();
        OpenSearchHttpClient search = endpoints.openSearch();
        AtomicReference<PlanRunResult> planned = new AtomicReference<>();
        AtomicReference<Instant> firstBulk = new AtomicReference<>();

        PlanRunService planService = new PlanRunService(endpoints.objects(), endpoints.runs(), search.admin(), datasets,
                new PlanRunSettings(endpoints.artifactsBucket(), settings.timeZone(), settings.targetChunkBytes()), clock);
        PlanRunUseCase plan = command -> {
            PlanRunResult result = planService.plan(command);
            planned.set(result);
            observer.planned(result);
            return result;
        };
        SearchSink sink = endpoints.sink();
        SearchSink timedSink = (index, body) -> {
            if (firstBulk.get() == null && firstBulk.compareAndSet(null, clock.instant())) {
                observer.firstBulkRequest();
            }
            return sink.bulk(index, body);
        };
        // checkpoints every 10,000 records: a local store takes them cheaply, and the progress bar reads them
        LoadSettings load = LoadSettings.DEFAULTS.withMaxInFlight(settings.bulkInFlight())
                .withMaxBulkBytes(settings.bulkBytes()).withCheckpointRecords(PROGRESS_CHECKPOINT_RECORDS);
        ExecutionResult result;
        try (LoadChunkService loadService = new LoadChunkService(endpoints.objects(), endpoints.ledger(), timedSink,
                datasets, load, clock)) {
            result = InProcessIngestMachine.executor(new ChunkerHandler(plan),
                            new LoaderHandler(loadService, endpoints.artifactsBucket()),
                            new VerifierHandler(new VerifyRunService(endpoints.objects(), endpoints.runs(),
                                    search.admin(), datasets, endpoints.artifactsBucket(), clock)),
                            endpoints.artifactsBucket(), endpoints.objects(), Sleeper.REAL)
                    .run(input, "cli-" + started.toEpochMilli());
        }
        Instant ended = clock.instant();
        return new Outcome(Optional.ofNullable(planned.get()), result, Duration.between(started, ended),
                Optional.ofNullable(firstBulk.get()).map(at -> Duration.between(started, at)),
                Optional.ofNullable(firstBulk.get()));
    }
}
