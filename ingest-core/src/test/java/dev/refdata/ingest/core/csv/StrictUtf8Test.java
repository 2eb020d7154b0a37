package dev.refdata.ingest.core.csv;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The UTF-8 check finds exactly the first byte where the JDK's strict decoder stops, or none when it does not. */
class StrictUtf8Test {

    @Provide
    Arbitrary<byte[]> bytes() {
        // runs of ASCII long enough for the eight-byte skip, valid characters of every length, and any byte
        Arbitrary<String> ascii = Arbitraries.strings().ascii().ofMinLength(1).ofMaxLength(20);
        Arbitrary<String> wide = Arbitraries.of("é", "ø", "東", "京", "😀", "𠮷", "\uFEFF", "\uFFFF", "\u0800", "\u07FF",
                "\uD7FF", "\uE000", "\uDBFF\uDFFF");
        Arbitrary<byte[]> anyByte = Arbitraries.bytes().map(b -> new byte[] {b});
        Arbitrary<byte[]> edgeBytes = Arbitraries.of(0x80, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4,
                0xF5, 0xFF, 0x9F, 0xA0, 0x8F, 0x90).map(b -> new byte[] {(byte) (int) b});
        Arbitrary<byte[]> part = Arbitraries.frequencyOf(
                Tuple.of(4, ascii.map(s -> s.getBytes(StandardCharsets.UTF_8))),
                Tuple.of(4, wide.map(s -> s.getBytes(StandardCharsets.UTF_8))),
                Tuple.of(1, anyByte),
                Tuple.of(2, edgeBytes));
        return part.list().ofMaxSize(12).map(parts -> {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            parts.forEach(out::writeBytes);
            return out.toByteArray();
        });
    }

    @Property(tries = 20_000)
    void theFirstInvalidByteIsWhereTheJdkDecoderReportsMalformedInput(@ForAll("bytes") byte[] bytes) {
        int expected = jdkFirstInvalid(bytes);

        assertThat(StrictUtf8.firstInvalid(bytes, 0, bytes.length)).isEqualTo(expected);
        Statistics.collect(expected < 0 ? "valid" : "invalid");
        Statistics.coverage(coverage -> {
            coverage.check("valid").percentage(p -> p >= 10);
            coverage.check("invalid").percentage(p -> p >= 10);
        });
    }

    @Property(tries = 2_000)
    void onlyTheGivenRangeIsChecked(@ForAll("bytes") byte[] bytes) {
        byte[] framed = new byte[bytes.length + 2];
        framed[0] = (byte) 0xFF;
        framed[framed.length - 1] = (byte) 0xE6;
        System.arraycopy(bytes, 0, framed, 1, bytes.length);
        int expected = jdkFirstInvalid(bytes);

        assertThat(StrictUtf8.firstInvalid(framed, 1, framed.length - 1)).isEqualTo(expected < 0 ? -1 : expected + 1);
    }

    private static int jdkFirstInvalid(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CoderResult result = decoder.decode(in, CharBuffer.allocate(bytes.length * 2 + 2), true);
        return result.isError() ? in.position() : -1;
    }
}
