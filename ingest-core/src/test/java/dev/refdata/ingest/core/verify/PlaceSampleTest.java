package dev.refdata.ingest.core.verify;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlaceSampleTest {

    private static final long SEED = 42;

    private static PlaceSample<String> chunk(int chunk, int records) {
        PlaceSample<String> sample = new PlaceSample<>(SEED, 30);
        for (long line = 2; line < records + 2; line++) {
            long at = line;
            sample.offer(chunk, line, () -> chunk + ":" + at);
        }
        return sample;
    }

    @Test
    void perChunkSamplesMergedInAnyOrderEqualOneSampleOverAllRecords() {
        PlaceSample<String> whole = new PlaceSample<>(SEED, 30);
        List<PlaceSample<String>> parts = new ArrayList<>();
        for (int c = 0; c < 5; c++) {
            for (long line = 2; line < 1_002; line++) {
                long at = line;
                int chunk = c;
                whole.offer(c, line, () -> chunk + ":" + at);
            }
            parts.add(chunk(c, 1_000));
        }
        List<PlaceSample.Entry<String>> merged = PlaceSample.merge(parts, 30);
        Collections.reverse(parts);

        assertThat(merged).hasSize(30).isEqualTo(whole.entries());
        assertThat(PlaceSample.merge(parts, 30)).isEqualTo(merged);
        assertThat(merged).extracting(PlaceSample.Entry::chunk).as("drawn from every chunk").contains(0, 1, 2, 3, 4);
    }

    @Test
    void anotherSeedDrawsAnotherSampleAndTheSameSeedTheSameOne() {
        PlaceSample<String> a = chunk(0, 1_000);
        PlaceSample<String> b = new PlaceSample<>(SEED + 1, 30);
        for (long line = 2; line < 1_002; line++) {
            b.offer(0, line, () -> "x");
        }

        assertThat(chunk(0, 1_000).entries()).isEqualTo(a.entries());
        assertThat(b.entries()).extracting(PlaceSample.Entry::line)
                .isNotEqualTo(a.entries().stream().map(PlaceSample.Entry::line).toList());
    }

    @Test
    void aSampleWithoutRoomKeepsNothingAndNegativeRoomIsRefused() {
        PlaceSample<String> none = new PlaceSample<>(SEED, 0);
        none.offer(0, 2, () -> {
            throw new AssertionError("a record nobody keeps is never copied");
        });

        assertThat(none.entries()).isEmpty();
        assertThatThrownBy(() -> new PlaceSample<>(SEED, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
