package dev.refdata.ingest.core.sample;

/**
 * How often an instrument name carries something that exercises the CSV quoting paths, each drawn
 * independently per record (a name may have several).
 *
 * @param commaRate     share of names holding a comma ({@code "Atlas Energy, Inc."}, {@code "…, Class A"})
 * @param quoteRate     share of names holding double quotes ({@code "Atlas" Energy AG}, {@code … "Class B"})
 * @param lineBreakRate share of names holding a line break (LF; with CRLF output, CRLF or LF)
 * @param nonAsciiRate  share of names (and their issuers) built from non-ASCII words (é, ü, ø, 東京, 𠮷 …)
 */
public record NameQuirks(double commaRate, double quoteRate, double lineBreakRate, double nonAsciiRate) {

    /** A few percent of each. */
    public static final NameQuirks DEFAULT = new NameQuirks(0.04, 0.03, 0.02, 0.05);

    /** Plain ASCII names that never need quoting. */
    public static final NameQuirks NONE = new NameQuirks(0, 0, 0, 0);

    public NameQuirks {
        check("commaRate", commaRate);
        check("quoteRate", quoteRate);
        check("lineBreakRate", lineBreakRate);
        check("nonAsciiRate", nonAsciiRate);
    }

    private static void check(String name, double rate) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException(name + " must be between 0 and 1: " + rate);
        }
    }
}
