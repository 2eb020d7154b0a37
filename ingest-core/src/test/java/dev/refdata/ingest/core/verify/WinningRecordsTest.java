package dev.refdata.ingest.core.verify;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class WinningRecordsTest {

    private record Offer(String id, long version, boolean delete, int chunk, long line) {
    }

    /** Ids recurring across three chunks: newer versions, equal versions (the first stays), deletes, ties. */
    private static final List<Offer> OFFERS = List.of(
            new Offer("A", 5, false, 0, 2), new Offer("B", 3, false, 0, 3), new Offer("C", 7, false, 0, 4),
            new Offer("D", 1, false, 0, 5),
            new Offer("A", 6, false, 1, 10), new Offer("B", 3, true, 1, 11), new Offer("C", 7, false, 1, 12),
            new Offer("D", 2, true, 1, 13), new Offer("E", 1, true, 1, 14),
            new Offer("A", 4, true, 2, 20), new Offer("B", 3, true, 2, 21), new Offer("C", 8, true, 2, 22),
            new Offer("E", 2, false, 2, 23));

    @Test
    void chunksOfferedAsBatchesInPlanOrderDecideAsOneRecordAtATime() {
        WinningRecords oneByOne = new WinningRecords(4);
        for (Offer o : OFFERS) {
            oneByOne.offer(o.id(), o.version(), o.delete(), o.chunk(), o.line());
        }
        WinningRecords batched = new WinningRecords(4);
        for (int chunk = 0; chunk < 3; chunk++) {
            WinningRecords.ChunkOffers offers = new WinningRecords.ChunkOffers(chunk);
            for (Offer o : OFFERS) {
                if (o.chunk() == chunk) {
                    offers.add(o.id(), o.version(), o.delete(), o.line());
                }
            }
            batched.offerAll(offers);
        }

        for (WinningRecords w : List.of(oneByOne, batched)) {
            assertThat(w.ids()).isEqualTo(5);
            assertThat(w.present()).as("A (v6), B (its first record, an upsert) and E (v2) end as upserts")
                    .isEqualTo(3);
            assertThat(w.ambiguous()).as("B: an upsert and two deletes, all version 3").isEqualTo(2);
            assertThat(w.isWinner("A", 1, 10)).isTrue();
            assertThat(w.isWinner("B", 0, 3)).as("the first of equal versions").isTrue();
            assertThat(w.isWinner("C", 2, 22)).isTrue();
            assertThat(w.isWinner("C", 0, 4)).isFalse();
            assertThat(w.isWinner("E", 2, 23)).isTrue();
        }
    }

    @Test
    void aChunkCollectsBeyondItsFirstCapacity() {
        assertCollectsFiveThousand(new WinningRecords.ChunkOffers(3));
    }

    @Test
    void aChunkSizedForFewerRecordsThanItGetsStillCollectsThemAll() {
        assertCollectsFiveThousand(new WinningRecords.ChunkOffers(3, 0));
        assertCollectsFiveThousand(new WinningRecords.ChunkOffers(3, 4_999));
    }

    private static void assertCollectsFiveThousand(WinningRecords.ChunkOffers offers) {
        for (int i = 0; i < 5_000; i++) {
            offers.add("id-" + i, i, i % 10 == 0, i + 2);
        }
        WinningRecords winners = new WinningRecords(16);

        winners.offerAll(offers);

        assertThat(offers.size()).isEqualTo(5_000);
        assertThat(winners.ids()).isEqualTo(5_000);
        assertThat(winners.present()).isEqualTo(4_500);
        assertThat(winners.isWinner("id-4999", 3, 5_001)).isTrue();
    }
}
