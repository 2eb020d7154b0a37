package dev.refdata.ingest.cli;

import dev.refdata.ingest.core.domain.Checkpoint;
import dev.refdata.ingest.core.domain.ChunkCounters;
import dev.refdata.ingest.core.domain.ChunkKey;
import dev.refdata.ingest.core.domain.ChunkState;
import dev.refdata.ingest.core.domain.ChunkStatus;
import dev.refdata.ingest.core.domain.RunId;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RunProgressTest {

    private static ChunkState chunk(int n, ChunkStatus status, long read, long rejected) {
        return new ChunkState(new ChunkKey(new RunId("r1"), n), status, null, null,
                new Checkpoint(0, 1, new ChunkCounters(read, read - rejected, 0, 0, rejected, 0)),
                status == ChunkStatus.PENDING ? 0 : 1, status == ChunkStatus.PENDING ? null : Instant.EPOCH, null,
                Instant.EPOCH);
    }

    @Test
    void aSnapshotCountsDoneAndFailedChunksAndSumsRecordsAndRejects() {
        RunProgress.Snapshot snapshot = RunProgress.Snapshot.of(4, List.of(chunk(0, ChunkStatus.COMPLETED, 1000, 2),
                chunk(1, ChunkStatus.FAILED, 300, 0), chunk(2, ChunkStatus.RUNNING, 500, 1),
                chunk(3, ChunkStatus.PENDING, 0, 0)));

        assertThat(snapshot).isEqualTo(new RunProgress.Snapshot(4, 1, 1, 1800, 3));
    }

    @Test
    void thePlainLineShowsChunksRecordsRateRejectsAndTheTimeLeftAtThatRate() {
        String line = new RunProgress.Snapshot(10, 4, 0, 40_000, 7).line(100_000, 20_000);

        assertThat(line).isEqualTo("progress: 4/10 chunks done, 40,000 of 100,000 records, 20,000 records/s, "
                + "7 rejected, ETA 3 s");
    }

    @Test
    void withoutARateTheTimeLeftIsUnknownAndFailedChunksAreNamed() {
        assertThat(new RunProgress.Snapshot(3, 0, 1, 0, 0).line(3_000, 0))
                .isEqualTo("progress: 0/3 chunks done (1 failed), 0 of 3,000 records, 0 records/s, 0 rejected, "
                        + "ETA unknown");
    }
}
