package dev.refdata.ingest.core.load;

import dev.refdata.ingest.core.domain.ChunkCounters;
import dev.refdata.ingest.core.port.in.ChunkLoadFailedException;
import dev.refdata.ingest.core.port.in.LoadChunkResult.BulkRequests;
import dev.refdata.ingest.core.port.out.SearchSink;
import dev.refdata.ingest.core.port.out.SearchSink.BulkBody;
import dev.refdata.ingest.core.port.out.SearchSink.BulkItemResult;
import dev.refdata.ingest.core.port.out.SearchSink.BulkResult;
import dev.refdata.ingest.core.port.out.SearchSink.SearchSinkException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Sends one batch and reads every item's result: what succeeded is counted, a 409 version conflict is
 * {@code stale} (a newer or equal version is already indexed), a delete of a missing id is {@code deleted},
 * items that failed with a retryable status are sent again in a new request of only those items (exponential
 * backoff, full jitter, capped in attempts and time), and any other failure rejects its record with the server's
 * status, error type and reason. When the cap is reached the chunk fails with the last real cause.
 */
final class BulkWriter {

    private static final Logger LOG = LoggerFactory.getLogger(BulkWriter.class);

    private final SearchSink sink;
    private final String index;
    private final LoadSettings settings;
    private final Sleeper sleeper;
    private final RandomGenerator random;

    BulkWriter(SearchSink sink, String index, LoadSettings settings, Sleeper sleeper, RandomGenerator random) {
        this.sink = Objects.requireNonNull(sink, "sink");
        this.index = Objects.requireNonNull(index, "index");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** Retryable item statuses: rejected for load (429) or a node briefly unavailable. */
    static boolean retryableStatus(int status) {
        return status == 429 || status == 502 || status == 503 || status == 504;
    }

    BatchOutcome write(PendingBatch batch) {
        long indexed = 0;
        long deleted = 0;
        long stale = 0;
        long retries = 0;
        int requests = 0;
        long requestNanos = 0;
        long longestNanos = 0;
        List<RejectedRecord> rejects = new ArrayList<>(batch.conversionRejects);
        int items = batch.buffer.items();
        if (items > 0) {
            int[] pending = new int[items];
            for (int i = 0; i < items; i++) {
                pending[i] = i;
            }
            int pendingCount = items;
            BulkBody body = batch.buffer.body();
            long started = System.nanoTime();
            int attempt = 1;
            while (true) {
                String lastCause;
                BulkResult result = null;
                boolean requestRetryable = false;
                long sent = System.nanoTime();
                try {
                    result = sink.bulk(index, body);
                    lastCause = null;
                } catch (SearchSinkException e) {
                    if (!e.retryable()) {
                        throw new ChunkLoadFailedException("bulk request refused: " + e.getMessage(), false, e);
                    }
                    lastCause = e.getMessage();
                    requestRetryable = true;
                } finally {
                    long took = System.nanoTime() - sent;
                    requests++;
                    requestNanos += took;
                    longestNanos = Math.max(longestNanos, took);
                }
                int[] again = new int[pendingCount];
                int againCount = 0;
                if (requestRetryable) {
                    System.arraycopy(pending, 0, again, 0, pendingCount);
                    againCount = pendingCount;
                } else {
                    List<BulkItemResult> results = result.items();
                    if (results.size() != pendingCount) {
                        throw new ChunkLoadFailedException("the bulk response has " + results.size()
                                + " items for " + pendingCount + " sent", true, null);
                    }
                    for (int i = 0; i < pendingCount; i++) {
                        int item = pending[i];
                        BulkItemResult r = results.get(i);
                        boolean delete = batch.itemIsDelete[item];
                        if (r.succeeded()) {
                            if (delete) {
                                deleted++;
                            } else {
                                indexed++;
                            }
                        } else if (r.status() == 404 && delete) {
                            deleted++; // the id is absent, as the delete asked
                        } else if (r.status() == 409) {
                            stale++;
                        } else if (retryableStatus(r.status())) {
                            again[againCount++] = item;
                            lastCause = describe(r);
                        } else {
                            rejects.add(PendingBatch.reject(batch.itemRecord(item), describe(r)));
                        }
                    }
                }
                if (againCount == 0) {
                    break;
                }
                Duration spent = Duration.ofNanos(System.nanoTime() - started);
                if (attempt >= settings.maxAttempts() || spent.compareTo(settings.maxRetryTime()) >= 0) {
                    throw new ChunkLoadFailedException(againCount + " bulk items still failing after " + attempt
                            + " attempts over " + spent.toSeconds() + " s; last cause: " + lastCause, true, null);
                }
                retries += againCount;
                pending = again;
                pendingCount = againCount;
                body = requestRetryable ? body : batch.buffer.subset(again, againCount);
                Duration delay = backoff(attempt);
                LOG.debug("retrying {} items in {} ms (attempt {}): {}", againCount, delay.toMillis(), attempt + 1,
                        lastCause);
                try {
                    sleeper.sleep(delay);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ChunkLoadFailedException("interrupted while waiting to retry", true, e);
                }
                attempt++;
            }
        }
        rejects.sort(Comparator.comparingLong(RejectedRecord::line));
        return new BatchOutcome(new ChunkCounters(batch.read, indexed, deleted, stale, rejects.size(), retries),
                rejects, batch.endOffset, batch.nextLine, new BulkRequests(requests, requestNanos, longestNanos));
    }

    /** Full jitter: a random delay between zero and the exponential bound. */
    Duration backoff(int attempt) {
        long bound = settings.baseBackoff().toMillis() << Math.min(attempt - 1, 20);
        bound = Math.min(bound, settings.maxBackoff().toMillis());
        return Duration.ofMillis(bound <= 0 ? 0 : random.nextLong(bound + 1));
    }

    private static String describe(BulkItemResult r) {
        return r.status() + (r.errorType() == null ? "" : " " + r.errorType())
                + (r.reason() == null ? "" : ": " + r.reason());
    }
}
