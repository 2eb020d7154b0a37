package dev.refdata.ingest.it.support;

import dev.refdata.ingest.adapter.opensearch.node.LocalOpenSearchNode;
import dev.refdata.ingest.adapter.opensearch.node.LocalOpenSearchSettings;
import dev.refdata.ingest.adapter.s3.S3ProxyServer;
import dev.refdata.ingest.adapter.s3.S3ClientSettings.StaticCredentials;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The services every integration test of this run shares: S3, DynamoDB and OpenSearch, started once, lazily on
 * first use, in parallel, each on free ports (two builds on one machine never collide).
 *
 * <p>Which S3 and DynamoDB: see {@link ServiceTarget} ({@code INGEST_IT_TARGET}). OpenSearch is always a
 * {@link LocalOpenSearchNode} from the distribution zip, also in LocalStack mode: LocalStack's OpenSearch is a
 * different product surface (and would pull another image), and the loader's behaviour against the real
 * distribution is what the tests are about.
 *
 * <p>Everything is stopped when the JUnit launcher session closes ({@link TestServicesSessionListener}, also after
 * failures), with a JVM shutdown hook as a fallback. Logs land in {@code target/services/}.
 *
 * <p>If the services cannot be started, every call fails with {@link TestServicesUnavailableException} carrying
 * the same cause: the tests fail, none is skipped.
 */
public final class TestServices {

    private static final Logger LOG = LoggerFactory.getLogger(TestServices.class);
    private static final String REGION = "us-east-1";
    private static final StaticCredentials LOCAL_CREDENTIALS = new StaticCredentials("ingest-it", "ingest-it-secret");

    private static final Object LOCK = new Object();
    private static Running running;
    private static RuntimeException startFailure;
    private static boolean shutDown;

    private TestServices() {
    }

    /** The endpoints of this run's services, starting them on first call. */
    public static ServiceEndpoints endpoints() {
        return running().endpoints();
    }

    /** The OpenSearch node itself, for tests that stop, kill or restart it. Do not close it. */
    public static LocalOpenSearchNode openSearchNode() {
        return running().openSearch();
    }

    /** The directory service logs go to: {@code ingest-it/target/services}. */
    public static Path servicesDirectory() {
        String configured = System.getProperty("ingest.it.services.dir");
        return (configured == null ? moduleDirectory().resolve("target").resolve("services") : Path.of(configured))
                .toAbsolutePath();
    }

    /** Stops whatever was started. Called once the test run is over; later calls to {@link #endpoints()} fail. */
    static void shutdown() {
        Running toStop;
        synchronized (LOCK) {
            shutDown = true;
            toStop = running;
            running = null;
        }
        if (toStop != null) {
            toStop.close();
        }
    }

    private static Running running() {
        synchronized (LOCK) {
            if (startFailure != null) {
                throw new TestServicesUnavailableException(startFailure.getMessage(), startFailure);
            }
            if (shutDown) {
                throw new IllegalStateException("the test services were already shut down");
            }
            if (running == null) {
                try {
                    running = startAll();
                } catch (RuntimeException e) {
                    startFailure = e;
                    throw e;
                }
                Runtime.getRuntime().addShutdownHook(new Thread(TestServices::shutdown, "test-services-shutdown"));
            }
            return running;
        }
    }

