package dev.refdata.ingest.core.port.in;

/** Cuts one source object into record-exact chunks and checks its header against the dataset spec. */
public interface PlanChunksUseCase {

    /**
     * @throws dev.refdata.ingest.core.port.in.InvalidSourceException when the object cannot be planned
     *         (missing, malformed, wrong header); the message names the object, the line and the reason
     */
    PlanChunksResult plan(PlanChunksCommand command);
}
