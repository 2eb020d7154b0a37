package dev.refdata.ingest.cli;

import dev.refdata.ingest.core.sample.Amount;
import dev.refdata.ingest.core.sample.InstrumentSampleGenerator;
import dev.refdata.ingest.core.sample.SampleOptions;
import dev.refdata.ingest.core.sample.SampleSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code ingest sample}: writes realistic instrument records for demos, tests and benchmarks. */
@Command(name = "sample", mixinStandardHelpOptions = true,
        description = "Generate realistic instruments CSV: valid ISINs, names with commas, quotes, line breaks "
                + "and non-ASCII letters, and on request updates, older versions, deletes and invalid rows.")
final class SampleCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--records", defaultValue = "1000", description = "Base records (default: ${DEFAULT-VALUE}).")
    long records;

    @Option(names = "--out", required = true, description = "The file to write (replaced if it exists).")
    Path out;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed: the same seed gives the same bytes.")
    long seed;

    @Option(names = "--crlf", description = "End lines with CRLF instead of LF.")
    boolean crlf;

    @Option(names = "--bom", description = "Start with a UTF-8 byte-order mark.")
    boolean bom;

    @Option(names = "--op-column", description = "Add the op column (upsert/delete).")
    boolean opColumn;

    @Option(names = "--updates", paramLabel = "<n|rate%>", description = "Later versions of earlier ids.")
    String updates;

    @Option(names = "--older-versions", paramLabel = "<n|rate%>", description = "Earlier versions of existing ids.")
    String olderVersions;

    @Option(names = "--deletes", paramLabel = "<n|rate%>", description = "Deletes (implies --op-column).")
    String deletes;

    @Option(names = "--invalid", paramLabel = "<n|rate%>", description = "Invalid rows of each kind.")
    String invalid;

    @Override
    public Integer call() throws Exception {
        SampleOptions.Builder options = SampleOptions.builder().records(records).seed(seed)
                .lineEnding(crlf ? SampleOptions.LineEnding.CRLF : SampleOptions.LineEnding.LF)
                .byteOrderMark(bom).opColumn(opColumn || deletes != null);
        if (updates != null) {
            options.updates(Amount.parse(updates));
        }
        if (olderVersions != null) {
            options.olderVersions(Amount.parse(olderVersions));
        }
        if (deletes != null) {
            options.deletes(Amount.parse(deletes));
        }
        if (invalid != null) {
            options.invalidRowsOfEachKind(Amount.parse(invalid));
        }
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        long started = System.nanoTime();
        SampleSummary summary = InstrumentSampleGenerator.write(out, options.build());
        double seconds = (System.nanoTime() - started) / 1e9;
        spec.commandLine().getOut().printf(Locale.ROOT,
                "wrote %s: %,d records (%,d distinct ids, %,d updates, %,d older versions, %,d deletes, %,d invalid), "
                        + "%,d bytes in %.2f s%n",
                out, summary.records(), summary.distinctIds(), summary.updates(), summary.olderVersions(),
                summary.deletes(), summary.invalidRows(), summary.bytes(), seconds);
        return 0;
    }
}
