package dev.refdata.ingest.core.sample;

import dev.refdata.ingest.core.domain.Isin;
import dev.refdata.ingest.core.sample.SampleOptions.Placement;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Writes a realistic, deterministic {@code instruments} CSV file: header
 * {@code isin,ticker,name,asset_class,currency,mic,issuer,country,maturity,coupon,status,updated_at[,op]}, one base
 * record per instrument, then (among or after them, as {@link SampleOptions} says) updates, stale versions, deletes
 * and deliberately invalid rows.
 *
 * <ul>
 *   <li>Deterministic: every choice comes from {@link SplittableRandom}s seeded from {@link SampleOptions#seed()};
 *       the same options give the same bytes. A base record depends only on the seed and its position, so a later
 *       update can rebuild it without keeping anything in memory but one bit per base record (only when there are
 *       updates, stale versions or deletes).</li>
 *   <li>Streaming: rows are encoded to UTF-8 into a 64 KiB buffer as they are made; nothing else grows with the
 *       file.</li>
 *   <li>ISINs come from a scrambled 9-digit counter behind a country prefix, with the right check digit, so they
 *       never collide; the country column is the ISIN prefix; currency and MIC fit the country and asset class.</li>
 *   <li>RFC 4180: a field is quoted when it holds a comma, a double quote, CR or LF, and its quotes are doubled;
 *       nothing else is quoted.</li>
 * </ul>
 *
 * <p>An instance is immutable and may be used for several runs, also concurrently.
 */
public final class InstrumentSampleGenerator {

    /** The columns of every {@code instruments} file, in order. */
    public static final List<String> COLUMNS = List.of("isin", "ticker", "name", "asset_class", "currency", "mic",
            "issuer", "country", "maturity", "coupon", "status", "updated_at");

    /** The optional last column: {@code upsert}, {@code delete} or empty (= upsert). */
    public static final String OP_COLUMN = "op";

    private final SampleOptions options;

    public InstrumentSampleGenerator(SampleOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /** The header for a file with or without the op column. */
    public static List<String> header(boolean opColumn) {
        if (!opColumn) {
            return COLUMNS;
        }
        List<String> columns = new ArrayList<>(COLUMNS);
        columns.add(OP_COLUMN);
        return List.copyOf(columns);
    }

    /** Writes a whole file (created or truncated) and returns what was written. */
    public static SampleSummary write(Path file, SampleOptions options) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            return new InstrumentSampleGenerator(options).writeTo(out);
        }
    }

    public SampleOptions options() {
        return options;
    }

    /** Writes the file as UTF-8 to {@code out}, which is flushed but not closed. */
    public SampleSummary writeTo(OutputStream out) throws IOException {
        return new Run(options, new Utf8Sink(Objects.requireNonNull(out, "out"))).execute();
    }

    /**
     * Writes the file's characters to {@code out}, which is flushed but not closed; a byte-order mark is written as
     * U+FEFF. {@link SampleSummary#bytes()} is then the size the text takes in UTF-8.
     */
    public SampleSummary writeTo(Writer out) throws IOException {
        return new Run(options, new CharSink(Objects.requireNonNull(out, "out"))).execute();
    }

    // ---------------------------------------------------------------------------------------------------------
    // One run: the interleaving of row kinds, the rows themselves and the CSV encoding.
    // ---------------------------------------------------------------------------------------------------------

    private static final int BASE = 0;
    private static final int UPDATE = 1;
    private static final int OLDER = 2;
    private static final int DELETE = 3;
    private static final int FIRST_INVALID = 4;
    private static final InvalidRowKind[] INVALID_KINDS = InvalidRowKind.values();

    private static final long DAY = 86_400L;

    private static final class Run {
        private final SampleOptions o;
        private final Sink sink;
        private final SplittableRandom rng;
        private final String eol;
        private final long asOfSecond;
        private final long asOfDay;
        private final StringBuilder line = new StringBuilder(512);
        private final String[] fields = new String[16];
        private final Row row = new Row();
        private final long[] remaining = new long[FIRST_INVALID + INVALID_KINDS.length];
        private final long[] written = new long[remaining.length];
        private final BitSet touched = new BitSet();
        private long emittedBase;
        private long touchedCount;
        private long invalidEmitted;

        Run(SampleOptions o, Sink sink) {
            this.o = o;
            this.sink = sink;
            this.rng = new SplittableRandom(mix64(o.seed() ^ 0x5DEECE66DL));
            this.eol = o.lineEnding().sequence();
            this.asOfSecond = o.asOf().getEpochSecond();
            this.asOfDay = Math.floorDiv(asOfSecond, DAY);
            remaining[BASE] = o.records();
            remaining[UPDATE] = o.updateCount();
            remaining[OLDER] = o.olderVersionCount();
            remaining[DELETE] = o.deleteCount();
            for (int k = 0; k < INVALID_KINDS.length; k++) {
                remaining[FIRST_INVALID + k] = o.invalidCount(INVALID_KINDS[k]);
            }
        }

        SampleSummary execute() throws IOException {
            if (o.byteOrderMark()) {
                sink.byteOrderMark();
            }
            List<String> header = header(o.opColumn());
            for (int i = 0; i < header.size(); i++) {
                if (i > 0) {
                    line.append(',');
                }
                line.append(header.get(i));
            }
            long total = o.totalRows();
            for (long n = 0; n < total; n++) {
                line.append(eol);
                emit(nextCategory());
                sink.write(line);
                line.setLength(0);
            }
            if (o.finalLineBreak()) {
                line.append(eol);
            }
            sink.write(line);
            line.setLength(0);
            sink.finish();

            EnumMap<InvalidRowKind, Long> byKind = new EnumMap<>(InvalidRowKind.class);
            long invalid = 0;
            for (int k = 0; k < INVALID_KINDS.length; k++) {
                byKind.put(INVALID_KINDS[k], written[FIRST_INVALID + k]);
                invalid += written[FIRST_INVALID + k];
            }
            long records = 0;
            for (long w : written) {
                records += w;
            }
            return new SampleSummary(records, sink.bytes(), written[BASE], written[BASE], written[UPDATE],
                    written[OLDER], written[DELETE], invalid, byKind);
        }

        /** Picks the next row's kind with probability proportional to how many of each kind are still due. */
        private int nextCategory() {
            int category;
            if (o.placement() == Placement.APPENDED && remaining[BASE] > 0) {
                category = BASE;
            } else {
                long sum = 0;
                for (long r : remaining) {
                    sum += r;
                }
                long x = rng.nextLong(sum);
                category = 0;
                while (x >= remaining[category]) {
                    x -= remaining[category];
                    category++;
                }
                boolean targeted = category == UPDATE || category == OLDER || category == DELETE;
                if (targeted && emittedBase == touchedCount) {
                    // Nothing written yet that this row could refer to; a base record must come first (and one is
                    // still due, since the options never ask to touch more ids than there are base records).
                    category = BASE;
                }
            }
            remaining[category]--;
            written[category]++;
            return category;
        }

        private void emit(int category) {
            switch (category) {
                case BASE -> emitBase();
                case UPDATE -> emitUpdate();
                case OLDER -> emitOlderVersion();
                case DELETE -> emitDelete();
                default -> emitInvalid(INVALID_KINDS[category - FIRST_INVALID]);
            }
        }

        private void emitBase() {
            generate(emittedBase++, null);
            row.op = upsertOp();
            writeRow(row.fill(fields, o.opColumn()));
        }

        private void emitUpdate() {
            generate(pickTarget(), null);
            double what = rng.nextDouble();
            if (what < 0.40) {
                changeStatus();
            } else if (what < 0.75) {
                describe(rng, row);
            } // else: the same content published again, only newer
            row.updatedEpoch += 1 + rng.nextLong(DAY - 1);
            row.op = upsertOp();
            writeRow(row.fill(fields, o.opColumn()));
        }

        private void emitOlderVersion() {
            generate(pickTarget(), null);
            changeStatus();
            if (rng.nextBoolean()) {
                describe(rng, row);
            }
            row.updatedEpoch -= 1 + rng.nextLong(180 * DAY);
            row.op = upsertOp();
            writeRow(row.fill(fields, o.opColumn()));
        }

        private void emitDelete() {
            generate(pickTarget(), null);
            row.updatedEpoch += 1 + rng.nextLong(DAY - 1);
            row.op = "delete";
            writeRow(row.fill(fields, o.opColumn()));
        }

        private void emitInvalid(InvalidRowKind kind) {
            // A fresh id past the base records': valid rows never share it.
            long index = o.records() + invalidEmitted++;
            boolean needsBond = kind == InvalidRowKind.BAD_DATE || kind == InvalidRowKind.BAD_DECIMAL;
            generate(index, needsBond ? AssetClass.BOND : null);
            row.op = upsertOp();
            row.finish();
            switch (kind) {
                case BAD_CHECK_DIGIT -> {
                    int digit = row.isin.charAt(11) - '0';
                    row.isin = row.isin.substring(0, 11) + (char) ('0' + (digit + 1 + rng.nextInt(9)) % 10);
                }
                case BAD_DATE -> {
                    if (rng.nextBoolean()) {
                        row.maturity = badDate(rng, LocalDate.ofEpochDay(row.maturityDay));
                    } else {
                        row.updatedAt = badTimestamp(rng, row.updatedAt);
                    }
                }
                case BAD_DECIMAL -> row.coupon = badDecimal(rng, row.coupon);
                case MISSING_ID -> row.isin = rng.nextInt(4) == 0 ? "  " : "";
                case WRONG_COLUMN_COUNT -> {
                    int n = row.fillFinished(fields, o.opColumn());
                    if (rng.nextBoolean()) {
                        n -= 2 + rng.nextInt(3);
                    } else {
                        fields[n++] = "EXTRA";
                        if (rng.nextBoolean()) {
                            fields[n++] = Integer.toString(rng.nextInt(1000));
                        }
                    }
                    writeRow(n);
                    return;
                }
            }
            writeRow(row.fillFinished(fields, o.opColumn()));
        }

        private String upsertOp() {
            return rng.nextInt(10) < 7 ? "" : "upsert";
        }

        private void changeStatus() {
            String current = row.status;
            String next = current;
            while (next.equals(current)) {
                next = STATUSES.pick(rng);
            }
            row.status = next;
        }

        /** A base record written earlier and not yet touched by an update, stale version or delete. */
        private long pickTarget() {
            int start = (int) rng.nextLong(emittedBase);
            int target = touched.nextClearBit(start);
            if (target >= emittedBase) {
                target = touched.nextClearBit(0);
            }
            if (target >= emittedBase) {
                throw new IllegalStateException("no untouched base record left");
            }
            touched.set(target);
            touchedCount++;
            return target;
        }

        private void writeRow(int fieldCount) {
            for (int i = 0; i < fieldCount; i++) {
                if (i > 0) {
                    line.append(',');
                }
                appendField(line, fields[i]);
            }
        }

        // -----------------------------------------------------------------------------------------------------
        // Record content
        // -----------------------------------------------------------------------------------------------------

        /** Fills {@link #row} with base record {@code index}: a function of the seed and the index only. */
        private void generate(long index, AssetClass forced) {
            SplittableRandom rnd = new SplittableRandom(mix64(o.seed() ^ mix64(index + 0x632BE59BD9B4E019L)));
            Row r = row;
            AssetClass assetClass = ASSET_CLASSES.pick(rnd);
            if (forced != null) {
                assetClass = forced;
            }
            Country c = countries(assetClass).pick(rnd);
            NameQuirks q = o.nameQuirks();
            r.comma = rnd.nextDouble() < q.commaRate();
            r.quote = rnd.nextDouble() < q.quoteRate();
            r.lineBreak = rnd.nextDouble() < q.lineBreakRate();
            r.nonAscii = rnd.nextDouble() < q.nonAsciiRate();
            r.assetClass = assetClass;
            r.country = c;
            r.isin = isin(c.code, index);
            r.government = false;
            r.maturityDay = Long.MIN_VALUE;
            r.couponMilli = -1;
            switch (assetClass) {
                case EQUITY -> {
                    r.mic = pick(rnd, c.mics);
                    r.currency = c.currency;
                }
                case BOND -> {
                    r.mic = rnd.nextBoolean() ? "XOFF" : c.mics[0];
                    r.currency = c.currency;
                    r.maturityDay = asOfDay + 180 + rnd.nextInt(30 * 365);
                    r.couponMilli = rnd.nextInt(100) < 8 ? 0 : 125 * (1 + rnd.nextInt(64));
                    r.government = rnd.nextInt(10) < 3 && (!r.nonAscii || c.sovereignNonAscii != null);
                }
                case ETF -> {
                    Venue v = c == US ? pick(rnd, US_ETF_VENUES) : c == DE ? XETR_EUR : pick(rnd, EUROPE_ETF_VENUES);
                    r.mic = v.mic;
                    r.currency = v.currency;
                }
                case FUND -> {
                    r.mic = c == CH ? "XSWX" : c == GB ? "XLON" : "XFRA";
                    r.currency = c.currency;
                }
                case WARRANT -> {
                    r.mic = c == CH ? "XSWX" : rnd.nextBoolean() ? "XSTU" : "XFRA";
                    r.currency = c.currency;
                    r.maturityDay = asOfDay + 30 + rnd.nextInt(3 * 365);
                }
            }
            r.status = STATUSES.pick(rnd);
            r.updatedEpoch = asOfSecond - DAY - rnd.nextLong(29 * DAY);
            describe(rnd, r);
            r.ticker = ticker(rnd, r);
            r.op = "";
        }

        /** Sets name and issuer (again, for a rename). */
        private void describe(SplittableRandom rnd, Row r) {
            Country c = r.country;
            String stem = r.nonAscii ? pick(rnd, c.nonAsciiStems) : pick(rnd, STEMS);
            r.stem = stem;
            String name;
            String issuer;
            switch (r.assetClass) {
                case EQUITY -> {
                    issuer = company(rnd, c, stem, r.nonAscii);
                    name = issuer;
                }
                case BOND -> {
                    issuer = r.government ? (r.nonAscii ? c.sovereignNonAscii : c.sovereign)
                            : company(rnd, c, stem, r.nonAscii);
                    name = issuer + " " + coupon(r.couponMilli) + "% " + LocalDate.ofEpochDay(r.maturityDay).getYear();
                }
                case ETF -> {
                    String provider = stem + " " + pick(rnd, ETF_PROVIDER_WORDS);
                    issuer = provider + " " + pick(rnd, c.suffixes);
                    name = provider + " " + pick(rnd, INDICES) + (c == US ? " ETF" : " UCITS ETF")
                            + pick(rnd, ETF_SHARE_CLASSES);
                }
                case FUND -> {
                    String house = stem + " " + pick(rnd, FUND_HOUSE_WORDS);
                    issuer = house + " Asset Management " + pick(rnd, c.suffixes);
                    name = house + " " + pick(rnd, STRATEGIES) + " Fund " + pick(rnd, FUND_SHARE_CLASSES);
                }
                case WARRANT -> {
                    issuer = pick(rnd, BANK_STEMS) + (c == CH ? " Bank (Schweiz) AG" : " Bank AG");
                    LocalDate expiry = LocalDate.ofEpochDay(r.maturityDay);
                    name = (rnd.nextBoolean() ? "Call " : "Put ") + stem + " " + pick(rnd, SECTORS) + " "
                            + (5 + rnd.nextInt(400)) + (rnd.nextBoolean() ? ".00 " : ".50 ")
                            + twoDigits(expiry.getMonthValue()) + "/" + expiry.getYear();
                }
                default -> throw new IllegalStateException();
            }
            if (r.comma) {
                name = withComma(rnd, name);
            }
            if (r.quote) {
                name = withQuotes(rnd, name);
            }
            if (r.lineBreak) {
                name = withLineBreak(rnd, name);
            }
            r.name = name;
            r.issuer = issuer;
        }

        private String withLineBreak(SplittableRandom rnd, String name) {
            String lineBreak = o.lineEnding() == SampleOptions.LineEnding.CRLF && rnd.nextBoolean() ? "\r\n" : "\n";
            int space = name.lastIndexOf(' ');
            if (space > 0 && rnd.nextBoolean()) {
                return name.substring(0, space) + lineBreak + name.substring(space + 1);
            }
            return name + lineBreak + pick(rnd, SECOND_LINES);
        }
    }

    private static String company(SplittableRandom rnd, Country c, String stem, boolean nonAscii) {
        if (c == JP && nonAscii) {
            return stem + pick(rnd, JP_SECTORS) + "株式会社";
        }
        String core = rnd.nextInt(10) < 3 ? stem : stem + " " + pick(rnd, SECTORS);
        return core + " " + pick(rnd, c.suffixes);
    }

    private static String withComma(SplittableRandom rnd, String name) {
        for (String[] rule : COMMA_RULES) {
            int at = name.indexOf(rule[0]);
            if (at >= 0) {
                return name.substring(0, at) + rule[1] + name.substring(at + rule[0].length());
            }
        }
        return name + ", " + pick(rnd, COMMA_TAILS);
    }

    private static String withQuotes(SplittableRandom rnd, String name) {
        int space = name.indexOf(' ');
        switch (rnd.nextInt(3)) {
            case 0:
                return space > 0 ? '"' + name.substring(0, space) + '"' + name.substring(space) : '"' + name + '"';
            case 1:
                return name + " \"" + pick(rnd, NICKNAMES) + "\"";
            default:
                return name + " (formerly \"" + pick(rnd, STEMS) + "\")";
        }
    }

    private static String ticker(SplittableRandom rnd, Row r) {
        Country c = r.country;
        switch (r.assetClass) {
            case EQUITY:
                return equityTicker(rnd, r);
            case BOND: {
                LocalDate m = LocalDate.ofEpochDay(r.maturityDay);
                String prefix = r.government ? c.bondTicker : equityTicker(rnd, r);
                return prefix + " " + coupon(r.couponMilli) + " " + twoDigits(m.getMonthValue()) + "/"
                        + twoDigits(m.getDayOfMonth()) + "/" + twoDigits(m.getYear() % 100);
            }
            case ETF:
                return letters(rnd, 3 + rnd.nextInt(2));
            case FUND:
                return letters(rnd, 4) + "X";
            case WARRANT: {
                StringBuilder wkn = new StringBuilder(letters(rnd, 2));
                for (int i = 0; i < 4; i++) {
                    int v = rnd.nextInt(36);
                    wkn.append((char) (v < 10 ? '0' + v : 'A' + v - 10));
                }
                return wkn.toString();
            }
            default:
                throw new IllegalStateException();
        }
    }

    private static String equityTicker(SplittableRandom rnd, Row r) {
        if (r.country.numericTickers) {
            return Integer.toString(1000 + rnd.nextInt(9000));
        }
        int length = 2 + rnd.nextInt(3);
        StringBuilder t = new StringBuilder(6);
        for (int i = 0; i < r.stem.length() && t.length() < length; i++) {
            char ch = r.stem.charAt(i);
            if (ch >= 'a' && ch <= 'z') {
                t.append((char) (ch - 'a' + 'A'));
            } else if (ch >= 'A' && ch <= 'Z') {
                t.append(ch);
            }
        }
        while (t.length() < length) {
            t.append((char) ('A' + rnd.nextInt(26)));
        }
        if ((r.country == US || r.country == GB) && rnd.nextInt(25) == 0) {
            t.append(r.country == US ? ".B" : ".A");
        }
        return t.toString();
    }

    private static String letters(SplittableRandom rnd, int n) {
        char[] chars = new char[n];
        for (int i = 0; i < n; i++) {
            chars[i] = (char) ('A' + rnd.nextInt(26));
        }
        return new String(chars);
    }

    private static String badDate(SplittableRandom rnd, LocalDate d) {
        String year = Integer.toString(d.getYear());
        String month = twoDigits(d.getMonthValue());
        String day = twoDigits(d.getDayOfMonth());
        switch (rnd.nextInt(5)) {
            case 0:
                return year + "-02-30";
            case 1:
                return year + "-13-" + day;
            case 2:
                return day + "/" + month + "/" + year;
            case 3:
                return year + month + day;
            default:
                return year + "-" + month + "-32";
        }
    }

    private static String badTimestamp(SplittableRandom rnd, String valid) {
        // valid is yyyy-MM-ddTHH:mm:ssZ
        switch (rnd.nextInt(4)) {
            case 0:
                return valid.substring(0, 10) + " " + valid.substring(11, 19);
            case 1:
                return valid.substring(0, 5) + "02-30" + valid.substring(10);
            case 2:
                return valid.substring(0, 11) + "25" + valid.substring(13);
            default:
                return valid.substring(8, 10) + "." + valid.substring(5, 7) + "." + valid.substring(0, 4) + " "
                        + valid.substring(11, 19);
        }
    }

    private static String badDecimal(SplittableRandom rnd, String valid) {
        switch (rnd.nextInt(4)) {
            case 0:
                return valid.indexOf('.') >= 0 ? valid.replace('.', ',') : valid + ",0";
            case 1:
                return valid + "%";
            case 2:
                return "N/A";
            default:
                return valid + (valid.indexOf('.') >= 0 ? ".0" : ".0.0");
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Formatting
    // ---------------------------------------------------------------------------------------------------------

    /** A 9-digit national number from a bijective scramble of {@code index}, behind the country prefix. */
    static String isin(String country, long index) {
        long nsin = (index * 387_420_489L + 731_905_262L) % 1_000_000_000L; // 3^18 is coprime to 10^9
        char[] chars = new char[12];
        chars[0] = country.charAt(0);
        chars[1] = country.charAt(1);
        for (int i = 10; i >= 2; i--) {
            chars[i] = (char) ('0' + nsin % 10);
            nsin /= 10;
        }
        chars[11] = (char) ('0' + Isin.checkDigit(new String(chars, 0, 11)));
        return new String(chars);
    }

    /** Appends {@code value} as one CSV field: quoted (quotes doubled) when it holds a comma, quote, CR or LF. */
    static void appendField(StringBuilder out, String value) {
        int n = value.length();
        boolean quote = false;
        for (int i = 0; i < n; i++) {
            char ch = value.charAt(i);
            if (ch == ',' || ch == '"' || ch == '\n' || ch == '\r') {
                quote = true;
                break;
            }
        }
        if (!quote) {
            out.append(value);
            return;
        }
        out.append('"');
        for (int i = 0; i < n; i++) {
            char ch = value.charAt(i);
            if (ch == '"') {
                out.append('"');
            }
            out.append(ch);
        }
        out.append('"');
    }

    private static String coupon(int milli) {
        int whole = milli / 1000;
        int frac = milli % 1000;
        if (frac == 0) {
            return Integer.toString(whole);
        }
        String digits = Integer.toString(1000 + frac).substring(1);
        int end = digits.length();
        while (digits.charAt(end - 1) == '0') {
            end--;
        }
        return whole + "." + digits.substring(0, end);
    }

    private static String twoDigits(int v) {
        return v < 10 ? "0" + v : Integer.toString(v);
    }

    private static String date(long epochDay) {
        LocalDate d = LocalDate.ofEpochDay(epochDay);
        char[] c = new char[10];
        put4(c, 0, d.getYear());
        c[4] = '-';
        put2(c, 5, d.getMonthValue());
        c[7] = '-';
        put2(c, 8, d.getDayOfMonth());
        return new String(c);
    }

    private static String timestamp(long epochSecond) {
        long day = Math.floorDiv(epochSecond, DAY);
        int secondOfDay = (int) Math.floorMod(epochSecond, DAY);
        LocalDate d = LocalDate.ofEpochDay(day);
        char[] c = new char[20];
        put4(c, 0, d.getYear());
        c[4] = '-';
        put2(c, 5, d.getMonthValue());
        c[7] = '-';
        put2(c, 8, d.getDayOfMonth());
        c[10] = 'T';
        put2(c, 11, secondOfDay / 3600);
        c[13] = ':';
        put2(c, 14, secondOfDay / 60 % 60);
        c[16] = ':';
        put2(c, 17, secondOfDay % 60);
        c[19] = 'Z';
        return new String(c);
    }

    private static void put4(char[] c, int at, int v) {
        c[at] = (char) ('0' + v / 1000 % 10);
        c[at + 1] = (char) ('0' + v / 100 % 10);
        c[at + 2] = (char) ('0' + v / 10 % 10);
        c[at + 3] = (char) ('0' + v % 10);
    }

    private static void put2(char[] c, int at, int v) {
        c[at] = (char) ('0' + v / 10);
        c[at + 1] = (char) ('0' + v % 10);
    }

    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static <T> T pick(SplittableRandom rnd, T[] items) {
        return items[rnd.nextInt(items.length)];
    }

    // ---------------------------------------------------------------------------------------------------------
    // The row being written
    // ---------------------------------------------------------------------------------------------------------

    private static final class Row {
        String isin;
        String ticker;
        String name;
        String issuer;
        String currency;
        String mic;
        String status;
        String op;
        String stem;
        String maturity;
        String coupon;
        String updatedAt;
        AssetClass assetClass;
        Country country;
        boolean government;
        boolean comma;
        boolean quote;
        boolean lineBreak;
        boolean nonAscii;
        long maturityDay;
        int couponMilli;
        long updatedEpoch;

        /** Formats maturity, coupon and updated_at from their numbers. */
        void finish() {
            maturity = maturityDay == Long.MIN_VALUE ? "" : date(maturityDay);
            coupon = couponMilli < 0 ? "" : coupon(couponMilli);
            updatedAt = timestamp(updatedEpoch);
        }

        int fill(String[] f, boolean opColumn) {
            finish();
            return fillFinished(f, opColumn);
        }

        int fillFinished(String[] f, boolean opColumn) {
            f[0] = isin;
            f[1] = ticker;
            f[2] = name;
            f[3] = assetClass.name();
            f[4] = currency;
            f[5] = mic;
            f[6] = issuer;
            f[7] = country.code;
            f[8] = maturity;
            f[9] = coupon;
            f[10] = status;
            f[11] = updatedAt;
            if (opColumn) {
                f[12] = op;
                return 13;
            }
            return 12;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Output: UTF-8 bytes or characters, counting bytes either way
    // ---------------------------------------------------------------------------------------------------------

    private abstract static class Sink {
        char[] scratch = new char[1024];

        abstract void byteOrderMark() throws IOException;

        abstract void write(StringBuilder text) throws IOException;

        abstract void finish() throws IOException;

        abstract long bytes();

        char[] chars(StringBuilder text) {
            if (scratch.length < text.length()) {
                scratch = new char[Math.max(text.length(), scratch.length * 2)];
            }
            text.getChars(0, text.length(), scratch, 0);
            return scratch;
        }
    }

    private static final class Utf8Sink extends Sink {
        private final OutputStream out;
        private final byte[] buffer = new byte[1 << 16];
        private int position;
        private long drained;

        Utf8Sink(OutputStream out) {
            this.out = out;
        }

        @Override
        void byteOrderMark() {
            buffer[position++] = (byte) 0xEF;
            buffer[position++] = (byte) 0xBB;
            buffer[position++] = (byte) 0xBF;
        }

        @Override
        void write(StringBuilder text) throws IOException {
            int n = text.length();
            char[] chars = chars(text);
            byte[] b = buffer;
            int p = position;
            int limit = b.length - 4;
            for (int i = 0; i < n; i++) {
                if (p > limit) {
                    position = p;
                    drain();
                    p = 0;
                }
                char ch = chars[i];
                if (ch < 0x80) {
                    b[p++] = (byte) ch;
                } else if (ch < 0x800) {
                    b[p++] = (byte) (0xC0 | ch >> 6);
                    b[p++] = (byte) (0x80 | ch & 0x3F);
                } else if (Character.isHighSurrogate(ch) && i + 1 < n && Character.isLowSurrogate(chars[i + 1])) {
                    int cp = Character.toCodePoint(ch, chars[++i]);
                    b[p++] = (byte) (0xF0 | cp >> 18);
                    b[p++] = (byte) (0x80 | cp >> 12 & 0x3F);
                    b[p++] = (byte) (0x80 | cp >> 6 & 0x3F);
                    b[p++] = (byte) (0x80 | cp & 0x3F);
                } else if (Character.isSurrogate(ch)) {
                    b[p++] = '?';
                } else {
                    b[p++] = (byte) (0xE0 | ch >> 12);
                    b[p++] = (byte) (0x80 | ch >> 6 & 0x3F);
                    b[p++] = (byte) (0x80 | ch & 0x3F);
                }
            }
            position = p;
        }

        private void drain() throws IOException {
            out.write(buffer, 0, position);
            drained += position;
            position = 0;
        }

        @Override
        void finish() throws IOException {
            drain();
            out.flush();
        }

        @Override
        long bytes() {
            return drained + position;
        }
    }

    private static final class CharSink extends Sink {
        private final Writer out;
        private long bytes;

        CharSink(Writer out) {
            this.out = out;
        }

        @Override
        void byteOrderMark() throws IOException {
            out.write('\uFEFF');
            bytes += 3;
        }

        @Override
        void write(StringBuilder text) throws IOException {
            int n = text.length();
            char[] chars = chars(text);
            out.write(chars, 0, n);
            long size = n;
            for (int i = 0; i < n; i++) {
                char ch = chars[i];
                if (ch >= 0x80) {
                    if (ch < 0x800) {
                        size += 1;
                    } else if (Character.isHighSurrogate(ch) && i + 1 < n && Character.isLowSurrogate(chars[i + 1])) {
                        size += 2; // 4 bytes for 2 chars
                        i++;
                    } else if (!Character.isSurrogate(ch)) {
                        size += 2;
                    }
                }
            }
            bytes += size;
        }

        @Override
        void finish() throws IOException {
            out.flush();
        }

        @Override
        long bytes() {
            return bytes;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Reference data the records are made of
    // ---------------------------------------------------------------------------------------------------------

    private record Country(String code, String currency, String[] mics, String[] suffixes, String[] nonAsciiStems,
                           String sovereign, String sovereignNonAscii, String bondTicker, boolean numericTickers) {
    }

    private record Venue(String mic, String currency) {
    }

    private static String[] a(String... items) {
        return items;
    }

    private static final Country US = new Country("US", "USD", a("XNYS", "XNAS"),
            a("Inc.", "Corp.", "Holdings Inc.", "Group Inc."), a("Café", "Crème", "Señor", "Zoë", "Noël", "Façade"),
            "United States Treasury", null, "T", false);
    private static final Country DE = new Country("DE", "EUR", a("XETR", "XFRA"), a("AG", "SE", "GmbH & Co. KGaA"),
            a("Müller", "Weißenfels", "Görlitz", "Brückner", "Südwest", "Lübeck", "Fürth", "Schöller"),
            "Bundesrepublik Deutschland", null, "DBR", false);
    private static final Country GB = new Country("GB", "GBP", a("XLON"), a("plc", "Group plc", "Holdings plc"),
            a("Brontë", "Pâtisserie", "Café", "Noël"), "United Kingdom Gilt", null, "UKT", false);
    private static final Country FR = new Country("FR", "EUR", a("XPAR"), a("SA", "SE", "S.C.A."),
            a("Crédit Régional", "Électro", "Hôtelière", "Générale", "Côte d'Azur", "Sécurité", "Rhône",
                    "Île-de-France"),
            "Republique Francaise", "République Française", "FRTR", false);
    private static final Country JP = new Country("JP", "JPY", a("XTKS"),
            a("Corporation", "Co. Ltd.", "Holdings Co. Ltd."),
            a("東京", "大阪", "名古屋", "横浜", "𠮷田", "京都", "札幌", "福岡"),
            "Japan Government Bond", "日本国債", "JGB", true);
    private static final Country CH = new Country("CH", "CHF", a("XSWX"), a("AG", "SA", "Holding AG"),
            a("Zürcher", "Genève", "Graubünden", "Neuchâtel", "Glärnisch"),
            "Swiss Confederation", "Confédération suisse", "SWISS", false);
    private static final Country NL = new Country("NL", "EUR", a("XAMS"), a("N.V.", "Holding N.V."),
            a("Coöperatieve", "Curaçao", "Geïntegreerde"), "Kingdom of the Netherlands", null, "NETHER", false);
    private static final Country IT = new Country("IT", "EUR", a("XMIL"), a("S.p.A."),
            a("Città", "Società", "Forlì", "Cantù"), "Buoni Poliennali del Tesoro", null, "BTPS", false);
    private static final Country ES = new Country("ES", "EUR", a("XMAD"), a("S.A."),
            a("Ibérica", "Compañía", "Andalucía", "León", "Cádiz", "Logroño"),
            "Reino de Espana", "Reino de España", "SPGB", false);
    private static final Country SE = new Country("SE", "SEK", a("XSTO"), a("AB", "AB (publ)"),
            a("Göteborg", "Malmö", "Skåne", "Västra", "Örebro", "Jönköping"), "Kingdom of Sweden", null, "SGB", false);
    private static final Country DK = new Country("DK", "DKK", a("XCSE"), a("A/S"),
            a("Søholm", "Ålborg", "Næstved", "Køge", "Århus"), "Kingdom of Denmark", null, "DGB", false);
    private static final Country NO = new Country("NO", "NOK", a("XOSL"), a("ASA"),
            a("Tromsø", "Bodø", "Sjøfart", "Ålesund", "Trøndelag"), "Kingdom of Norway", null, "NGB", false);
    private static final Country CA = new Country("CA", "CAD", a("XTSE"), a("Inc.", "Corp.", "Ltd."),
            a("Québec", "Montréal", "Trois-Rivières", "Lévis"), "Government of Canada", null, "CAN", false);
    private static final Country IE = new Country("IE", "EUR", a("XDUB"), a("plc", "Ltd."),
            a("Éire", "Dún Laoghaire", "Ó Briain"), "Ireland", "Éire", "IRISH", false);
    private static final Country LU = new Country("LU", "EUR", a("XLUX"), a("S.A."),
            a("Société Luxembourgeoise", "Crédit Européen", "Kirchberg Équité"),
            "Grand Duchy of Luxembourg", "Grand-Duché de Luxembourg", "LUXGB", false);

    private static final Venue XETR_EUR = new Venue("XETR", "EUR");
    private static final Venue[] US_ETF_VENUES = {new Venue("ARCX", "USD"), new Venue("XNAS", "USD")};
    private static final Venue[] EUROPE_ETF_VENUES = {XETR_EUR, new Venue("XLON", "GBP"), new Venue("XLON", "USD"),
            new Venue("XSWX", "CHF"), new Venue("XPAR", "EUR"), new Venue("XAMS", "EUR"), new Venue("XMIL", "EUR")};

    private static final Weighted<Country> LISTED_COUNTRIES = new Weighted<Country>()
            .add(US, 30).add(DE, 12).add(GB, 10).add(FR, 8).add(JP, 10).add(CH, 6).add(NL, 4).add(IT, 3).add(ES, 3)
            .add(SE, 3).add(DK, 2).add(NO, 2).add(CA, 4).add(IE, 2).add(LU, 1);

    private enum AssetClass { EQUITY, BOND, ETF, FUND, WARRANT }

    private static final Weighted<Country> ETF_COUNTRIES = new Weighted<Country>()
            .add(IE, 50).add(LU, 25).add(US, 20).add(DE, 5);
    private static final Weighted<Country> FUND_COUNTRIES = new Weighted<Country>()
            .add(LU, 40).add(IE, 20).add(DE, 20).add(FR, 10).add(CH, 5).add(GB, 5);
    private static final Weighted<Country> WARRANT_COUNTRIES = new Weighted<Country>().add(DE, 80).add(CH, 20);

    /** Where instruments of a class are domiciled (the ISIN prefix). */
    private static Weighted<Country> countries(AssetClass assetClass) {
        switch (assetClass) {
            case ETF:
                return ETF_COUNTRIES;
            case FUND:
                return FUND_COUNTRIES;
            case WARRANT:
                return WARRANT_COUNTRIES;
            default:
                return LISTED_COUNTRIES;
        }
    }

    private static final Weighted<AssetClass> ASSET_CLASSES = new Weighted<AssetClass>()
            .add(AssetClass.EQUITY, 45).add(AssetClass.BOND, 30).add(AssetClass.ETF, 12).add(AssetClass.FUND, 8)
            .add(AssetClass.WARRANT, 5);

    private static final Weighted<String> STATUSES = new Weighted<String>()
            .add("ACTIVE", 92).add("SUSPENDED", 3).add("DELISTED", 5);

    private static final String[] STEMS = {"Atlas", "Meridian", "Nordwind", "Bluewater", "Kestrel", "Harbor",
        "Summit", "Pioneer", "Crescent", "Redwood", "Silverline", "Granite", "Evergreen", "Lakeside", "Northgate",
        "Ironbridge", "Westfield", "Orion", "Vantage", "Beacon", "Falcon", "Cobalt", "Horizon", "Sterling", "Alder",
        "Brightwater", "Cedar", "Highland", "Keystone", "Maple", "Aurora", "Bayview", "Clearwater", "Driftwood",
        "Eastbrook", "Foxhill", "Goldcrest", "Hawthorn", "Juniper", "Kingsbridge", "Larkspur", "Millbrook",
        "Newhaven", "Oakridge", "Pinecrest", "Quarry", "Riverside", "Stonegate", "Thornbury", "Upland", "Valemont",
        "Whitecliff", "Yarrow", "Zenith", "Arden", "Calder", "Dunmore", "Elmstead", "Fairview", "Glenrock"};

    private static final String[] SECTORS = {"Energy", "Pharma", "Logistics", "Semiconductors", "Bank", "Insurance",
        "Materials", "Telecom", "Retail", "Foods", "Mining", "Software", "Motors", "Chemicals", "Utilities",
        "Real Estate", "Capital", "Technologies", "Healthcare", "Airlines", "Shipping", "Steel", "Biotech", "Media",
        "Brewing", "Industries", "Resources", "Networks", "Robotics", "Paper"};

    private static final String[] JP_SECTORS = {"精機", "電機", "化学工業", "製作所", "銀行", "商事", "電鉄", "製薬"};

    private static final String[] BANK_STEMS = {"Kestrel", "Meridian", "Sterling", "Atlas", "Northgate", "Keystone"};

    private static final String[] ETF_PROVIDER_WORDS = {"Invest", "Global Markets", "Index Solutions", "ETF Partners"};

    private static final String[] INDICES = {"MSCI World", "S&P 500", "Euro Stoxx 50", "FTSE 100", "Nikkei 225",
        "MSCI Emerging Markets", "Global Aggregate Bond", "Euro Government Bond 7-10yr", "Nasdaq 100",
        "STOXX Europe 600", "MSCI ACWI", "Global Clean Energy", "US Treasury 1-3yr"};

    private static final String[] ETF_SHARE_CLASSES = {"", "", " (Acc)", " (Dist)", " USD (Acc)",
        " EUR Hedged (Dist)"};

    private static final String[] FUND_HOUSE_WORDS = {"Capital", "Investors", "Partners", "Fonds"};

    private static final String[] STRATEGIES = {"European Equity", "Global Bond", "Multi Asset Income",
        "Emerging Markets Debt", "Small Cap Growth", "Sustainable Balanced", "Short Duration Credit",
        "Asia Pacific Equity"};

    private static final String[] FUND_SHARE_CLASSES = {"A EUR", "I USD Acc", "B CHF Hedged", "R EUR Dist", "C"};

    private static final String[][] COMMA_RULES = {{" Co. Ltd.", " Co., Ltd."}, {" Inc.", ", Inc."},
        {" Ltd.", ", Ltd."}, {" Corp.", ", Corp."}};

    private static final String[] COMMA_TAILS = {"Class A", "Series 7", "Reg. S", "Bearer Shares", "Acc"};

    private static final String[] NICKNAMES = {"Class A", "B", "New", "Blue Chip", "Old"};

    private static final String[] SECOND_LINES = {"Registered Shares", "Namens-Aktien o.N.", "Bearer Shares",
        "Class A", "Sub-Fund"};

    /** Picks an item with probability proportional to its weight. */
    private static final class Weighted<T> {
        private final List<T> items = new ArrayList<>();
        private int[] cumulative = new int[0];

        Weighted<T> add(T item, int weight) {
            items.add(item);
            int[] next = Arrays.copyOf(cumulative, cumulative.length + 1);
            next[next.length - 1] = (cumulative.length == 0 ? 0 : cumulative[cumulative.length - 1]) + weight;
            cumulative = next;
            return this;
        }

        T pick(SplittableRandom rnd) {
            int x = rnd.nextInt(cumulative[cumulative.length - 1]);
            int i = 0;
            while (x >= cumulative[i]) {
                i++;
            }
            return items.get(i);
        }
    }
}
