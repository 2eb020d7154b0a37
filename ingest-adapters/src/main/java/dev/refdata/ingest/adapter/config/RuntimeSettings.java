package dev.refdata.ingest.adapter.config;

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
 * </table>
 *
 * @param region           AWS region
 * @param s3Endpoint       S3 endpoint override, or {@code null}
 * @param targetChunkBytes default target chunk size
 * @param datasetsDir      extra dataset specs, or {@code null}
 */
public record RuntimeSettings(String region, URI s3Endpoint, long targetChunkBytes, Path datasetsDir) {

    public RuntimeSettings {
        Objects.requireNonNull(region, "region");
        if (targetChunkBytes < 1) {
            throw new IllegalArgumentException("target chunk size must be positive");
        }
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
        return new RuntimeSettings(region, s3, chunk, datasets);
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

    private static URI uri(String variable, String value) {
        try {
            URI uri = URI.create(value);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException("needs a scheme and a host");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(variable + ": not a URL: '" + value + "' (" + e.getMessage() + ")", e);
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
