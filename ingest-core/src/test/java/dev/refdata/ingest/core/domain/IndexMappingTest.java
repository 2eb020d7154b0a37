package dev.refdata.ingest.core.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refdata.ingest.core.spec.DatasetCatalog;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IndexMappingTest {

    private final IndexMapping mapping = IndexMapping.of(DatasetCatalog.builtIn().get("instruments"));

    @Test
    void theInstrumentsMappingIsStrictAndTypedFromTheColumns() {
        JsonNode m = mapping.mappings();
        JsonNode p = m.get("properties");

        assertThat(m.get("dynamic").asText()).isEqualTo("strict");
        assertThat(p.get("isin").get("type").asText()).isEqualTo("keyword");
        assertThat(p.get("name").get("type").asText()).isEqualTo("text");
        assertThat(p.get("name").get("fields").get("keyword").get("type").asText()).isEqualTo("keyword");
        assertThat(p.get("maturity").get("type").asText()).isEqualTo("date");
        assertThat(p.get("maturity").get("format").asText()).isEqualTo("strict_date");
        assertThat(p.get("updated_at").get("type").asText()).isEqualTo("date");
        assertThat(p.get("coupon").get("type").asText()).isEqualTo("double");
        assertThat(p.get("ingest").get("properties").get("run_id").get("type").asText()).isEqualTo("keyword");
        assertThat(p.size()).as("twelve columns and the bookkeeping object").isEqualTo(13);
    }

    @Test
    void theCreateIndexBodyCarriesShardsReplicasAndRefresh() throws Exception {
        JsonNode body = new ObjectMapper().readTree(mapping.createIndexBody(0, "-1"));

        assertThat(body.at("/settings/index/number_of_shards").asInt()).isEqualTo(1);
        assertThat(body.at("/settings/index/number_of_replicas").asInt()).isZero();
        assertThat(body.at("/settings/index/refresh_interval").asText()).isEqualTo("-1");
        assertThat(body.at("/mappings/dynamic").asText()).isEqualTo("strict");
    }
}
