package dev.refdata.ingest.core.service;

import dev.refdata.ingest.core.domain.Chunk;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.port.in.InvalidSourceException;
import dev.refdata.ingest.core.port.in.PlanChunksCommand;
import dev.refdata.ingest.core.port.in.PlanChunksResult;
import dev.refdata.ingest.core.port.out.ObjectStore;
import dev.refdata.ingest.core.spec.DatasetCatalog;
import dev.refdata.ingest.core.spec.InvalidDatasetSpecException;
import dev.refdata.ingest.core.testing.ControlledReadsObjectStore;
import dev.refdata.ingest.core.testing.InMemoryObjectStore;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlanChunksServiceTest {

    private static final String HEADER = "isin,ticker,name,asset_class,currency,mic,issuer,country,maturity,coupon,status,updated_at";
    private static final ObjectRef FILE = new ObjectRef("feeds", "2026-11-27/instruments.csv");

    private final InMemoryObjectStore objects = new InMemoryObjectStore();
    private final PlanChunksService planner = new PlanChunksService(objects, DatasetCatalog.builtIn());

    @Test
    void plansAnInstrumentsFileIntoChunksAndResolvesItsHeader() {
        objects.with(FILE, HEADER + ",op\n"
                + "US0378331005,AAPL,\"Apple, Inc.\",EQUITY,USD,XNAS,Apple,US,,,ACTIVE,2026-11-26T21:00:00Z,\n"
                + "DE0007164600,SAP,SAP SE,EQUITY,EUR,XETR,SAP,DE,,,ACTIVE,2026-11-26T21:00:00Z,upsert\n");

        PlanChunksResult result = planner.plan(new PlanChunksCommand(FILE, "instruments", 1));

        assertThat(result.plan().records()).isEqualTo(2);
        assertThat(result.plan().chunks()).extracting(Chunk::records).containsExactly(1L, 1L);
        assertThat(result.layout().positionOf("op")).isEqualTo(12);
    }

    @Test
    void aWrongHeaderNamesTheFileLineOneAndTheColumns() {
        objects.with(FILE, HEADER.replace("coupon", "cpn") + "\n");

        assertThatThrownBy(() -> planner.plan(new PlanChunksCommand(FILE, "instruments", 100)))
                .isInstanceOf(InvalidSourceException.class)
                .hasMessageStartingWith("feeds/2026-11-27/instruments.csv, line 1: header does not match dataset 'instruments'")
                .hasMessageContaining("missing columns [coupon]")
                .hasMessageContaining("unknown columns [cpn]");
    }

    @Test
    void anUnclosedQuoteNamesTheFileAndTheLineWhereItOpened() {
        objects.with(FILE, HEADER + "\nUS0378331005,AAPL,\"Apple,EQUITY\n");

        assertThatThrownBy(() -> planner.plan(new PlanChunksCommand(FILE, "instruments", 100)))
                .isInstanceOf(InvalidSourceException.class)
                .hasMessageStartingWith("feeds/2026-11-27/instruments.csv, line 2: a quoted field")
                .satisfies(e -> assertThat(((InvalidSourceException) e).line()).isEqualTo(2));
    }

    @Test
    void aFileReadInManyPartsIsPlannedAsReadInOne() {
        StringBuilder file = new StringBuilder(HEADER).append('\n');
        for (int i = 0; i < 500; i++) {
            file.append("US0378331005,T").append(i).append(",\"Name, ").append(i)
                    .append("\",EQUITY,USD,XNAS,Apple,US,,,ACTIVE,2026-11-26T21:00:00Z\n");
        }
        objects.with(FILE, file.toString());
        PlanChunksCommand command = new PlanChunksCommand(FILE, "instruments", 4096);

        PlanChunksResult inOne = new PlanChunksService(objects, DatasetCatalog.builtIn(), 1, file.length()).plan(command);
        PlanChunksResult inParts = new PlanChunksService(objects, DatasetCatalog.builtIn(), 3, 97).plan(command);

        assertThat(inParts.plan().chunks()).isEqualTo(inOne.plan().chunks()).hasSizeGreaterThan(5);
        assertThat(inParts.plan().records()).isEqualTo(500);
        assertThat(inParts.plan().objectSize()).isEqualTo(file.length());
    }

    @Test
    void anObjectCutShortSinceItWasDescribedIsRefusedSayingWhereItEnded() {
        objects.with(FILE, HEADER + "\nUS0378331005,AAPL,Apple,EQUITY,USD,XNAS,Apple,US,,,ACTIVE,2026-11-26T21:00:00Z\n");
        long size = objects.describe(FILE).size();
        ObjectStore shrunk = new ControlledReadsObjectStore(objects).cutAfter(100); // described before it was cut

        assertThatThrownBy(() -> new PlanChunksService(shrunk, DatasetCatalog.builtIn(), 2, 64)
                .plan(new PlanChunksCommand(FILE, "instruments", 100)))
                .isInstanceOf(InvalidSourceException.class)
                .hasMessageStartingWith("feeds/2026-11-27/instruments.csv: reading failed: reading feeds/2026-11-27/instruments.csv failed at byte 100")
                .hasMessageContaining("the stream ended at byte 100 of 128");
        assertThat(size).isGreaterThan(128);
    }

    @Test
    void aMissingObjectIsNamed() {
        assertThatThrownBy(() -> planner.plan(new PlanChunksCommand(FILE, "instruments", 100)))
                .isInstanceOf(InvalidSourceException.class)
                .hasMessage("feeds/2026-11-27/instruments.csv: no such object");
    }

    @Test
    void anEmptyObjectPlansNoChunks() {
        objects.with(FILE, "");

        assertThat(planner.plan(new PlanChunksCommand(FILE, "instruments", 100)).plan().chunks()).isEmpty();
    }

    @Test
    void aGzippedObjectIsNotCutByByteRange() {
        ObjectRef gz = new ObjectRef("feeds", "instruments.csv.gz");
        objects.with(gz, "x");

        assertThatThrownBy(() -> planner.plan(new PlanChunksCommand(gz, "instruments", 100)))
                .isInstanceOf(InvalidSourceException.class)
                .hasMessageContaining("gzipped");
    }

    @Test
    void anUnknownDatasetIsNamed() {
        objects.with(FILE, HEADER + "\n");

        assertThatThrownBy(() -> planner.plan(new PlanChunksCommand(FILE, "prices", 100)))
                .isInstanceOf(InvalidDatasetSpecException.class)
                .hasMessageContaining("unknown dataset 'prices'");
    }
}
