package dev.refdata.ingest.core.csv;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ByteLanesTest {

    @Test
    void theFirstLaneOfEveryPossibleMaskIsItsLowestMatchingByte() {
        // a mask has the high bit of some of the eight lanes set: all 255 non-empty ones
        for (int lanes = 1; lanes < 256; lanes++) {
            long mask = 0;
            for (int k = 0; k < 8; k++) {
                if ((lanes & (1 << k)) != 0) {
                    mask |= 0x80L << (8 * k);
                }
            }
            assertThat(ByteLanes.firstLane(mask)).as("lanes %s", Integer.toBinaryString(lanes))
                    .isEqualTo(Integer.numberOfTrailingZeros(lanes));
        }
    }

    @Test
    void aSearchFindsTheFirstEqualByteInEveryPositionOfAWord() {
        for (int at = 0; at < 8; at++) {
            byte[] text = "abcdefgh".getBytes(StandardCharsets.US_ASCII);
            text[at] = ',';
            if (at < 7) {
                text[7] = ','; // a later match, and the borrows it may cause, do not hide the first
            }
            long hits = ByteLanes.equalLanes(ByteLanes.wordAt(text, 0), ByteLanes.broadcast((byte) ','));
            assertThat(ByteLanes.firstLane(hits)).isEqualTo(at);
        }
    }

    @Test
    void aZeroByteAfterAMatchDoesNotMoveIt() {
        byte[] text = {'x', 'y', 0, 0, 'z', 'z', 'z', 'z'};
        assertThat(ByteLanes.firstLane(ByteLanes.zeroLanes(ByteLanes.wordAt(text, 0)))).isEqualTo(2);
    }
}
