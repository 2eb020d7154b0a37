package dev.refdata.ingest.cli;

import dev.refdata.ingest.core.domain.ChunkState;
import dev.refdata.ingest.core.domain.ChunkStatus;
import dev.refdata.ingest.core.domain.RunId;
import dev.refdata.ingest.core.port.in.PlanRunResult;
import dev.refdata.ingest.core.port.out.RunStore;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Shows a run's progress on stderr while it runs, read from the run store by a background thread: a progress bar
 * (records, records per second, time left; chunks done of total and rejects so far) on a terminal, a plain line
 * every few seconds otherwise. Stdout stays for the result.
 */
final class RunProgress implements LocalRun.Observer, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunProgress.class);

    /**
     * What the chunks say at one moment.
     *
     * @param chunks   chunks of the run
     * @param done     COMPLETED chunks
     * @param failed   FAILED chunks
     * @param records  records read so far
     * @param rejected records rejected so far
     */
    record Snapshot(int chunks, int done, int failed, long records, long rejected) {

        static Snapshot of(int chunks, List<ChunkState> states) {
            int done = 0;
            int failed = 0;
            long records = 0;
            long rejected = 0;
            for (ChunkState s : states) {
                done += s.status() == ChunkStatus.COMPLETED ? 1 : 0;
                failed += s.status() == ChunkStatus.FAILED ? 1 : 0;
                records += s.checkpoint().counters().read();
                rejected += s.checkpoint().counters().rejected();
            }
            return new Snapshot(chunks, done, failed, records, rejected);
        }

        /** The plain line: chunks, records, rate, rejects and the time left at that rate. */
        String line(long expectedRecords, double recordsPerSecond) {
            String eta = recordsPerSecond <= 0 ? "unknown"
                    : Math.round(Math.max(0, expectedRecords - records) / recordsPerSecond) + " s";
            return String.format(Locale.ROOT, "progress: %d/%d chunks done%s, %,d of %,d records, %,.0f records/s, "
                            + "%,d rejected, ETA %s", done, chunks, failed == 0 ? "" : " (" + failed + " failed)",
                    records, expectedRecords, recordsPerSecond, rejected, eta);
        }
    }

    private final RunStore runs;
    private final PrintWriter plain;
    private final Optional<PrintStream> terminal;
    private final Duration interval;
    private final Clock clock;
    private Thread poller;
    private volatile boolean stopping;

    /**
     * @param terminal the terminal to draw a bar on, or empty for plain lines on {@code plain}
     * @param interval how often to read the run store
     */
    RunProgress(RunStore runs, PrintWriter plain, Optional<PrintStream> terminal, Duration interval, Clock clock) {
        this.runs = Objects.requireNonNull(runs, "runs");
        this.plain = Objects.requireNonNull(plain, "plain");
        this.terminal = Objects.requireNonNull(terminal, "terminal");
        this.interval = Objects.requireNonNull(interval, "interval");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public synchronized void planned(PlanRunResult plan) {
        if (poller != null || plan.chunkCount() == 0) {
            return;
        }
        plain.printf(Locale.ROOT, "ingest: run %s: %d chunks, %,d records%n", plan.runId(), plan.chunkCount(),
                plan.expectedRecords());
        plain.flush();
        poller = new Thread(() -> poll(plan.runId(), plan.chunkCount(), plan.expectedRecords()), "run-progress");
        poller.setDaemon(true);
        poller.start();
    }

    private void poll(RunId run, int chunks, long expected) {
        Instant started = clock.instant();
        long initial = -1;
        try (ProgressBar bar = terminal.map(stream -> bar(stream, expected)).orElse(null)) {
            while (!stopping) {
                sleep();
                Snapshot now;
                try {
                    now = Snapshot.of(chunks, runs.chunkStates(run));
                } catch (RuntimeException e) {
                    LOG.debug("progress: cannot read the chunks of {}", run, e);
                    continue;
                }
                if (initial < 0) {
                    initial = now.records();  // a rerun starts from what earlier executions loaded
                }
                double seconds = Math.max(0.001, Duration.between(started, clock.instant()).toMillis() / 1000.0);
                double rate = (now.records() - initial) / seconds;
                if (bar != null) {
                    bar.stepTo(now.records());
                    bar.setExtraMessage(String.format(Locale.ROOT, " chunks %d/%d, %,d rejected", now.done(),
                            now.chunks(), now.rejected()));
                } else if (!stopping) {
                    plain.println(now.line(expected, rate));
                    plain.flush();
                }
            }
        }
    }

    private static ProgressBar bar(PrintStream stream, long expected) {
        return new ProgressBarBuilder().setTaskName("loading").setInitialMax(expected)
                .setConsumer(new ConsoleProgressBarConsumer(stream)).setUnit(" rec", 1).showSpeed()
                .setSpeedUnit(ChronoUnit.SECONDS).setUpdateIntervalMillis(500).continuousUpdate().build();
    }

    private void sleep() {
        try {
            Thread.sleep(interval.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        }
    }

    /** Stops showing progress; returns once the bar is closed. */
    @Override
    public void close() {
        Thread thread;
        synchronized (this) {
            stopping = true;
            thread = poller;
        }
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
