package dev.refdata.ingest.core.load;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.refdata.ingest.core.csv.CsvRecord;
import dev.refdata.ingest.core.domain.ColumnSpec;
import dev.refdata.ingest.core.domain.ColumnType;
import dev.refdata.ingest.core.domain.DatasetSpec;
import dev.refdata.ingest.core.domain.HeaderLayout;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
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
 */
public final class DocumentConverter {

    /** Joins the values of a multi-column id. */
    public static final String ID_SEPARATOR = "|";
    private static final int MAX_ID_BYTES = 512;
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("uuuu-MM-dd", Locale.ROOT)
            .withResolverStyle(ResolverStyle.STRICT);

    public enum Operation { UPSERT, DELETE }

    // Names and constant values encoded once: the generator copies their quoted UTF-8 bytes as they are.
    private static final SerializedString INDEX = new SerializedString("index");
    private static final SerializedString DELETE = new SerializedString("delete");
    private static final SerializedString ID = new SerializedString("_id");
    private static final SerializedString VERSION = new SerializedString("version");
    private static final SerializedString VERSION_TYPE = new SerializedString("version_type");
    private static final SerializedString EXTERNAL = new SerializedString("external");
    private static final SerializedString INGEST = new SerializedString(DatasetSpec.INGEST_FIELD);
    private static final SerializedString RUN_ID = new SerializedString("run_id");
    private static final SerializedString SOURCE = new SerializedString("source");
    private static final SerializedString LINE = new SerializedString("line");

    private final DatasetSpec spec;
    private final ColumnSpec[] columns;
    private final int[] positions;
    private final int[] idPositions;
    private final int versionPosition;
    private final ColumnType versionType;
    private final int operationPosition;
    private final int width;
    private final SerializedString[] names;
    private final SerializedString runId;
    private final SerializedString source;
    private final Sink sink = new Sink();
    private final JsonGenerator json;

    private Operation lastOperation;
    private String lastId;
    private long lastVersion;

    public DocumentConverter(DatasetSpec spec, HeaderLayout layout, String runId, String source) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.runId = new SerializedString(Objects.requireNonNull(runId, "runId"));
        this.source = new SerializedString(Objects.requireNonNull(source, "source"));
        List<ColumnSpec> cols = spec.columns();
        this.columns = cols.toArray(new ColumnSpec[0]);
        this.names = new SerializedString[columns.length];
        for (int i = 0; i < columns.length; i++) {
            names[i] = new SerializedString(columns[i].name());
        }
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
        try {
            this.json = new JsonFactory().createGenerator(sink, JsonEncoding.UTF8);
            this.json.setRootValueSeparator(null); // lines are separated by the '\n' written after each one
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
        sink.target = buffer;
        try {
            writeAction(lastOperation, lastId, lastVersion);
            if (lastOperation == Operation.UPSERT) {
                writeDocument(record);
            }
            json.flush();
        } catch (IOException e) {
            buffer.abandonItem();
            throw new UncheckedIOException(e);
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
                case DATE -> {
                    if (!IsoDates.isSimpleDate(value)) {
                        LocalDate.parse(value, DATE);
                    }
                }
                case TIMESTAMP -> {
                    if (IsoDates.epochMillis(value) == IsoDates.NOT_SIMPLE) {
                        OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
                    }
                }
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
        long millis = IsoDates.epochMillis(value);
        if (millis != IsoDates.NOT_SIMPLE) {
            return millis;
        }
        return OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant().toEpochMilli();
    }

    private void writeAction(Operation op, String id, long version) throws IOException {
        json.writeStartObject();
        json.writeFieldName(op == Operation.DELETE ? DELETE : INDEX);
        json.writeStartObject();
        json.writeFieldName(ID);
        json.writeString(id);
        if (version >= 0) {
            json.writeFieldName(VERSION);
            json.writeNumber(version);
            json.writeFieldName(VERSION_TYPE);
            json.writeString(EXTERNAL);
        }
        json.writeEndObject();
        json.writeEndObject();
        json.writeRaw('\n');
    }

    private void writeDocument(CsvRecord record) throws IOException {
        json.writeStartObject();
        for (int i = 0; i < columns.length; i++) {
            String value = record.field(positions[i]);
            if (value.isEmpty()) {
                continue;
            }
            json.writeFieldName(names[i]);
            switch (columns[i].type()) {
                case STRING, DATE, TIMESTAMP -> json.writeString(value);
                case INTEGER -> json.writeNumber(Long.parseLong(value));
                case DECIMAL -> json.writeNumber(value);
                case BOOLEAN -> json.writeBoolean(value.equalsIgnoreCase("true"));
            }
        }
        json.writeFieldName(INGEST);
        json.writeStartObject();
        json.writeFieldName(RUN_ID);
        json.writeString(runId);
        json.writeFieldName(SOURCE);
        json.writeString(source);
        json.writeFieldName(LINE);
        json.writeNumber(record.line());
        json.writeEndObject();
        json.writeEndObject();
        json.writeRaw('\n');
    }

    /** Lets one long-lived generator write into whichever buffer is being filled. */
    private static final class Sink extends OutputStream {
        BulkBuffer target;

        @Override
        public void write(int b) {
            target.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            target.write(b, off, len);
        }
    }
}
