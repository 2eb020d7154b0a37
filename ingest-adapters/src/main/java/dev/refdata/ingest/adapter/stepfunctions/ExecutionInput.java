package dev.refdata.ingest.adapter.stepfunctions;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.LocalDate;
import java.util.Locale;

/**
 * The input of one execution of the state machine (see docs/deploy.md): a new run from a source, or a re-run of a
 * run's unfinished chunks. Fields left {@code null} are left out, so the state machine's defaults apply.
 *
 * @param bucket         the source bucket (new run)
 * @param key            one source object, or {@code null}
 * @param prefix         every object under this prefix, or {@code null}; a new run gives exactly one of key and prefix
 * @param dataset        the dataset spec's name, or {@code null} (instruments)
 * @param mode           {@code delta} or {@code full}, or {@code null} (delta)
 * @param businessDate   the business date, or {@code null} (the scheduled time's or today's)
 * @param maxConcurrency chunks loaded at once by the map, or {@code null} (8)
 * @param rerunOf        the run to re-run (then no source field is given), or {@code null}
 */
public record ExecutionInput(String bucket, String key, String prefix, String dataset, String mode,
                             LocalDate businessDate, Integer maxConcurrency, String rerunOf) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public ExecutionInput {
        if (rerunOf != null) {
            if (rerunOf.isBlank()) {
                throw new IllegalArgumentException("rerunOf must name a run");
            }
            if (bucket != null || key != null || prefix != null || dataset != null || mode != null
                    || businessDate != null) {
                throw new IllegalArgumentException("a re-run takes its source, dataset, mode and date from the run "
                        + rerunOf + ": give only rerunOf (and maxConcurrency)");
            }
        } else {
            if (bucket == null || bucket.isBlank()) {
                throw new IllegalArgumentException("a new run needs the source bucket (or rerunOf for a re-run)");
            }
            if ((key == null) == (prefix == null)) {
                throw new IllegalArgumentException("a new run reads either one key or every object under a prefix");
            }
        }
        if (mode != null && !mode.equals("delta") && !mode.equals("full")) {
            throw new IllegalArgumentException("mode is delta or full, not '" + mode + "'");
        }
        if (maxConcurrency != null && (maxConcurrency < 1 || maxConcurrency > 10_000)) {
            throw new IllegalArgumentException("maxConcurrency must be between 1 and 10000: " + maxConcurrency);
        }
    }

    public static ExecutionInput newRun(String bucket, String key, String prefix, String dataset, String mode,
                                        LocalDate businessDate, Integer maxConcurrency) {
        return new ExecutionInput(bucket, key, prefix, dataset, mode == null ? null : mode.toLowerCase(Locale.ROOT),
                businessDate, maxConcurrency, null);
    }

    public static ExecutionInput rerun(String runId, Integer maxConcurrency) {
        return new ExecutionInput(null, null, null, null, null, null, maxConcurrency, runId);
    }

    /** The input as the state machine reads it. */
    public String toJson() {
        ObjectNode node = JSON.createObjectNode();
        putIfGiven(node, "bucket", bucket);
        putIfGiven(node, "key", key);
        putIfGiven(node, "prefix", prefix);
        putIfGiven(node, "dataset", dataset);
        putIfGiven(node, "mode", mode);
        putIfGiven(node, "businessDate", businessDate == null ? null : businessDate.toString());
        putIfGiven(node, "rerunOf", rerunOf);
        if (maxConcurrency != null) {
            node.put("maxConcurrency", maxConcurrency);
        }
        return node.toString();
    }

    private static void putIfGiven(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }
}
