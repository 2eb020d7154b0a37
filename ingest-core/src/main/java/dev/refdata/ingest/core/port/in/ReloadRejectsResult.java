package dev.refdata.ingest.core.port.in;

import dev.refdata.ingest.core.domain.ChunkCounters;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.domain.RunId;

import java.util.Objects;

/**
 * What a reload did.
 *
 * @param run           the run
 * @param reload        this reload's number for the run (1 for the first)
 * @param input         what was loaded: the run's rejects, or the corrected file's name
 * @param index         the index written to (the run's target index)
 * @param counters      read = indexed + deleted + stale + rejected; {@code retries} counts re-sent items
 * @param rejectedAgain the new rejects object, or {@code null} when nothing was rejected again
 * @param report        the reload report written beside the run's reports
 * @param failure       why loading stopped early (the records not sent are in {@code rejectedAgain}), or {@code null}
 */
public record ReloadRejectsResult(RunId run, int reload, String input, String index, ChunkCounters counters,
                                  ObjectRef rejectedAgain, ObjectRef report, String failure) {

    public ReloadRejectsResult {
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(index, "index");
        Objects.requireNonNull(counters, "counters");
        Objects.requireNonNull(report, "report");
        if (reload < 1) {
            throw new IllegalArgumentException("reload numbers start at 1");
        }
        if (!counters.balanced()) {
            throw new IllegalArgumentException("a reload accounts for every record it read: " + counters);
        }
        if ((counters.rejected() > 0) != (rejectedAgain != null)) {
            throw new IllegalArgumentException("records rejected again need a rejects object, and only they do");
        }
    }

    /** Whether every record was loaded (none rejected again, nothing left unsent). */
    public boolean clean() {
        return failure == null && counters.rejected() == 0;
    }
}
