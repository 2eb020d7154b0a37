package dev.refdata.ingest.core.load;

import dev.refdata.ingest.core.csv.CsvRecord;
import dev.refdata.ingest.core.domain.ColumnSpec;
import dev.refdata.ingest.core.domain.ColumnType;
import dev.refdata.ingest.core.domain.DatasetSpec;
import dev.refdata.ingest.core.domain.HeaderLayout;

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
 * <b>The test oracle:</b> {@link DocumentConverter} as it was before it read cells as bytes (commit 1f3cb9a),
 * decoding every cell to a string, kept as it was so that {@code DocumentConverterDifferentialTest} can hold the
 * byte-reading converter to the same output. It copies the production class on purpose: do not change it with
 * it, or the differential test proves nothing.
 *
 * <p>One change since: when the fast paths for dates and timestamps ({@link IsoDates}) came to read bytes, this
 * copy lost them and asks {@code java.time} alone, which makes it a stricter oracle ({@code IsoDatesTest} holds
 * the fast paths to {@code java.time} on its own).
 *
 * <p>Its own description, unchanged:
 *
 * Turns a CSV record into its {@code _bulk} lines, written once, straight into a {@link BulkBuffer}: an action
 * line with the document id (and external version), then the document. Every cell is converted by its column's
 * type; an empty cell is an absent field, never an empty string. A record that cannot be converted is left out
 * of the buffer and its reason returned. {@link #identify} runs the same validation without writing anything.
 *
 * <p>The JSON is written as bytes, without a generator: what never changes (the action line's frame, each
 * field's quoted name and separator, the {@code ingest} block up to the line number) is encoded once per
 * converter, and only the values are encoded per record ({@link JsonStrings}). The bytes are the ones Jackson's
 * generator wrote before, but for characters beyond U+FFFF (UTF-8 now, escapes before).
 */
final class StringDocumentConverter {

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

    private Operation lastOperation;
    private String lastId;
    private long lastVersion;

    StringDocumentConverter(DatasetSpec spec, HeaderLayout layout, String runId, String source) {
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
        return lastId;
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
        if (operationPosition >= 0) {
            String value = record.field(operationPosition).trim();
            if (value.equalsIgnoreCase("delete")) {
                op = Operation.DELETE;
            } else if (!value.isEmpty() && !value.equalsIgnoreCase("upsert")) {
                return "column '" + spec.operation().orElseThrow() + "': unknown operation '" + value
                        + "' (expected upsert, delete or empty)";
            }
        }
        String problem = validate(record, op);
        if (problem != null) {
            return problem;
        }
        String id = id(record);
        // a char is at most three UTF-8 bytes: only a long id needs encoding to be measured
        if (id.length() * 3 > MAX_ID_BYTES && id.getBytes(StandardCharsets.UTF_8).length > MAX_ID_BYTES) {
            return "the document id is longer than " + MAX_ID_BYTES + " bytes";
        }
        lastVersion = versionPosition >= 0 ? version(record.field(versionPosition)) : -1;
        lastOperation = op;
        lastId = id;
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
        writeAction(buffer, lastOperation, lastId, lastVersion);
        if (lastOperation == Operation.UPSERT) {
            writeDocument(buffer, record);
        }
        buffer.endItem();
        return null;
    }

    private String validate(CsvRecord record, Operation op) {
        for (int i = 0; i < columns.length; i++) {
            ColumnSpec column = columns[i];
            String value = record.field(positions[i]);
            if (value.isEmpty()) {
                if (column.required()) {
                    return "column '" + column.name() + "' is required but empty";
                }
                continue;
            }
            if (op == Operation.DELETE && !isKeyColumn(i)) {
                continue; // a delete needs only its id and version
            }
            if (value.length() > column.maxLength()) {
                return "column '" + column.name() + "' holds " + value.length() + " characters, more than its limit of "
                        + column.maxLength();
            }
            String problem = typeProblem(column, value);
            if (problem != null) {
                return "column '" + column.name() + "': " + problem;
            }
            String checkProblem = column.check().problem(value);
            if (checkProblem != null) {
                return "column '" + column.name() + "': " + checkProblem;
            }
        }
        return null;
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

    private static String typeProblem(ColumnSpec column, String value) {
        try {
            switch (column.type()) {
                case STRING -> {
                    return null;
                }
                case INTEGER -> Long.parseLong(value);
                case DECIMAL -> {
                    if (!isPlainDecimal(value)) {
                        return "'" + shorten(value) + "' is not a decimal number";
                    }
                    // digits, an optional sign and at most one point: always a valid BigDecimal, no need to build one
                }
                case BOOLEAN -> {
                    if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
                        return "'" + shorten(value) + "' is not a boolean (true or false)";
                    }
                }
                case DATE -> LocalDate.parse(value, DATE);
                case TIMESTAMP -> OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            }
            return null;
        } catch (NumberFormatException e) {
            return "'" + shorten(value) + "' is not " + (column.type() == ColumnType.INTEGER ? "a whole number" : "a decimal number");
        } catch (DateTimeParseException e) {
            return "'" + shorten(value) + "' is not " + (column.type() == ColumnType.DATE
                    ? "a date (yyyy-MM-dd)" : "an ISO-8601 timestamp with offset (e.g. 2026-11-27T02:00:00Z)");
        }
    }

    /** Digits with an optional sign and one decimal point: what JSON and OpenSearch accept as written. */
    private static boolean isPlainDecimal(String value) {
        int i = value.charAt(0) == '-' ? 1 : 0;
        boolean digits = false;
        boolean point = false;
        for (; i < value.length(); i++) {
            char c = value.charAt(i);
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

    private static String shorten(String value) {
        return value.length() <= 64 ? value : value.substring(0, 61) + "...";
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

    /** External versions are non-negative longs: a timestamp becomes epoch milliseconds. */
    private long version(String value) {
        if (versionType == ColumnType.INTEGER) {
            return Long.parseLong(value);
        }
        return OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant().toEpochMilli();
    }

    private static void writeAction(BulkBuffer out, Operation op, String id, long version) {
        out.write(op == Operation.DELETE ? DELETE_ACTION : INDEX_ACTION);
        out.writeJsonString(id);
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
            String value = record.field(positions[i]);
            if (value.isEmpty()) {
                continue;
            }
            out.write(first ? firstNames[i] : nextNames[i]);
            first = false;
            switch (columns[i].type()) {
                case STRING, DATE, TIMESTAMP -> out.writeJsonString(value);
                case INTEGER -> out.writeLong(Long.parseLong(value));
                case DECIMAL -> out.writeAscii(value); // a plain decimal (checked): digits, sign, point
                case BOOLEAN -> out.write(value.equalsIgnoreCase("true") ? TRUE : FALSE);
            }
        }
        out.write(first ? ingestFirst : ingestNext);
        out.writeLong(record.line());
        out.write(END_DOCUMENT);
    }
}
