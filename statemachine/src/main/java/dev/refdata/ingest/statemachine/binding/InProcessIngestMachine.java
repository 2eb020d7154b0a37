package dev.refdata.ingest.statemachine.binding;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.refdata.ingest.core.port.out.ObjectStore;
import dev.refdata.ingest.statemachine.IngestDefinition;
import dev.refdata.ingest.statemachine.LocalExecutor;
import dev.refdata.ingest.statemachine.Sleeper;
import dev.refdata.ingest.statemachine.StateMachineDefinition;
import dev.refdata.ingest.statemachine.TaskHandler;

import java.util.Map;
import java.util.Objects;

/**
 * The pipeline's definition ({@link IngestDefinition}) ready to run in this process: its function ARNs substituted
 * with local names bound to the three handlers given, its Distributed Map reading the chunker's manifest through
 * {@code objects}. What the CLI runs and what the integration tests run, so the wiring is written once.
 */
public final class InProcessIngestMachine {

    private static final String ARN = "arn:aws:lambda:local:000000000000:function:";

    private InProcessIngestMachine() {
    }

    /**
     * @param artifactsBucket where the chunker writes manifests (the definition's {@code ArtifactsBucketName})
     * @param sleeper         how Retry intervals are waited ({@link Sleeper#REAL}, or no wait in tests)
     */
    public static LocalExecutor executor(RequestStreamHandler chunker, RequestStreamHandler loader,
                                         RequestStreamHandler verifier, String artifactsBucket, ObjectStore objects,
                                         Sleeper sleeper) {
        Objects.requireNonNull(artifactsBucket, "artifactsBucket");
        StateMachineDefinition machine = StateMachineDefinition.parse(IngestDefinition.text(), Map.of(
                "ChunkerFunctionArn", ARN + "chunker",
                "LoaderFunctionArn", ARN + "loader",
                "VerifierFunctionArn", ARN + "verifier",
                "ArtifactsBucketName", artifactsBucket));
        Map<String, TaskHandler> tasks = Map.of(
                ARN + "chunker", new LambdaHandlerTask(chunker),
                ARN + "loader", new LambdaHandlerTask(loader),
                ARN + "verifier", new LambdaHandlerTask(verifier));
        return new LocalExecutor(machine, tasks, new ObjectStoreItemSource(objects), sleeper);
    }
}
