package dev.refdata.ingest.core.domain;

/**
 * How a feed's CSV is written. Text is UTF-8, with or without a byte-order mark; records end with LF, CRLF or
 * a lone CR (all three are accepted, as the CSV reader accepts them); a field that starts with the quote
 * character is quoted and may then hold delimiters, doubled quotes and line breaks.
 *
 * @param delimiter field separator, an ASCII character other than the quote, CR and LF
 * @param quote     quote character, ASCII
 * @param header    whether the first record is a header naming the columns
 */
public record CsvDialect(char delimiter, char quote, boolean header) {

    public static final CsvDialect RFC4180_WITH_HEADER = new CsvDialect(',', '"', true);

    public CsvDialect {
        if (delimiter > 0x7F || quote > 0x7F) {
            throw new IllegalArgumentException("delimiter and quote must be ASCII characters");
        }
        if (delimiter == quote) {
            throw new IllegalArgumentException("delimiter and quote must differ");
        }
        for (char c : new char[] {delimiter, quote}) {
            if (c == '\r' || c == '\n' || c == 0) {
                throw new IllegalArgumentException("delimiter and quote cannot be CR, LF or NUL");
            }
        }
    }
}
