package dev.refdata.ingest.adapter.config;

import dev.refdata.ingest.adapter.opensearch.OpenSearchClientSettings;
import dev.refdata.ingest.adapter.opensearch.SecretRedaction;
import dev.refdata.ingest.core.csv.RecordLimits;
import dev.refdata.ingest.core.port.in.PlanChunksCommand;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The process's configuration, read once from the environment at the edge (a Lambda container's start, the
 * CLI's start) and handed inward as values; nothing below the edge reads the environment.
 *
 * <table>
 *   <caption>Variables</caption>
 *   <tr><td>{@code AWS_REGION}</td><td>region of the AWS services (default {@code us-east-1})</td></tr>
 *   <tr><td>{@code INGEST_S3_ENDPOINT}</td><td>an S3-compatible endpoint (S3Proxy, LocalStack); unset for AWS</td></tr>
 *   <tr><td>{@code INGEST_TARGET_CHUNK_BYTES}</td><td>default chunk size, e.g. {@code 64MB}</td></tr>
 *   <tr><td>{@code INGEST_DATASETS_DIR}</td><td>a directory of extra dataset spec files</td></tr>
 *   <tr><td>{@code INGEST_DYNAMODB_ENDPOINT}</td><td>a DynamoDB-compatible endpoint (dynalite, LocalStack); unset for AWS</td></tr>
 *   <tr><td>{@code INGEST_RUN_TABLE}</td><td>the DynamoDB table of runs and chunks (default {@code ingest-runs})</td></tr>
 *   <tr><td>{@code INGEST_ARTIFACTS_BUCKET}</td><td>the bucket for manifests, staging, rejects and reports</td></tr>
 *   <tr><td>{@code INGEST_OPENSEARCH_URL}</td><td>the OpenSearch endpoint (default {@code http://127.0.0.1:9200})</td></tr>
 *   <tr><td>{@code INGEST_OPENSEARCH_AUTH}</td><td>{@code none} (default), {@code sigv4-es} (Amazon OpenSearch
 *       Service) or {@code sigv4-aoss} (Serverless): said explicitly, never guessed from the host</td></tr>
 *   <tr><td>{@code INGEST_BULK_BYTES}, {@code INGEST_BULK_IN_FLIGHT}</td><td>bulk request size, and the bulk
 *       requests this process has out at once, across every chunk it loads (default 2)</td></tr>
 *   <tr><td>{@code INGEST_TIME_ZONE}</td><td>the zone that turns a scheduled time into a business date (default UTC)</td></tr>
 *   <tr><td>{@code INGEST_BUDGET_MARGIN}</td><td>stop taking records this long before a Lambda's deadline (e.g. 30s)</td></tr>
 *   <tr><td>{@code INGEST_OPENSEARCH_TRUST_ALL_CERTIFICATES}</td><td>{@code true} turns TLS certificate and host
 *       name verification off (a local cluster with a self-signed certificate only; logged as a warning); unset
 *       or {@code false}: verified</td></tr>
 *   <tr><td>{@code INGEST_MAX_RECORD_BYTES}, {@code INGEST_MAX_FIELD_BYTES}</td><td>a longer record, or a record
 *       with a longer field, is rejected without being held (defaults 1MiB and 256KiB)</td></tr>
 *   <tr><td>{@code INGEST_OPENSEARCH_MAX_IDLE}</td><td>a connection to OpenSearch idle for longer is closed, never
 *       reused, e.g. {@code 20s} or {@code 500ms} (default 30s, at most 50s): set it under the idle timeout of
 *       whatever sits between the loader and the cluster (a NAT, proxy or load balancer)</td></tr>
 * </table>
 *
 * <p>No URL may carry credentials ({@code https://user:password@host}): it is refused, and no message repeats it.
 *
 * @param region           AWS region
 * @param s3Endpoint       S3 endpoint override, or {@code null}
 * @param targetChunkBytes default target chunk size
 * @param datasetsDir      extra dataset specs, or {@code null}
 * @param dynamoDbEndpoint DynamoDB endpoint override, or {@code null}
 * @param runTable         table of runs and chunks
 * @param artifactsBucket  bucket for manifests, staging, rejects and reports, or {@code null} when unset
 * @param openSearchUrl    OpenSearch endpoint
 * @param openSearchAuth   how requests to OpenSearch are authenticated
 * @param bulkBytes        bulk request size
 * @param bulkInFlight     bulk requests this process has out at once, all its chunks together
 * @param budgetMargin     time kept back before a deadline
 * @param timeZone         the zone of business dates
 * @param openSearchTrustAllCertificates whether TLS verification towards OpenSearch is off (explicitly asked for)
 * @param recordLimits     the largest record and field a loader reads
 * @param openSearchMaxIdle a pooled connection to OpenSearch idle for longer is never leased again
 */
public record RuntimeSettings(String region, URI s3Endpoint, long targetChunkBytes, Path datasetsDir,
                              URI dynamoDbEndpoint, String runTable, String artifactsBucket, URI openSearchUrl,
                              OpenSearchAuth openSearchAuth, int bulkBytes, int bulkInFlight,
                              java.time.Duration budgetMargin, java.time.ZoneId timeZone,
                              boolean openSearchTrustAllCertificates, RecordLimits recordLimits,
                              java.time.Duration openSearchMaxIdle) {

    /** How requests to OpenSearch are authenticated. */
    public enum OpenSearchAuth { NONE, SIGV4_ES, SIGV4_AOSS }

    public RuntimeSettings {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(runTable, "runTable");
        Objects.requireNonNull(openSearchUrl, "openSearchUrl");
        Objects.requireNonNull(openSearchAuth, "openSearchAuth");
        Objects.requireNonNull(budgetMargin, "budgetMargin");
        Objects.requireNonNull(timeZone, "timeZone");
        Objects.requireNonNull(recordLimits, "recordLimits");
        Objects.requireNonNull(openSearchMaxIdle, "openSearchMaxIdle");
        if (!isIdleLimit(openSearchMaxIdle)) {
            throw new IllegalArgumentException("the OpenSearch idle limit must be above zero and at most "
                    + OpenSearchClientSettings.MAX_IDLE_TIME_LIMIT.toSeconds() + "s: " + openSearchMaxIdle);
        }
        if (targetChunkBytes < 1 || bulkBytes < 1024 || bulkInFlight < 1) {
            throw new IllegalArgumentException("target chunk size, bulk size and bulk concurrency must be positive");
        }
    }

    /** The artifacts bucket, required by the handlers that write manifests, rejects or reports. */
    public String requireArtifactsBucket() {
        if (artifactsBucket == null) {
            throw new IllegalArgumentException("INGEST_ARTIFACTS_BUCKET is not set: it names the bucket for "
                    + "manifests, staging, rejects and reports");
        }
        return artifactsBucket;
    }

    public Optional<URI> dynamoDbEndpointOverride() {
        return Optional.ofNullable(dynamoDbEndpoint);
    }

    /** These settings with another OpenSearch endpoint and authentication, e.g. from a command-line flag. */
    public RuntimeSettings withOpenSearch(URI url, OpenSearchAuth auth) {
        return new RuntimeSettings(region, s3Endpoint, targetChunkBytes, datasetsDir, dynamoDbEndpoint, runTable,
                artifactsBucket, url, auth, bulkBytes, bulkInFlight, budgetMargin, timeZone,
                openSearchTrustAllCertificates, recordLimits, openSearchMaxIdle);
    }

    /** Reads the settings from environment variables; a bad value is an error naming the variable. */
    public static RuntimeSettings from(Map<String, String> env) {
        String region = env.getOrDefault("AWS_REGION", env.getOrDefault("AWS_DEFAULT_REGION", "us-east-1"));
        URI s3 = Optional.ofNullable(blankToNull(env.get("INGEST_S3_ENDPOINT"))).map(v -> uri("INGEST_S3_ENDPOINT", v))
                .orElse(null);
        long chunk = Optional.ofNullable(blankToNull(env.get("INGEST_TARGET_CHUNK_BYTES")))
                .map(v -> {
                    try {
                        return parseSize(v);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("INGEST_TARGET_CHUNK_BYTES: " + e.getMessage(), e);
                    }
                })
                .orElse(PlanChunksCommand.DEFAULT_TARGET_CHUNK_BYTES);
        Path datasets = Optional.ofNullable(blankToNull(env.get("INGEST_DATASETS_DIR"))).map(Path::of).orElse(null);
        URI dynamo = Optional.ofNullable(blankToNull(env.get("INGEST_DYNAMODB_ENDPOINT")))
                .map(v -> uri("INGEST_DYNAMODB_ENDPOINT", v)).orElse(null);
        String table = Optional.ofNullable(blankToNull(env.get("INGEST_RUN_TABLE"))).orElse("ingest-runs");
        String bucket = blankToNull(env.get("INGEST_ARTIFACTS_BUCKET"));
        URI openSearch = uri("INGEST_OPENSEARCH_URL",
                Optional.ofNullable(blankToNull(env.get("INGEST_OPENSEARCH_URL"))).orElse("http://127.0.0.1:9200"));
        String authName = Optional.ofNullable(blankToNull(env.get("INGEST_OPENSEARCH_AUTH"))).orElse("none");
        OpenSearchAuth auth = switch (authName.toLowerCase(Locale.ROOT)) {
            case "none" -> OpenSearchAuth.NONE;
            case "sigv4-es" -> OpenSearchAuth.SIGV4_ES;
            case "sigv4-aoss" -> OpenSearchAuth.SIGV4_AOSS;
            default -> throw new IllegalArgumentException("INGEST_OPENSEARCH_AUTH: '" + authName
                    + "' is not one of none, sigv4-es, sigv4-aoss");
        };
        int bulkBytes = (int) Math.min(Integer.MAX_VALUE, Optional.ofNullable(blankToNull(env.get("INGEST_BULK_BYTES")))
                .map(v -> sizeOf("INGEST_BULK_BYTES", v)).orElse(5L * 1024 * 1024));
        int inFlight = Optional.ofNullable(blankToNull(env.get("INGEST_BULK_IN_FLIGHT")))
                .map(v -> wholeNumber("INGEST_BULK_IN_FLIGHT", v)).orElse(2);
        java.time.Duration margin = Optional.ofNullable(blankToNull(env.get("INGEST_BUDGET_MARGIN")))
                .map(v -> java.time.Duration.ofSeconds(wholeNumber("INGEST_BUDGET_MARGIN", v.replaceFirst("s$", ""))))
                .orElse(java.time.Duration.ofSeconds(30));
        String zoneName = Optional.ofNullable(blankToNull(env.get("INGEST_TIME_ZONE"))).orElse("UTC");
        java.time.ZoneId zone;
        try {
            zone = java.time.ZoneId.of(zoneName);
        } catch (java.time.DateTimeException e) {
            throw new IllegalArgumentException("INGEST_TIME_ZONE: not a time zone: '" + zoneName
                    + "' (e.g. UTC, Europe/Berlin)", e);
        }
        boolean trustAll = flag("INGEST_OPENSEARCH_TRUST_ALL_CERTIFICATES",
                env.get("INGEST_OPENSEARCH_TRUST_ALL_CERTIFICATES"));
        long maxRecord = Optional.ofNullable(blankToNull(env.get("INGEST_MAX_RECORD_BYTES")))
                .map(v -> sizeOf("INGEST_MAX_RECORD_BYTES", v)).orElse((long) RecordLimits.DEFAULTS.maxRecordBytes());
        long maxField = Optional.ofNullable(blankToNull(env.get("INGEST_MAX_FIELD_BYTES")))
                .map(v -> sizeOf("INGEST_MAX_FIELD_BYTES", v))
                .orElse(Math.min(RecordLimits.DEFAULTS.maxFieldBytes(), maxRecord));
        RecordLimits limits;
        try {
            limits = new RecordLimits((int) Math.min(Integer.MAX_VALUE, maxRecord),
                    (int) Math.min(Integer.MAX_VALUE, maxField));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("INGEST_MAX_RECORD_BYTES, INGEST_MAX_FIELD_BYTES: " + e.getMessage(), e);
        }
        java.time.Duration maxIdle = Optional.ofNullable(blankToNull(env.get("INGEST_OPENSEARCH_MAX_IDLE")))
                .map(v -> idleLimit("INGEST_OPENSEARCH_MAX_IDLE", v))
                .orElse(OpenSearchClientSettings.DEFAULT_MAX_IDLE_TIME);
        return new RuntimeSettings(region, s3, chunk, datasets, dynamo, table, bucket, openSearch, auth, bulkBytes,
                inFlight, margin, zone, trustAll, limits, maxIdle);
    }

    /** Whether the OpenSearch client takes {@code d} as its idle limit: above zero and at most its ceiling. */
    private static boolean isIdleLimit(java.time.Duration d) {
        return !d.isNegative() && !d.isZero() && d.compareTo(OpenSearchClientSettings.MAX_IDLE_TIME_LIMIT) <= 0;
    }

    /** A duration such as {@code 20s} or {@code 500ms}, above zero and at most the client's idle-time limit. */
    private static java.time.Duration idleLimit(String variable, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        java.time.Duration d;
        try {
            if (v.endsWith("ms")) {
                d = java.time.Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2).trim()));
            } else if (v.endsWith("s")) {
                d = java.time.Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1).trim()));
            } else {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(variable + ": not a duration such as 20s or 500ms: '" + value + "'", e);
        }
        if (!isIdleLimit(d)) {
            throw new IllegalArgumentException(variable + ": '" + value + "' must be above zero and at most "
                    + OpenSearchClientSettings.MAX_IDLE_TIME_LIMIT.toSeconds() + "s (a load balancer drops idle "
                    + "connections after 60s)");
        }
        return d;
    }

    /** An explicit yes or no: {@code true} or {@code false}; unset is no. */
    private static boolean flag(String variable, String value) {
        String v = blankToNull(value);
        if (v == null || v.equalsIgnoreCase("false")) {
            return false;
        }
        if (v.equalsIgnoreCase("true")) {
            return true;
        }
        throw new IllegalArgumentException(variable + ": '" + v + "' is neither true nor false");
    }

    private static long sizeOf(String variable, String value) {
        try {
            return parseSize(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(variable + ": " + e.getMessage(), e);
        }
    }

    private static int wholeNumber(String variable, String value) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(variable + ": not a positive whole number: '" + value + "'", e);
        }
    }

    public Optional<URI> s3EndpointOverride() {
        return Optional.ofNullable(s3Endpoint);
    }

    public Optional<Path> datasetsDirectory() {
        return Optional.ofNullable(datasetsDir);
    }

    /**
     * Parses a size such as {@code 1048576}, {@code 512KB}, {@code 64MB} or {@code 1GB} (binary multiples).
     */
    public static long parseSize(String text) {
        String s = text.trim().toUpperCase(Locale.ROOT).replace(" ", "");
        long multiplier = 1;
        for (String[] unit : new String[][] {{"KIB", "1024"}, {"MIB", "1048576"}, {"GIB", "1073741824"},
                {"KB", "1024"}, {"MB", "1048576"}, {"GB", "1073741824"}, {"K", "1024"}, {"M", "1048576"},
                {"G", "1073741824"}, {"B", "1"}}) {
            if (s.endsWith(unit[0])) {
                multiplier = Long.parseLong(unit[1]);
                s = s.substring(0, s.length() - unit[0].length());
                break;
            }
        }
        try {
            long value = Long.parseLong(s);
            if (value < 1) {
                throw new IllegalArgumentException("size must be positive: '" + text + "'");
            }
            return Math.multiplyExact(value, multiplier);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("not a size: '" + text + "' (examples: 65536, 512KB, 64MB)", e);
        }
    }

    /** A URL without credentials in it; a message about a bad one never repeats credentials it may hold. */
    private static URI uri(String variable, String value) {
        URI uri;
        try {
            uri = URI.create(value);
        } catch (IllegalArgumentException e) {
            // URISyntaxException's message quotes the input: leave it out, and the cause with it
            throw new IllegalArgumentException(variable + ": not a URL: '" + SecretRedaction.redact(value) + "'");
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException(variable + ": a URL must not carry credentials (user info): '"
                    + SecretRedaction.redact(value) + "'; configure authentication explicitly instead");
        }
        if (uri.getScheme() == null || uri.getHost() == null) {
            throw new IllegalArgumentException(variable + ": not a URL: '" + SecretRedaction.redact(value)
                    + "' (needs a scheme and a host)");
        }
        return uri;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
