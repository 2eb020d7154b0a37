package dev.refdata.ingest.core.domain;

import dev.refdata.ingest.core.spec.DatasetCatalog;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HeaderLayoutTest {

    private static final DatasetSpec INSTRUMENTS = DatasetCatalog.builtIn().get("instruments");
    private static final List<String> HEADER = List.of("isin", "ticker", "name", "asset_class", "currency", "mic",
            "issuer", "country", "maturity", "coupon", "status", "updated_at");

    @Test
    void theExactInstrumentsHeaderResolvesWithOrWithoutTheOperationColumn() {
        HeaderLayout plain = HeaderLayout.resolve(INSTRUMENTS, HEADER);
        assertThat(plain.positionOf("isin")).isZero();
        assertThat(plain.positionOf("op")).isEqualTo(-1);

        List<String> withOp = new ArrayList<>(HEADER);
        withOp.add("op");
        assertThat(HeaderLayout.resolve(INSTRUMENTS, withOp).positionOf("op")).isEqualTo(12);
    }

    @Test
    void columnsMayComeInAnyOrder() {
        List<String> reversed = new ArrayList<>(HEADER);
        java.util.Collections.reverse(reversed);
        assertThat(HeaderLayout.resolve(INSTRUMENTS, reversed).positionOf("isin")).isEqualTo(11);
    }

    @Test
    void missingUnknownAndDuplicateColumnsAreAllNamed() {
        List<String> bad = new ArrayList<>(HEADER);
        bad.remove("coupon");
        bad.add("cupon");
        bad.add("ticker");
        assertThatThrownBy(() -> HeaderLayout.resolve(INSTRUMENTS, bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing columns [coupon]")
                .hasMessageContaining("unknown columns [cupon]")
                .hasMessageContaining("duplicate columns [ticker]");
    }
}
