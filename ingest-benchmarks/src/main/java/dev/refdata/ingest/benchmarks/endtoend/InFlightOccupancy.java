package dev.refdata.ingest.benchmarks.endtoend;

import java.util.Locale;

/**
 * How long the server had 0, 1, 2 and 3 or more bulk requests of one client in flight, from the first request
 * out to the last answer in. With one shard, each request is indexed by one write thread: while fewer requests
 * are out than the server has cores, a core has nothing of this client's to do, so the seconds below the
 * client's in-flight limit are time the client left the server idle.
 */
final class InFlightOccupancy {

    private static final int LEVELS = 4;

    private final long[] nanosAt = new long[LEVELS];
    private int out;
    private long since = -1;
    private long first = -1;
    private long last = -1;

    /** A request is about to leave. */
    synchronized void sent() {
        advance();
        if (first < 0) {
            first = since;
        }
        out++;
    }

    /** A request's answer is in (or it failed). */
    synchronized void answered() {
        advance();
        out--;
        last = since;
    }

    private void advance() {
        long now = System.nanoTime();
        if (since >= 0) {
            nanosAt[Math.min(out, LEVELS - 1)] += now - since;
        }
        since = now;
    }

    /**
     * {@code "inFlight":{"secondsAt":[at 0, at 1, at 2, at 3+],"span":…}} as a JSON member: the seconds at each level
     * between the first request and the last answer (after the last answer nothing is counted).
     */
    synchronized String json() {
        double span = first < 0 ? 0 : (last - first) / 1e9;
        return String.format(Locale.ROOT, "\"inFlight\":{\"secondsAt\":[%.2f,%.2f,%.2f,%.2f],\"span\":%.2f}",
                nanosAt[0] / 1e9, nanosAt[1] / 1e9, nanosAt[2] / 1e9, nanosAt[3] / 1e9, span);
    }
}
