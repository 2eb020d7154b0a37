package dev.refdata.ingest.core.csv;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A CSV file written from a model, with what each record must read back as: its fields and the physical line
 * it starts on. The oracle for the reader and planner properties.
 */
record CsvText(byte[] bytes, List<Expected> records, int headerBytes) {

    record Expected(List<String> fields, long line) {
    }

    /**
     * @param header      a header record, or null
     * @param records     the data records' fields
     * @param lineBreak   "\n" or "\r\n"
     * @param finalBreak  whether the last record ends with a line break
     * @param bom         whether a UTF-8 byte-order mark comes first
     * @param quoteAll    quote every field, not just those that need it
     * @param blankBefore for each record, how many empty lines come before it
     */
    static CsvText write(List<String> header, List<List<String>> records, String lineBreak, boolean finalBreak,
                         boolean bom, boolean quoteAll, List<Integer> blankBefore) {
        StringBuilder text = new StringBuilder();
        List<Expected> expected = new ArrayList<>();
        long line = 1;
        int headerBytes = 0;
        if (bom) {
            text.append('\uFEFF');
        }
        if (header != null) {
            String h = record(header, quoteAll);
            text.append(h).append(lineBreak);
            line += lineBreaks(h) + 1;
            headerBytes = text.toString().getBytes(StandardCharsets.UTF_8).length;
        }
        for (int i = 0; i < records.size(); i++) {
            int blanks = i < blankBefore.size() ? blankBefore.get(i) : 0;
            for (int b = 0; b < blanks; b++) {
                text.append(lineBreak);
                line++;
            }
            String r = record(records.get(i), quoteAll);
            expected.add(new Expected(records.get(i), line));
            text.append(r);
            line += lineBreaks(r);
            if (i < records.size() - 1 || finalBreak) {
                text.append(lineBreak);
                line++;
            }
        }
        return new CsvText(text.toString().getBytes(StandardCharsets.UTF_8), expected, headerBytes);
    }

    static String record(List<String> fields, boolean quoteAll) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            String f = fields.get(i);
            boolean lone = fields.size() == 1 && f.isEmpty(); // an unquoted empty lone field is a blank line
            if (quoteAll || lone || f.indexOf(',') >= 0 || f.indexOf('"') >= 0 || f.indexOf('\n') >= 0
                    || f.indexOf('\r') >= 0) {
                sb.append('"').append(f.replace("\"", "\"\"")).append('"');
            } else {
                sb.append(f);
            }
        }
        return sb.toString();
    }

    /** Physical line breaks in a text: LF, CRLF and a lone CR each count once. */
    static long lineBreaks(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n') {
                n++;
            } else if (c == '\r') {
                n++;
                if (i + 1 < s.length() && s.charAt(i + 1) == '\n') {
                    i++;
                }
            }
        }
        return n;
    }
}