    private static Running startAll() {
        ServiceTarget target = ServiceTarget.fromEnvironment();
        if (target == ServiceTarget.LOCALSTACK) {
            LocalStackServer.checkPrerequisites();
        }
        Path logs = servicesDirectory();
        try {
            Files.createDirectories(logs);
        } catch (IOException e) {
            throw new TestServicesUnavailableException("cannot create " + logs + ": " + e.getMessage(), e);
        }
        LOG.info("Starting test services ({}), logs in {}", target, logs);
        long begin = System.nanoTime();
        ExecutorService starter = Executors.newFixedThreadPool(3, daemonThreads());
        List<CompletableFuture<? extends AutoCloseable>> started = new ArrayList<>();
        try {
            CompletableFuture<LocalOpenSearchNode> openSearch = startAsync(starter, started,
                    () -> startOpenSearch(logs.resolve("opensearch")));
            Running result;
            if (target == ServiceTarget.LOCAL) {
                CompletableFuture<S3ProxyServer> s3 = startAsync(starter, started,
                        () -> S3ProxyServer.start(LOCAL_CREDENTIALS));
                CompletableFuture<DynaliteServer> dynamo = startAsync(starter, started,
                        () -> DynaliteServer.start(moduleDirectory(), logs));
                S3ProxyServer s3Proxy = await(s3, "S3Proxy");
                DynaliteServer dynalite = await(dynamo, "dynalite");
                LocalOpenSearchNode node = await(openSearch, "OpenSearch");
                result = new Running(new ServiceEndpoints(target, s3Proxy.endpoint(), dynalite.endpoint(),
                        node.httpUrl(), REGION, LOCAL_CREDENTIALS), node, List.of(node, dynalite, s3Proxy));
            } else {
                CompletableFuture<LocalStackServer> localStack = startAsync(starter, started,
                        () -> LocalStackServer.start(logs));
                LocalStackServer aws = await(localStack, "LocalStack");
                LocalOpenSearchNode node = await(openSearch, "OpenSearch");
                result = new Running(new ServiceEndpoints(target, aws.endpoint(), aws.endpoint(), node.httpUrl(),
                        aws.region(), aws.credentials()), node, List.of(node, aws));
            }
            LOG.info("Test services up in {} ms: {} (OpenSearch start {} ms)",
                    Duration.ofNanos(System.nanoTime() - begin).toMillis(), result.endpoints(),
                    result.openSearch().lastStartDuration().toMillis());
            return result;
        } catch (RuntimeException e) {
            closeStarted(started);
            throw e;
        } finally {
            starter.shutdown();
        }
    }

    private static LocalOpenSearchNode startOpenSearch(Path logDirectory) {
        return LocalOpenSearchNode.start(LocalOpenSearchSettings.builder(logDirectory).build());
    }

    private static <T extends AutoCloseable> CompletableFuture<T> startAsync(
            ExecutorService executor, List<CompletableFuture<? extends AutoCloseable>> started, Supplier<T> start) {
        CompletableFuture<T> future = CompletableFuture.supplyAsync(start, executor);
        started.add(future);
        return future;
    }

    private static <T> T await(CompletableFuture<T> future, String service) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TestServicesUnavailableException("interrupted while starting " + service, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof TestServicesUnavailableException unavailable) {
                throw unavailable;
            }
            throw new TestServicesUnavailableException(service + " did not start: " + cause.getMessage()
                    + " (logs in " + servicesDirectory() + ")", cause);
        }
    }

    /** Closes whatever did start, waiting for the starts still under way so that nothing is left behind. */
    private static void closeStarted(List<CompletableFuture<? extends AutoCloseable>> started) {
        for (CompletableFuture<? extends AutoCloseable> future : started) {
            AutoCloseable service;
            try {
                service = future.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                service = future.getNow(null);
            } catch (ExecutionException e) {
                continue;
            }
            if (service != null) {
                closeQuietly(service);
            }
        }
    }

    private static void closeQuietly(AutoCloseable service) {
        try {
            service.close();
        } catch (Exception e) {
            LOG.warn("Stopping {} failed", service, e);
        }
    }

    private static Path moduleDirectory() {
        String configured = System.getProperty("ingest.it.basedir");
        return Path.of(configured == null ? System.getProperty("user.dir") : configured).toAbsolutePath();
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "test-services-start-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** The started services, closed in the given order (OpenSearch first: it takes longest to stop). */
    private record Running(ServiceEndpoints endpoints, LocalOpenSearchNode openSearch, List<AutoCloseable> services) {

        Running {
            services = List.copyOf(services);
        }

        void close() {
            long begin = System.nanoTime();
            services.forEach(TestServices::closeQuietly);
            LOG.info("Test services stopped in {} ms", Duration.ofNanos(System.nanoTime() - begin).toMillis());
        }
    }
}
