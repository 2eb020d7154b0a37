package dev.refdata.ingest.core.load;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import dev.refdata.ingest.core.testing.SurroundedBytes;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fast date paths never disagree with java.time: whatever they accept, java.time accepts with the same value,
 * and they accept the common shapes (so that the fast path is really taken).
 */
class IsoDatesTest {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("uuuu-MM-dd", Locale.ROOT)
            .withResolverStyle(ResolverStyle.STRICT);

    @Provide
    Arbitrary<String> timestampLike() {
        Arbitrary<String> year = Arbitraries.integers().between(0, 9999).map(y -> String.format(Locale.ROOT, "%04d", y));
        Arbitrary<String> month = twoDigits(0, 13);
        Arbitrary<String> day = twoDigits(0, 32);
        Arbitrary<String> hour = twoDigits(0, 25);
        Arbitrary<String> minute = twoDigits(0, 61);
        Arbitrary<String> separator = Arbitraries.of("T", "T", "T", "t", " ");
        Arbitrary<String> fraction = Arbitraries.strings().numeric().ofMinLength(0).ofMaxLength(10)
                .map(f -> f.isEmpty() ? "" : "." + f);
        Arbitrary<String> maybeDot = Arbitraries.of("", "", "", ".");
        Arbitrary<String> offset = Arbitraries.oneOf(Arbitraries.of("Z", "Z", "z", "-00:00", "+00:00", "+01", "+01:00:30",
                        "+18:00", "-18:00", "+18:01", "+19:00", "+05:60"),
                Combinators.combine(Arbitraries.of("+", "-"), twoDigits(0, 19), twoDigits(0, 60))
                        .as((sign, h, m) -> sign + h + ":" + m));
        Arbitrary<String> date = Combinators.combine(year, month, day).as((y, mo, d) -> y + "-" + mo + "-" + d);
        Arbitrary<String> time = Combinators.combine(hour, minute, minute).as((h, mi, s) -> h + ":" + mi + ":" + s);
        Arbitrary<String> fractionOrDot = fraction.flatMap(f -> maybeDot.map(d -> f.isEmpty() ? d : f));
        return Combinators.combine(date, separator, time, fractionOrDot, offset)
                .as((d, t, hms, f, o) -> d + t + hms + f + o);
    }

    private static Arbitrary<String> twoDigits(int min, int max) {
        return Arbitraries.integers().between(min, max).map(v -> String.format(Locale.ROOT, "%02d", v));
    }

