package dev.refdata.ingest.adapter.local;

import dev.refdata.ingest.adapter.contract.ChunkLedgerContract;
import dev.refdata.ingest.core.domain.Checkpoint;
import dev.refdata.ingest.core.domain.ChunkCounters;
import dev.refdata.ingest.core.domain.ChunkKey;
import dev.refdata.ingest.core.domain.RunId;
import dev.refdata.ingest.core.port.out.ChunkLedger;
import dev.refdata.ingest.core.port.out.ChunkLedger.Claim;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class SqliteChunkLedgerTest extends ChunkLedgerContract {

    private static final Instant NOW = Instant.parse("2026-11-27T02:00:00Z");
    private static final Checkpoint START = new Checkpoint(0, 2, ChunkCounters.ZERO);

    @TempDir
    Path directory;

    private Path file;
    private ChunkLedger ledger;

    @BeforeEach
    void openLedger() {
        file = directory.resolve("state").resolve("run-store.db");
        ledger = LocalRunStores.chunkLedger(file);
    }

    @Override
    protected ChunkLedger ledger() {
        return ledger;
    }

    @Test
    void theStoreIsOneFileInWriteAheadLogMode() throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = connection.createStatement();
             ResultSet mode = statement.executeQuery("PRAGMA journal_mode")) {
            assertThat(mode.next()).isTrue();
            assertThat(mode.getString(1)).isEqualToIgnoringCase("wal");
        }
    }

    @Test
    void aLedgerOpenedAgainOnTheSameFileFindsEverythingWrittenBefore() {
        ChunkKey key = new ChunkKey(new RunId("reopen"), 0);
        ledger.claim(key, START, "loader-a", NOW, NOW.plusSeconds(300));
        ledger.checkpoint(key, "loader-a", new Checkpoint(500, 12, new ChunkCounters(10, 10, 0, 0, 0, 0)),
                NOW.plusSeconds(10), NOW.plusSeconds(310));

        ChunkLedger reopened = LocalRunStores.chunkLedger(file);

        assertThat(reopened.find(key)).contains(ledger.find(key).orElseThrow());
        assertThat(reopened.claim(key, START, "loader-b", NOW.plusSeconds(20), NOW.plusSeconds(320)))
                .isEqualTo(new Claim.HeldByOther("loader-a", NOW.plusSeconds(310)));
    }

    @Test
    void ofLoadersInSeveralProcessesClaimingTheSameChunkExactlyOneIsGranted() throws Exception {
        int processes = 3;
        Path go = directory.resolve("go");
        List<Process> started = new ArrayList<>();
        try {
            for (int i = 0; i < processes; i++) {
                started.add(new ProcessBuilder(javaExecutable(), "-cp", System.getProperty("java.class.path"),
                        ClaimFromAnotherProcess.class.getName(), file.toString(), go.toString(), "loader-" + i)
                        .redirectError(directory.resolve("loader-" + i + ".err").toFile())
                        .start());
            }
            Files.writeString(go, "go");

            List<String> outcomes = new ArrayList<>();
            for (Process process : started) {
                assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("claiming process ended").isTrue();
                String output = new String(process.getInputStream().readAllBytes()).strip();
                assertThat(process.exitValue()).as("exit of a process printing %s", output).isZero();
                assertThat(output).as("one outcome per process").doesNotContain("\n");
                outcomes.add(output);
            }

            assertThat(outcomes).filteredOn(o -> o.startsWith("Granted")).hasSize(1);
            assertThat(outcomes).filteredOn(o -> o.startsWith("HeldByOther")).hasSize(processes - 1);
            String holder = ledger.find(ClaimFromAnotherProcess.KEY).orElseThrow().owner();
            assertThat(outcomes).filteredOn(o -> o.startsWith("HeldByOther"))
                    .allMatch(o -> o.contains("owner=" + holder + ","));
        } finally {
            started.forEach(Process::destroyForcibly);
        }
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** One loader in its own JVM: waits for the go file, claims {@link #KEY}, prints the outcome. */
    static final class ClaimFromAnotherProcess {

        static final ChunkKey KEY = new ChunkKey(new RunId("several-processes"), 3);

        public static void main(String[] args) throws IOException, InterruptedException {
            ChunkLedger ledger = LocalRunStores.chunkLedger(Path.of(args[0]));
            Path go = Path.of(args[1]);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(go)) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("no go file " + go + " within 60 s");
                }
                Thread.sleep(1);
            }
            System.out.println(ledger.claim(KEY, START, args[2], NOW, NOW.plusSeconds(300)));
        }
    }
}
