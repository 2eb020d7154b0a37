package dev.refdata.ingest.core.verify;

import dev.refdata.ingest.core.domain.ChunkCounters;

import java.util.Locale;
import java.util.Objects;

/** A {@link RunReport} as a Markdown page, for people: written next to the JSON report, which is for programs. */
public final class RunReportMarkdown {

    private RunReportMarkdown() {
    }

    /** The report as Markdown: summary, totals, checks, chunks and the first rejects. */
    public static String render(RunReport report) {
        Objects.requireNonNull(report, "report");
        StringBuilder md = new StringBuilder();
        md.append("# Run ").append(report.run()).append(": ").append(report.status()).append("\n\n");
        if (report.reason() != null) {
            md.append("**Reason:** ").append(cell(report.reason())).append("\n\n");
        }
        md.append("| | |\n|---|---|\n");
        row(md, "dataset", report.dataset());
        row(md, "business date", report.businessDate());
        row(md, "mode", report.mode());
        row(md, "execution", Integer.toString(report.execution()));
        row(md, "alias / index", report.alias() + " / " + report.index());
        row(md, "started / verified", report.startedAt() + " / " + report.verifiedAt());
        row(md, "records per second", String.format(Locale.ROOT, "%,.0f", report.recordsPerSecond()));
        ChunkCounters t = report.totals();
        md.append("\n## Totals\n\n| planned | read | indexed | deleted | stale | rejected | retries |\n")
                .append("|---:|---:|---:|---:|---:|---:|---:|\n")
                .append(String.format(Locale.ROOT, "| %,d | %,d | %,d | %,d | %,d | %,d | %,d |%n",
                        report.expectedRecords(), t.read(), t.indexed(), t.deleted(), t.stale(), t.rejected(),
                        t.retries()));
        md.append("\n## Checks\n\n| check | passed | detail |\n|---|---|---|\n");
        for (RunReport.Check c : report.checks()) {
            md.append("| ").append(cell(c.name())).append(" | ").append(c.passed() ? "yes" : "**no**").append(" | ")
                    .append(cell(c.detail())).append(" |\n");
        }
        md.append("\n## Chunks\n\n| chunk | status | read | indexed | deleted | stale | rejected | retries | attempts "
                + "| duration | last error |\n|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (RunReport.ChunkLine c : report.chunks()) {
            ChunkCounters n = c.counters() == null ? ChunkCounters.ZERO : c.counters();
            md.append(String.format(Locale.ROOT, "| %d | %s | %,d | %,d | %,d | %,d | %,d | %,d | %d | %s | %s |%n",
                    c.chunk(), c.status(), n.read(), n.indexed(), n.deleted(), n.stale(), n.rejected(), n.retries(),
                    c.attempts(), c.durationMillis() == null ? "" : String.format(Locale.ROOT, "%.1f s",
                            c.durationMillis() / 1000.0), cell(c.lastError())));
        }
        if (!report.firstRejects().isEmpty()) {
            md.append("\n## First rejects\n\n| chunk | source | line | reason |\n|---:|---|---:|---|\n");
            for (RunReport.RejectLine r : report.firstRejects()) {
                md.append(String.format(Locale.ROOT, "| %d | %s | %d | %s |%n", r.chunk(), cell(r.source()), r.line(),
                        cell(r.reason())));
            }
        }
        return md.toString();
    }

    private static void row(StringBuilder md, String name, String value) {
        md.append("| ").append(name).append(" | ").append(cell(value)).append(" |\n");
    }

    /** Text safe in one table cell: no line breaks, no unescaped pipes. */
    private static String cell(String text) {
        return text == null ? "" : text.replace("\\", "\\\\").replace("|", "\\|").replaceAll("\\R", " ");
    }
}
