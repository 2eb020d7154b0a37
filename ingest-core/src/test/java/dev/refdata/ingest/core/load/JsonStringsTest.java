package dev.refdata.ingest.core.load;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The converter's own JSON string writer: the same bytes as Jackson's generator wrote before it (but for characters
 * beyond U+FFFF, which Jackson escapes as two surrogates and this writes as their 4-byte UTF-8), and text that any
 * JSON parser reads back as the original string.
 */
class JsonStringsTest {

    private static final JsonFactory JACKSON = new JsonFactory();
    private static final ObjectMapper READER = new ObjectMapper();

    @Property(tries = 3000)
    void writesTheBytesJacksonsGeneratorWroteAndReadsBackAsTheSameString(@ForAll("text") String value)
            throws IOException {
        byte[] ours = ours(value);

        assertThat(READER.readValue(ours, String.class)).isEqualTo(value);
        if (value.chars().noneMatch(c -> Character.isSurrogate((char) c))) {
            assertThat(new String(ours, StandardCharsets.UTF_8)).isEqualTo(new String(jackson(value), StandardCharsets.UTF_8));
        }
    }

    @Property(tries = 2000)
    void theContentOfAUtf8RangeIsWhatTheStringWriterWritesBetweenTheQuotesWhateverSurroundsIt(
            @ForAll("text") String value, @ForAll("surroundings") String before, @ForAll("surroundings") String after) {
        // the lone surrogates of the generator cannot be UTF-8 text: the range holds well-formed text only
        String text = value.chars().anyMatch(c -> Character.isSurrogate((char) c))
                ? value.replaceAll("[\\uD800-\\uDFFF]", "?") : value;
        byte[] content = text.getBytes(StandardCharsets.UTF_8);
        byte[] src = (before + text + after).getBytes(StandardCharsets.UTF_8);
        int from = before.getBytes(StandardCharsets.UTF_8).length;
        byte[] out = new byte[content.length * 6 + 1];
        out[out.length - 1] = 'Z';

        int end = JsonStrings.writeContent(src, from, from + content.length, out, 0);

        byte[] quoted = ours(text);
        assertThat(Arrays.copyOf(out, end)).isEqualTo(Arrays.copyOfRange(quoted, 1, quoted.length - 1));
        assertThat(out[out.length - 1]).as("nothing written past the content").isEqualTo((byte) 'Z');
    }

    @Provide
    Arbitrary<String> surroundings() {
        return Arbitraries.strings().withChars('"', '\\', '\n', (char) 0, 'a', 'é').ofMaxLength(17);
    }

    @Test
    void controlCharactersQuotesAndBackslashesAreEscapedAsJacksonDoes() {
        String value = "a\"b\\c\bd\te\nf\fg\rh" + (char) 0 + (char) 0x1F + (char) 0x7F + "é€😀";

        assertThat(new String(ours(value), StandardCharsets.UTF_8))
                .isEqualTo("\"a\\\"b\\\\c\\bd\\te\\nf\\fg\\rh\\u0000\\u001F" + (char) 0x7F + "é€😀\"");
    }

    @Test
    void aCharacterBeyondTheBasicPlaneIsItsFourUtf8BytesNotTwoEscapes() throws IOException {
        byte[] written = ours("😀");

        assertThat(written).containsExactly('"', 0xF0, 0x9F, 0x98, 0x80, '"');
        assertThat(READER.readValue(written, String.class)).isEqualTo("😀");
    }

    @Test
    void aLoneSurrogateBecomesAnEscapeNotInvalidUtf8() throws IOException {
        String value = "x" + (char) 0xD83D + "y" + (char) 0xDE00;

        byte[] written = ours(value);

        assertThat(new String(written, StandardCharsets.US_ASCII)).isEqualTo("\"x\\uD83Dy\\uDE00\"");
        assertThat(READER.readValue(written, String.class)).isEqualTo(value);
    }

    @Provide
    Arbitrary<String> text() {
        Arbitrary<Character> interesting = Arbitraries.of('"', '\\', '\b', '\t', '\n', '\f', '\r', (char) 0, (char) 0x1F,
                (char) 0x7F, (char) 0x80, 'é', (char) 0x7FF, (char) 0x800, '€', (char) 0xFFFF);
        Arbitrary<String> pairs = Arbitraries.of("😀", "𝄞", "\uD800\uDC00", "\uDBFF\uDFFF");
        Arbitrary<String> plain = Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(8);
        Arbitrary<String> piece = Arbitraries.oneOf(plain, interesting.map(String::valueOf), pairs,
                Arbitraries.strings().withCharRange((char) 0x100, (char) 0xD7FF).ofMaxLength(3));
        return piece.list().ofMaxSize(12).map(parts -> String.join("", parts));
    }

    private static byte[] ours(String value) {
        byte[] out = new byte[value.length() * 6 + 2];
        int end = JsonStrings.write(value, out, 0);
        return Arrays.copyOf(out, end);
    }

    private static byte[] jackson(String value) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator json = JACKSON.createGenerator(out, JsonEncoding.UTF8)) {
            json.writeString(value);
        }
        return out.toByteArray();
    }
}
