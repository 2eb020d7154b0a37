package dev.refdata.ingest.core.service;

import dev.refdata.ingest.core.domain.Chunk;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.port.in.InvalidSourceException;
import dev.refdata.ingest.core.port.in.PlanChunksCommand;
import dev.refdata.ingest.core.port.in.PlanChunksResult;
import dev.refdata.ingest.core.spec.DatasetCatalog;
import dev.refdata.ingest.core.spec.InvalidDatasetSpecException;
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
