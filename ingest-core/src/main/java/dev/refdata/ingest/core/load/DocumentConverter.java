package dev.refdata.ingest.core.load;

import dev.refdata.ingest.core.csv.CsvRecord;
import dev.refdata.ingest.core.domain.ColumnCheck;
import dev.refdata.ingest.core.domain.ColumnSpec;
import dev.refdata.ingest.core.domain.ColumnType;
import dev.refdata.ingest.core.domain.DatasetSpec;
import dev.refdata.ingest.core.domain.HeaderLayout;
import dev.refdata.ingest.core.domain.IdHash;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Turns a CSV record into its {@code _bulk} lines, written once, straight into a {@link BulkBuffer}: an action
 * line with the document id (and external version), then the document. Every cell is converted by its column's
 * type; an empty cell is an absent field, never an empty string. A record that cannot be converted is left out
 * of the buffer and its reason returned. {@link #identify} runs the same validation without writing anything.
 *
 * <p>The JSON is written as bytes, without a generator: what never changes (the action line's frame, each
 * field's quoted name and separator, the {@code ingest} block up to the line number) is encoded once per
 * converter, and only the values are encoded per record ({@link JsonStrings}). The bytes are the ones Jackson's
 * generator wrote before, but for characters beyond U+FFFF (UTF-8 now, escapes before).
 *
 * <p>Values are read where they are in the record's UTF-8 bytes, never made into strings: a string cell is
 * measured by its bytes and copied into the JSON with only its escapes added, and a typed cell that is plain
 * ASCII is checked on its bytes (dates, timestamps, decimals, the ISIN check: array reads that the C1-only JIT
 * the functions are deployed with compiles inline), or through a {@link CharSequence} view of them where the JDK
 * parses (whole numbers, the rare shapes of dates). A cell that holds anything else (a character beyond ASCII
 * in a typed column, doubled quotes) is decoded to a string first, so every rule is applied to exactly the value
 * the CSV holds.
 */
public final class DocumentConverter {

    /** Joins the values of a multi-column id. */
    public static final String ID_SEPARATOR = "|";
    private static final int MAX_ID_BYTES = 512;
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("uuuu-MM-dd", Locale.ROOT)
            .withResolverStyle(ResolverStyle.STRICT);

    public enum Operation { UPSERT, DELETE }

    // What never changes, encoded once: the generator-free writer copies these bytes as they are.
    private static final byte[] INDEX_ACTION = ascii("{\"index\":{\"_id\":");
    private static final byte[] DELETE_ACTION = ascii("{\"delete\":{\"_id\":");
    private static final byte[] VERSION = ascii(",\"version\":");
    private static final byte[] EXTERNAL = ascii(",\"version_type\":\"external\"");
    private static final byte[] END_ACTION = ascii("}}\n");
    private static final byte[] END_DOCUMENT = ascii("}}\n");
    private static final byte[] TRUE = ascii("true");
    private static final byte[] FALSE = ascii("false");

    private final DatasetSpec spec;
    private final ColumnSpec[] columns;
    private final int[] positions;
    private final int[] idPositions;
    private final int versionPosition;
    private final ColumnType versionType;
    private final int operationPosition;
    private final int width;
    /** Per column: {@code "name":} for the first field of a document, {@code ,"name":} for the others. */
    private final byte[][] firstNames;
    private final byte[][] nextNames;
    /** {@code "ingest":{"run_id":"…","source":"…","line":}, with its leading comma for a document with fields. */
    private final byte[] ingestFirst;
    private final byte[] ingestNext;

    /** A view of one plain-ASCII cell's bytes, reused cell after cell. */
    private final AsciiView view = new AsciiView();
    /** {@link #ID_SEPARATOR} in UTF-8. */
    private final byte[] idSeparator;

    private Operation lastOperation;
    /** The record of the last id, which {@link #lastId()} decodes when asked. */
    private CsvRecord lastIdRecord;
    private String lastId;
    private long lastVersion;

    public DocumentConverter(DatasetSpec spec, HeaderLayout layout, String runId, String source) {
        this.spec = Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(source, "source");
        List<ColumnSpec> cols = spec.columns();
        this.columns = cols.toArray(new ColumnSpec[0]);
        this.firstNames = new byte[columns.length][];
        this.nextNames = new byte[columns.length][];
        for (int i = 0; i < columns.length; i++) {
            String quoted = json(columns[i].name()) + ":";
            firstNames[i] = utf8("{" + quoted);
            nextNames[i] = utf8("," + quoted);
        }
        String ingest = json(DatasetSpec.INGEST_FIELD) + ":{\"run_id\":" + json(runId) + ",\"source\":" + json(source)
                + ",\"line\":";
        this.ingestFirst = utf8("{" + ingest);
        this.ingestNext = utf8("," + ingest);
        this.positions = new int[columns.length];
        for (int i = 0; i < columns.length; i++) {
            positions[i] = layout.positionOf(columns[i].name());
            if (positions[i] < 0) {
                throw new IllegalArgumentException("the layout lacks column '" + columns[i].name() + "'");
            }
        }
        this.idPositions = spec.idColumns().stream().mapToInt(layout::positionOf).toArray();
        this.idSeparator = utf8(ID_SEPARATOR);
        this.versionPosition = spec.version().map(c -> layout.positionOf(c.name())).orElse(-1);
        this.versionType = spec.version().map(ColumnSpec::type).orElse(null);
        this.operationPosition = spec.operation().map(layout::positionOf).orElse(-1);
        this.width = layout.width();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** {@code text} as a quoted JSON string. */
    private static String json(String text) {
        BulkBuffer one = new BulkBuffer(text.length() * 6 + 2);
        one.writeJsonString(text);
        return new String(one.body().bytes(), 0, one.length(), StandardCharsets.UTF_8);
    }

    /** The operation of the last record appended or identified. */
    public Operation lastOperation() {
        return lastOperation;
    }

    /** The document id of the last record appended or identified. */
    public String lastId() {
        if (lastId == null && lastIdRecord != null) {
            lastId = id(lastIdRecord);
        }
        return lastId;
    }

    /**
     * The {@link IdHash} of the document id of the last record appended or identified, hashed where its bytes lie
     * in the record: the same as {@code IdHash.of(lastId())}, without making the id a string (unless a field of it
     * holds doubled quotes, whose value is not its bytes).
     */
    public long lastIdHash() {
        CsvRecord record = lastIdRecord;
        if (record == null) {
            throw new IllegalStateException("no record has been appended or identified");
        }
        long h = IdHash.START;
        for (int i = 0; i < idPositions.length; i++) {
            if (i > 0) {
                h = IdHash.add(h, idSeparator, 0, idSeparator.length);
            }
            int position = idPositions[i];
            if (record.fieldHasDoubledQuotes(position)) {
                byte[] value = utf8(record.field(position));
                h = IdHash.add(h, value, 0, value.length);
            } else {
                h = IdHash.add(h, record.block(), record.fieldStart(position), record.fieldEnd(position));
            }
        }
        return IdHash.finish(h);
    }

    /** The external version of the last record appended or identified, or -1 when the dataset has no version column. */
    public long lastVersion() {
        return lastVersion;
    }

    /**
     * Validates the record exactly as {@link #append} does and, when it is accepted, makes its id, version and
     * operation the {@code last*} values, without writing any bytes: for a reader that needs to know what the
     * loader made of a record (the verifier) but not its document.
     *
     * @return {@code null} when the record would be appended, else why it is rejected
     */
    public String identify(CsvRecord record) {
        if (record.isMalformed()) {
            return record.problem();
        }
        if (record.fieldCount() != width) {
            return "expected " + width + " columns, found " + record.fieldCount();
        }
        Operation op = Operation.UPSERT;
        if (operationPosition >= 0 && !record.fieldIsEmpty(operationPosition)) {
            CharSequence value = trim(text(record, operationPosition));
            if (equalsIgnoreCase(value, "delete")) {
                op = Operation.DELETE;
            } else if (value.length() > 0 && !equalsIgnoreCase(value, "upsert")) {
                return "column '" + spec.operation().orElseThrow() + "': unknown operation '" + value
                        + "' (expected upsert, delete or empty)";
            }
        }
        String problem = validate(record, op);
        if (problem != null) {
            return problem;
        }
        if (idBytes(record) > MAX_ID_BYTES) {
            return "the document id is longer than " + MAX_ID_BYTES + " bytes";
        }
        lastVersion = versionPosition >= 0 ? version(record, versionPosition) : -1;
        lastOperation = op;
        lastIdRecord = record;
        lastId = null;
        return null;
    }

    /**
     * Appends the record's bulk lines as one item.
     *
     * @return {@code null} when appended, else why the record is rejected (the buffer is then unchanged)
     */
    public String append(CsvRecord record, BulkBuffer buffer) {
        String problem = identify(record);
        if (problem != null) {
            return problem;
        }
        buffer.beginItem();
        writeAction(buffer, lastOperation, record, lastVersion);
        if (lastOperation == Operation.UPSERT) {
            writeDocument(buffer, record);
        }
        buffer.endItem();
        return null;
    }

    private String validate(CsvRecord record, Operation op) {
        for (int i = 0; i < columns.length; i++) {
            ColumnSpec column = columns[i];
            int position = positions[i];
            if (record.fieldIsEmpty(position)) {
                if (column.required()) {
                    return "column '" + column.name() + "' is required but empty";
                }
                continue;
            }
            if (op == Operation.DELETE && !isKeyColumn(i)) {
                continue; // a delete needs only its id and version
            }
            int length = charLength(record, position, column.maxLength());
            if (length > column.maxLength()) {
                return "column '" + column.name() + "' holds " + length + " characters, more than its limit of "
                        + column.maxLength();
            }
            if (column.type() == ColumnType.STRING && column.check() == ColumnCheck.NONE) {
                continue; // any text of that length: nothing to look at
            }
            boolean ascii = isPlainAscii(record, position);
            String problem = typeProblem(column, record, position, ascii);
            if (problem != null) {
                return "column '" + column.name() + "': " + problem;
            }
            String checkProblem = ascii
                    ? column.check().problem(record.block(), record.fieldStart(position), record.fieldEnd(position))
                    : column.check().problem(record.field(position));
            if (checkProblem != null) {
                return "column '" + column.name() + "': " + checkProblem;
            }
        }
        return null;
    }

    /**
     * The cell's length in chars (UTF-16 units, as {@code String.length()} counts), exactly when it may be over
     * {@code limit}: a UTF-8 cell has at least as many bytes as chars, so one within the limit in bytes is not
     * counted.
     */
    private static int charLength(CsvRecord record, int position, int limit) {
        int bytes = record.fieldEnd(position) - record.fieldStart(position);
        return bytes <= limit ? bytes : record.fieldValueChars(position);
    }

    /**
     * Whether the cell's value is its bytes as they stand, all of them ASCII: then the checks read the bytes (and
     * the value's bytes and chars are counted alike).
     */
    private static boolean isPlainAscii(CsvRecord record, int position) {
        if (record.fieldHasDoubledQuotes(position)) {
            return false;
        }
        byte[] bytes = record.block();
        for (int i = record.fieldStart(position), end = record.fieldEnd(position); i < end; i++) {
            if (bytes[i] < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * The cell's value as text: a view of its bytes when they are plain ASCII (valid until the next call), else
     * the decoded string. For what the JDK parses (whole numbers, {@code java.time}'s rare shapes) and for messages.
     */
    private CharSequence text(CsvRecord record, int position) {
        return isPlainAscii(record, position)
                ? view.of(record.block(), record.fieldStart(position), record.fieldEnd(position))
                : record.field(position);
    }

    /** {@code String.trim()} for either kind of text: chars up to the space cut from both ends. */
    private static CharSequence trim(CharSequence value) {
        int start = 0;
        int end = value.length();
        while (start < end && value.charAt(start) <= ' ') {
            start++;
        }
        while (end > start && value.charAt(end - 1) <= ' ') {
            end--;
        }
        return start == 0 && end == value.length() ? value : value.subSequence(start, end);
    }

    /**
     * {@code String.equalsIgnoreCase} for either kind of text: a string is asked itself (beyond ASCII, it matches
     * more than letters' cases: U+017F, the long s, equals {@code s}); an ASCII view is compared by ASCII case.
     */
    private static boolean equalsIgnoreCase(CharSequence value, String word) {
        if (value instanceof String s) {
            return s.equalsIgnoreCase(word);
        }
        int n = word.length();
        if (value.length() != n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                c = (char) (c + ('a' - 'A'));
            }
            if (c != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private boolean isKeyColumn(int columnIndex) {
        int position = positions[columnIndex];
        if (position == versionPosition) {
            return true;
        }
        for (int id : idPositions) {
            if (id == position) {
                return true;
            }
        }
        return false;
    }

    /**
     * Why the cell is not a value of its column's type, or {@code null}. The common shapes of dates, timestamps
     * and decimals are read from the cell's bytes when they are plain ASCII; text beyond ASCII is never one of
     * them, so it goes to {@code java.time} (or is no decimal) as it is.
     */
    private String typeProblem(ColumnSpec column, CsvRecord record, int position, boolean ascii) {
        byte[] bytes = record.block();
        int from = record.fieldStart(position);
        int to = record.fieldEnd(position);
        try {
            switch (column.type()) {
                case STRING -> {
                    return null;
                }
                case INTEGER -> parseLong(text(record, position));
                case DECIMAL -> {
                    if (!ascii || !isPlainDecimal(bytes, from, to)) {
                        return "'" + shorten(text(record, position)) + "' is not a decimal number";
                    }
                    // digits, an optional sign and at most one point: always a valid BigDecimal, no need to build one
                }
                case BOOLEAN -> {
                    CharSequence value = text(record, position);
                    if (!equalsIgnoreCase(value, "true") && !equalsIgnoreCase(value, "false")) {
                        return "'" + shorten(value) + "' is not a boolean (true or false)";
                    }
                }
                case DATE -> {
                    if (!ascii || !IsoDates.isSimpleDate(bytes, from, to)) {
                        LocalDate.parse(text(record, position), DATE);
                    }
                }
                case TIMESTAMP -> {
                    if (!ascii || IsoDates.epochMillis(bytes, from, to) == IsoDates.NOT_SIMPLE) {
                        OffsetDateTime.parse(text(record, position), DateTimeFormatter.ISO_OFFSET_DATE_TIME);
                    }
                }
            }
            return null;
        } catch (NumberFormatException e) {
            return "'" + shorten(text(record, position)) + "' is not "
                    + (column.type() == ColumnType.INTEGER ? "a whole number" : "a decimal number");
        } catch (DateTimeParseException e) {
            return "'" + shorten(text(record, position)) + "' is not " + (column.type() == ColumnType.DATE
                    ? "a date (yyyy-MM-dd)" : "an ISO-8601 timestamp with offset (e.g. 2026-11-27T02:00:00Z)");
        }
    }

    /** {@code Long.parseLong} of either kind of text. */
    private static long parseLong(CharSequence value) {
        return value instanceof String s ? Long.parseLong(s) : Long.parseLong(value, 0, value.length(), 10);
    }

    /** Digits with an optional sign and one decimal point: what JSON and OpenSearch accept as written. */
    private static boolean isPlainDecimal(byte[] bytes, int from, int to) {
        int i = bytes[from] == '-' ? from + 1 : from;
        boolean digits = false;
        boolean point = false;
        for (; i < to; i++) {
            byte c = bytes[i];
            if (c >= '0' && c <= '9') {
                digits = true;
            } else if (c == '.' && !point) {
                point = true;
            } else {
                return false;
            }
        }
        return digits;
    }

    private static String shorten(CharSequence value) {
        String text = value.toString();
        return text.length() <= 64 ? text : text.substring(0, 61) + "...";
    }

    private String id(CsvRecord record) {
        if (idPositions.length == 1) {
            return record.field(idPositions[0]);
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < idPositions.length; i++) {
            if (i > 0) {
                sb.append(ID_SEPARATOR);
            }
            sb.append(record.field(idPositions[i]));
        }
        return sb.toString();
    }

    /** The UTF-8 length of the record's document id. */
    private int idBytes(CsvRecord record) {
        int bytes = (idPositions.length - 1) * idSeparator.length;
        for (int position : idPositions) {
            bytes += record.fieldValueBytes(position);
        }
        return bytes;
    }

    /** External versions are non-negative longs: a timestamp becomes epoch milliseconds. */
    private long version(CsvRecord record, int position) {
        if (versionType == ColumnType.INTEGER) {
            return parseLong(text(record, position));
        }
        if (isPlainAscii(record, position)) {
            long millis = IsoDates.epochMillis(record.block(), record.fieldStart(position), record.fieldEnd(position));
            if (millis != IsoDates.NOT_SIMPLE) {
                return millis;
            }
        }
        return OffsetDateTime.parse(text(record, position), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant()
                .toEpochMilli();
    }

    private void writeAction(BulkBuffer out, Operation op, CsvRecord record, long version) {
        out.write(op == Operation.DELETE ? DELETE_ACTION : INDEX_ACTION);
        out.write('"');
        for (int i = 0; i < idPositions.length; i++) {
            if (i > 0) {
                out.writeJsonStringContent(idSeparator, 0, idSeparator.length);
            }
            writeContent(out, record, idPositions[i]);
        }
        out.write('"');
        if (version >= 0) {
            out.write(VERSION);
            out.writeLong(version);
            out.write(EXTERNAL);
        }
        out.write(END_ACTION);
    }

    private void writeDocument(BulkBuffer out, CsvRecord record) {
        boolean first = true;
        for (int i = 0; i < columns.length; i++) {
            int position = positions[i];
            if (record.fieldIsEmpty(position)) {
                continue;
            }
            out.write(first ? firstNames[i] : nextNames[i]);
            first = false;
            switch (columns[i].type()) {
                case STRING, DATE, TIMESTAMP -> {
                    if (record.fieldHasDoubledQuotes(position)) {
                        out.writeJsonString(record.field(position));
                    } else {
                        out.writeJsonString(record.block(), record.fieldStart(position), record.fieldEnd(position));
                    }
                }
                case INTEGER -> out.writeLong(parseLong(text(record, position)));
                case DECIMAL -> writeContent(out, record, position); // a plain decimal (checked): digits, sign, point
                case BOOLEAN -> out.write(equalsIgnoreCase(text(record, position), "true") ? TRUE : FALSE);
            }
        }
        out.write(first ? ingestFirst : ingestNext);
        out.writeLong(record.line());
        out.write(END_DOCUMENT);
    }

    /** The cell's value as the inside of a JSON string, from its bytes. */
    private static void writeContent(BulkBuffer out, CsvRecord record, int position) {
        if (record.fieldHasDoubledQuotes(position)) {
            byte[] value = utf8(record.field(position));
            out.writeJsonStringContent(value, 0, value.length);
        } else {
            out.writeJsonStringContent(record.block(), record.fieldStart(position), record.fieldEnd(position));
        }
    }

    /**
     * A plain-ASCII cell's bytes read as chars, without copying them: what the checks of typed cells read. One
     * instance is pointed at cell after cell; {@link #subSequence} and {@link #toString} make strings.
     */
    private static final class AsciiView implements CharSequence {
        private byte[] bytes;
        private int start;
        private int length;

        AsciiView of(byte[] bytes, int start, int end) {
            this.bytes = bytes;
            this.start = start;
            this.length = end - start;
            return this;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public char charAt(int index) {
            if (index < 0 || index >= length) {
                // by hand: under the C1-only JIT the functions are deployed with, the profile put samples in
                // Objects.checkIndex's path
                throw new IndexOutOfBoundsException("index " + index + " of " + length);
            }
            return (char) bytes[start + index];
        }

        @Override
        public CharSequence subSequence(int from, int to) {
            Objects.checkFromToIndex(from, to, length);
            return new String(bytes, start + from, to - from, StandardCharsets.US_ASCII);
        }

        @Override
        public String toString() {
            return new String(bytes, start, length, StandardCharsets.US_ASCII);
        }
    }
}
