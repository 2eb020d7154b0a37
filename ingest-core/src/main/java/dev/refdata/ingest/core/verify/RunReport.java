package dev.refdata.ingest.core.verify;

import dev.refdata.ingest.core.domain.ChunkCounters;

import java.time.Instant;
import java.util.List;

/**
 * The run report written at the end of every verification, as JSON: enough to see what happened to every input
 * line without opening anything else.
 *
 * @param run             the run id
 * @param dataset         the dataset
 * @param businessDate    the date the data is for
 * @param mode            delta or full
 * @param execution       which execution of the run this verification closed
 * @param status          SUCCEEDED or FAILED
 * @param reason          why it failed, or null
 * @param alias           the alias readers use
 * @param index           the index written
 * @param startedAt       when the run was created
 * @param verifiedAt      when this verification ended
 * @param recordsPerSecond records read over the run's whole elapsed time
 * @param totals          counters summed over the chunks
 * @param expectedRecords records planned
 * @param chunks          every chunk's status and counters
 * @param firstRejects    the first rejected records with their reasons
 * @param checks          every verification check, passed or not
 */
public record RunReport(String run, String dataset, String businessDate, String mode, int execution, String status,
                        String reason, String alias, String index, Instant startedAt, Instant verifiedAt,
                        double recordsPerSecond, ChunkCounters totals, long expectedRecords, List<ChunkLine> chunks,
                        List<RejectLine> firstRejects, List<Check> checks) {

    /**
     * One chunk in the report.
     *
     * @param startedAt      when a loader first claimed the chunk, or null when nobody did (or the store did not
     *                       keep it)
     * @param updatedAt      when the chunk last changed, or null for a chunk the store does not know
     * @param durationMillis for a COMPLETED or FAILED chunk, {@code updatedAt - startedAt}: from the first claim to
     *                       the end of the last attempt, every attempt and the time between them included (the
     *                       loaders' clocks, so skew between them shows); null for any other chunk or without a start
     */
    public record ChunkLine(int chunk, String object, long start, long end, long firstLine, long plannedRecords,
                            String status, int attempts, String lastError, ChunkCounters counters, Instant startedAt,
                            Instant updatedAt, Long durationMillis) {
    }

    /** One rejected record in the report. */
    public record RejectLine(int chunk, String source, long line, String reason) {
    }

    /** One verification check and its outcome. */
    public record Check(String name, boolean passed, String detail) {
    }
}
