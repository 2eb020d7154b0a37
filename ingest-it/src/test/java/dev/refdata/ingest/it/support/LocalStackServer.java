package dev.refdata.ingest.it.support;

import dev.refdata.ingest.adapter.s3.S3ClientSettings.StaticCredentials;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * S3 and DynamoDB from LocalStack in Docker, through the Testcontainers LocalStack module. Used when
 * {@code INGEST_IT_TARGET=localstack}. The LocalStack image requires {@value #AUTH_TOKEN_ENV}; without it, or
 * without a Docker engine, the test run fails with a message saying what is missing.
 */
final class LocalStackServer implements AutoCloseable {

    static final String AUTH_TOKEN_ENV = "LOCALSTACK_AUTH_TOKEN";
    /** Override the image, e.g. to pin a version: {@code INGEST_IT_LOCALSTACK_IMAGE=localstack/localstack:<tag>}. */
    static final String IMAGE_ENV = "INGEST_IT_LOCALSTACK_IMAGE";
    private static final String DEFAULT_IMAGE = "localstack/localstack:latest";

    private final LocalStackContainer container;
    private final Path log;

    private LocalStackServer(LocalStackContainer container, Path log) {
        this.container = container;
        this.log = log;
    }

    /**
     * Fails fast, before anything is started, when this mode cannot work here.
     *
     * @throws TestServicesUnavailableException naming what is missing and how to provide it
     */
    static void checkPrerequisites() {
        String token = System.getenv(AUTH_TOKEN_ENV);
        if (token == null || token.isBlank()) {
            throw new TestServicesUnavailableException(ServiceTarget.ENV + "=localstack needs " + AUTH_TOKEN_ENV
                    + ": the LocalStack image refuses to start without it. Export your token"
                    + " (LocalStack web app > Auth Tokens) and rerun, or unset " + ServiceTarget.ENV
                    + " to test against the embedded S3Proxy and dynalite.");
        }
        boolean docker;
        try {
            docker = DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            docker = false;
        }
        if (!docker) {
            throw new TestServicesUnavailableException(ServiceTarget.ENV + "=localstack needs a Docker engine that"
                    + " Testcontainers can reach, and none was found (DOCKER_HOST, /var/run/docker.sock,"
                    + " ~/.testcontainers.properties). Start Docker and rerun, or unset " + ServiceTarget.ENV
                    + " to test against the embedded S3Proxy and dynalite.");
        }
    }

    static LocalStackServer start(Path logDirectory) {
        String image = System.getenv().getOrDefault(IMAGE_ENV, DEFAULT_IMAGE);
        LocalStackContainer container = new LocalStackContainer(DockerImageName.parse(image)
                .asCompatibleSubstituteFor("localstack/localstack"))
                // S3 and DynamoDB for every IT; Lambda, Step Functions, IAM and STS for the deployment test
                .withServices("s3", "dynamodb", "lambda", "stepfunctions", "iam", "sts")
                // the functions' containers reach the OpenSearch node on this host through host.docker.internal
                .withEnv("LAMBDA_DOCKER_FLAGS", "--add-host=host.docker.internal:host-gateway")
                .withEnv(AUTH_TOKEN_ENV, System.getenv(AUTH_TOKEN_ENV));
        try {
            container.start();
        } catch (RuntimeException e) {
            String logs = container.isCreated() ? container.getLogs() : "(no container logs)";
            container.stop();
            throw new TestServicesUnavailableException("LocalStack (" + image + ") did not start: " + e.getMessage()
                    + "\nContainer log:\n" + logs, e);
        }
        return new LocalStackServer(container, logDirectory.resolve("localstack.log"));
    }

    URI endpoint() {
        return container.getEndpoint();
    }

    String region() {
        return container.getRegion();
    }

    StaticCredentials credentials() {
        return new StaticCredentials(container.getAccessKey(), container.getSecretKey());
    }

    @Override
    public void close() {
        try {
            Files.writeString(log, container.getLogs(), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            // the container is going away regardless; its log is a convenience
        }
        container.stop();
    }

    @Override
    public String toString() {
        return "LocalStack[" + container.getDockerImageName() + "]";
    }
}
