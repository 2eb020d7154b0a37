package dev.refdata.ingest.core.port.in;

/**
 * Verifies a run and finishes it: every chunk COMPLETED with every record accounted for, the index agreeing with
 * the input, a sample of records fetched back and compared field by field; then, for a full run, the new index
 * made live behind the alias in one atomic swap and old indices beyond the retention count deleted. Writes the
 * run report and marks the run SUCCEEDED or FAILED with the reason.
 */
public interface VerifyRunUseCase {

    VerifyRunResult verify(VerifyRunCommand command);
}
