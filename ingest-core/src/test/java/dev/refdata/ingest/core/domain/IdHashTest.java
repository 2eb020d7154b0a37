package dev.refdata.ingest.core.domain;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class IdHashTest {

    @Test
    void anIdsHashIsThatOfItsUtf8BytesWhetherItIsAsciiOrNot() {
        for (String id : List.of("", "US0378331005", "Zürich|2026", "株式|😀", "a\"b")) {
            byte[] utf8 = id.getBytes(StandardCharsets.UTF_8);
            assertThat(IdHash.of(id)).as(id).isEqualTo(IdHash.finish(IdHash.add(IdHash.START, utf8, 0, utf8.length)));
        }
    }

    @Test
    void bytesFedInPiecesHashAsTheWhole() {
        byte[] whole = "GB0002634946|XLON|café".getBytes(StandardCharsets.UTF_8);
        for (int cut = 0; cut <= whole.length; cut++) {
            long h = IdHash.add(IdHash.add(IdHash.START, whole, 0, cut), whole, cut, whole.length);
            assertThat(IdHash.finish(h)).isEqualTo(IdHash.of("GB0002634946|XLON|café"));
        }
    }

    @Test
    void idsThatDifferInOneCharacterHashApart() {
        assertThat(IdHash.of("US0378331005")).isNotEqualTo(IdHash.of("US0378331006"))
                .isNotEqualTo(IdHash.of("US037833100"));
    }
}
