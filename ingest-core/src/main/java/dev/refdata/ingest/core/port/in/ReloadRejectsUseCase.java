package dev.refdata.ingest.core.port.in;

/**
 * Loads a run's rejected records again, as the loader wrote them or as an operator corrected them, into the run's
 * target index, with the loader's own conversion, bulk writing and accounting: every record read ends as exactly one
 * of indexed, deleted, stale or rejected again (written to a new rejects object with its line and reason), so nothing
 * is lost.
 *
 * <p>The run itself is not changed: its status, its chunks and their counters stay what the run's load recorded. A
 * reload is an operator's repair after the run ended; its own accounting is a reload report written beside the run's
 * reports ({@code reports/<run>/reload-NNN.json}), and what it rejected again goes to
 * {@code reloads/<run>/reload-NNN/rejects.ndjson}, outside the run's {@code rejects/<run>/} so that the run's own
 * rejects stay as the loader left them.
 */
public interface ReloadRejectsUseCase {

    /**
     * @throws IllegalArgumentException      the run is unknown, was never planned, or has not ended
     * @throws InvalidRejectsFileException   a line of the rejects to load is not a reject (names the file and line)
     */
    ReloadRejectsResult reload(ReloadRejectsCommand command);
}
