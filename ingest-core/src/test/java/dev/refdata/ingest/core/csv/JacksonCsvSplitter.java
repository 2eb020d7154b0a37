package dev.refdata.ingest.core.csv;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.refdata.ingest.core.csv.CsvRecordParser.CsvRecordException;
import dev.refdata.ingest.core.domain.CsvDialect;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The oracle for {@link CsvRecordParser}: how framed records were split into fields before the byte-level
 * splitter, kept as it was (strict UTF-8 decoding, the check for NUL, byte-order marks and misplaced quotes over
 * the decoded text, then jackson-dataformat-csv's parser). Whatever it returns or throws is what the splitter
 * must return or throw.
 */
final class JacksonCsvSplitter {

    private final CsvFactory factory = new CsvFactory();
    private final CsvSchema schema;
    private final CsvDialect dialect;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final List<String> fields = new ArrayList<>();
    private char[] chars = new char[64 * 1024];

    JacksonCsvSplitter(CsvDialect dialect) {
        this.dialect = dialect;
        this.schema = CsvSchema.emptySchema()
                .withColumnSeparator(dialect.delimiter())
                .withQuoteChar(dialect.quote())
                .withoutEscapeChar()
                .withoutHeader();
    }

    /** The tokens jackson-csv returns, one entry per row; a null entry is a VALUE_NULL. */
    int parseRows(byte[] buf, int off, int len, CsvRecordParser.RowSink sink) {
        int charCount = decode(buf, off, len);
        int rows = 0;
        try (CsvParser parser = factory.createParser(chars, 0, charCount)) {
            parser.setSchema(schema);
            JsonToken token;
            boolean inRow = false;
            while ((token = parser.nextToken()) != null) {
                switch (token) {
                    case START_ARRAY -> {
                        fields.clear();
                        inRow = true;
                    }
                    case VALUE_STRING -> fields.add(parser.getText());
                    case VALUE_NULL -> fields.add(null);
                    case END_ARRAY -> {
                        if (inRow) {
                            sink.row(fields.toArray(new String[0]));
                            rows++;
                            inRow = false;
                        }
                    }
                    default -> throw new CsvRecordException("unexpected CSV token " + token);
                }
            }
        } catch (JsonProcessingException e) {
            throw new CsvRecordException(e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    private int decode(byte[] buf, int off, int len) {
        if (chars.length < len) {
            chars = new char[Math.max(len, chars.length * 2)];
        }
        utf8.reset();
        CharBuffer out = CharBuffer.wrap(chars);
        ByteBuffer in = ByteBuffer.wrap(buf, off, len);
        try {
            var result = utf8.decode(in, out, true);
            if (result.isError()) {
                result.throwException();
            }
            result = utf8.flush(out);
            if (result.isError()) {
                result.throwException();
            }
        } catch (CharacterCodingException e) {
            throw new CsvRecordException("invalid UTF-8 at byte " + (in.position() - off) + " of the record");
        }
        int count = out.position();
        rejectInvisibleCharacters(count);
        return count;
    }

    private void rejectInvisibleCharacters(int count) {
        char[] text = chars;
        char quote = dialect.quote();
        char delimiter = dialect.delimiter();
        boolean quoted = false;
        for (int i = 0; i < count; i++) {
            char c = text[i];
            if (c > quote && c != 0xFEFF) {
                continue;
            }
            if (c == 0) {
                throw new CsvRecordException("a NUL character (byte 0x00) at character " + (i + 1) + " of the record");
            }
            if (c == 0xFEFF) {
                throw new CsvRecordException("a byte-order mark (U+FEFF) at character " + (i + 1)
                        + " of the record: were files concatenated with their marks?");
            }
            if (c != quote) {
                continue;
            }
            if (quoted) {
                if (i + 1 < count && text[i + 1] == quote) {
                    i++;
                } else {
                    quoted = false;
                }
            } else if (i == 0 || text[i - 1] == delimiter || text[i - 1] == '\n' || text[i - 1] == '\r') {
                quoted = true;
            } else {
                throw new CsvRecordException("a quote inside an unquoted field at character " + (i + 1)
                        + " of the record: quote the whole field, and double the quotes inside it");
            }
        }
    }
}
