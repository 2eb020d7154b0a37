package dev.refdata.ingest.core.port.in;

/**
 * Plans a run: creates it once per input (a duplicate trigger gets the existing run), lists its source objects,
 * cuts them into record-exact chunks (staging gzipped ones as plain parts), prepares the target index, writes
 * the manifest and registers every chunk as PENDING. With {@code rerunOf}, plans only the chunks of that run
 * that are not COMPLETED.
 */
public interface PlanRunUseCase {

    PlanRunResult plan(PlanRunCommand command);
}