    @Property(tries = 5000)
    void aTimestampTheFastPathReadsIsOneJavaTimeReadsTheSame(@ForAll("timestampLike") String text) {
        long fast = epochMillis(text);
        Long slow = javaTimeMillis(text);

        if (fast != IsoDates.NOT_SIMPLE) {
            assertThat(slow).as(text).isEqualTo(fast);
        }
        boolean commonShape = slow != null && text.charAt(10) == 'T' && (text.endsWith("Z") || text.charAt(text.length() - 3) == ':')
                && text.length() >= 20 && !text.contains(".Z") && !text.matches(".*\\.\\d{10}.*")
                && text.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,9})?(Z|[+-]\\d\\d:\\d\\d)");
        if (commonShape) {
            assertThat(fast).as("the common shape takes the fast path: %s", text).isNotEqualTo(IsoDates.NOT_SIMPLE);
        }
    }

    @Property(tries = 3000)
    void aDateTheFastPathAcceptsIsOneJavaTimeAccepts(@ForAll("timestampLike") String timestamp) {
        String text = timestamp.substring(0, 10);
        boolean valid = javaTimeDateIsValid(text);

        assertThat(isSimpleDate(text)).as(text).isEqualTo(valid);
    }

    @Test
    void otherShapesAreLeftToJavaTime() {
        assertThat(epochMillis("2026-11-27T02:00Z")).isEqualTo(IsoDates.NOT_SIMPLE);
        assertThat(epochMillis("+12026-11-27T02:00:00Z")).isEqualTo(IsoDates.NOT_SIMPLE);
        assertThat(isSimpleDate("+12026-11-27")).isFalse();
        assertThat(isSimpleDate("2026-11-7")).isFalse();
    }

    @Test
    void theCommonShapesGiveJavaTimesValues() {
        assertThat(epochMillis("2026-11-27T02:00:00Z")).isEqualTo(javaTimeMillis("2026-11-27T02:00:00Z"));
        assertThat(epochMillis("1969-12-31T23:59:59.999-01:30"))
                .isEqualTo(javaTimeMillis("1969-12-31T23:59:59.999-01:30"));
        assertThat(epochMillis("2024-02-29T12:34:56.123456789+05:45"))
                .isEqualTo(javaTimeMillis("2024-02-29T12:34:56.123456789+05:45"));
        assertThat(isSimpleDate("2000-02-29")).isTrue();
        assertThat(isSimpleDate("1900-02-29")).isFalse();
    }

    @Test
    void everyDayOfTheCommonCenturiesAndTheMonthEndsOfEveryYearGiveJavaTimesDay() {
        List<String> wrong = new ArrayList<>();
        for (int year = 0; year <= 9999; year++) {
            boolean common = year >= 1880 && year <= 2220; // beyond the fast path's table at both ends
            for (int month = 0; month <= 13; month++) {
                for (int day = 0; day <= 32; day++) {
                    if (!common && day > 0 && day < 28) {
                        continue; // elsewhere only where months end
                    }
                    String date = String.valueOf(new char[] {digit(year, 1000), digit(year, 100), digit(year, 10),
                            digit(year, 1), '-', digit(month, 10), digit(month, 1), '-', digit(day, 10), digit(day, 1)});
                    boolean valid = month >= 1 && month <= 12 && day >= 1
                            && day <= YearMonth.of(year, month).lengthOfMonth();
                    long expected = valid ? LocalDate.of(year, month, day).toEpochDay() * 86_400_000L
                            : IsoDates.NOT_SIMPLE;
                    if (isSimpleDate(date) != valid || epochMillis(date + "T00:00:00Z") != expected) {
                        wrong.add(date);
                    }
                }
            }
        }
        assertThat(wrong).isEmpty();
        assertThat(javaTimeDateIsValid("2100-02-29")).as("java.time agrees on a case the loop judged").isFalse();
    }

    private static char digit(int value, int place) {
        return (char) ('0' + value / place % 10);
    }

    @Property(tries = 2000)
    void theFastPathsReadOnlyTheirRangeWhateverBytesSurroundIt(@ForAll("timestampLike") String text,
                                                               @ForAll byte[] before, @ForAll byte[] after) {
        SurroundedBytes inside = SurroundedBytes.of(before, text.getBytes(StandardCharsets.UTF_8), after);

        assertThat(IsoDates.epochMillis(inside.array(), inside.from(), inside.to())).as(text).isEqualTo(epochMillis(text));
        assertThat(IsoDates.isSimpleDate(inside.array(), inside.from(), inside.from() + 10)).as(text)
                .isEqualTo(isSimpleDate(text.substring(0, 10)));
    }

    @Test
    void textBeyondAsciiIsNeverTheCommonShape() {
        assertThat(epochMillis("2026-11-27T02:00:00\u017a")).isEqualTo(IsoDates.NOT_SIMPLE);
        assertThat(epochMillis("\u0662026-11-27T02:00:00Z")).isEqualTo(IsoDates.NOT_SIMPLE);
        assertThat(isSimpleDate("2026-11-2\u0667")).isFalse();
    }

    /** The fast path over the text's UTF-8 bytes, as the converter hands a cell's bytes over. */
    private static long epochMillis(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return IsoDates.epochMillis(bytes, 0, bytes.length);
    }

    private static boolean isSimpleDate(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return IsoDates.isSimpleDate(bytes, 0, bytes.length);
    }

    private static Long javaTimeMillis(String text) {
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static boolean javaTimeDateIsValid(String text) {
        try {
            LocalDate.parse(text, DATE);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
