package dev.refdata.ingest.core.spec;

import dev.refdata.ingest.core.domain.ColumnCheck;
import dev.refdata.ingest.core.domain.ColumnType;
import dev.refdata.ingest.core.domain.DatasetSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatasetSpecParserTest {

    private static DatasetSpec yaml(String text) {
        return DatasetSpecParser.parse("feeds/test.yaml",
                new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), DatasetSpecParser.Format.YAML);
    }

    private static final String MINIMAL = """
            name: ratings
            csv: { delimiter: ";", header: true }
            columns:
              - { name: id, type: integer, required: true }
              - { name: grade, type: string }
              - { name: as_of, type: date }
            id: id
            index: { alias: ratings, shards: 2, replicas: 0 }
            """;

    @Test
    void theBuiltInInstrumentsSpecDescribesTheFeed() {
        DatasetSpec spec = DatasetCatalog.builtIn().get("instruments");

        assertThat(spec.columnNames()).containsExactly("isin", "ticker", "name", "asset_class", "currency", "mic",
                "issuer", "country", "maturity", "coupon", "status", "updated_at");
        assertThat(spec.idColumns()).containsExactly("isin");
        assertThat(spec.column("isin").orElseThrow().check()).isEqualTo(ColumnCheck.ISIN);
        assertThat(spec.version().orElseThrow().type()).isEqualTo(ColumnType.TIMESTAMP);
        assertThat(spec.operation()).contains("op");
        assertThat(spec.column("name").orElseThrow().fullText()).isTrue();
        assertThat(spec.column("maturity").orElseThrow().type()).isEqualTo(ColumnType.DATE);
        assertThat(spec.column("coupon").orElseThrow().type()).isEqualTo(ColumnType.DECIMAL);
        assertThat(spec.index().alias()).isEqualTo("instruments");
        assertThat(spec.dialect().header()).isTrue();
    }

    @Test
    void aYamlSpecAddsAFeedWithoutCode() {
        DatasetSpec spec = yaml(MINIMAL);

        assertThat(spec.name()).isEqualTo("ratings");
        assertThat(spec.dialect().delimiter()).isEqualTo(';');
        assertThat(spec.dialect().quote()).isEqualTo('"');
        assertThat(spec.idColumns()).containsExactly("id");
        assertThat(spec.version()).isEmpty();
        assertThat(spec.index().shards()).isEqualTo(2);
    }

    @Test
    void aDirectoryOfSpecsExtendsTheCatalog(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("ratings.yml"), MINIMAL);

        DatasetCatalog catalog = DatasetCatalog.withDirectory(dir);

        assertThat(catalog.names()).containsExactly("instruments", "ratings");
        assertThatThrownBy(() -> catalog.get("prices"))
                .hasMessage("unknown dataset 'prices' (known: instruments, ratings)");
    }

    @Test
    void anUnknownKeyIsAnErrorNamingFileAndPath() {
        assertThatThrownBy(() -> yaml(MINIMAL.replace("type: string", "type: string, requird: true")))
                .isInstanceOf(InvalidDatasetSpecException.class)
                .hasMessageStartingWith("dataset spec feeds/test.yaml: columns[1].requird: unknown key");
    }

    @Test
    void anUnknownTypeListsTheKnownOnes() {
        assertThatThrownBy(() -> yaml(MINIMAL.replace("type: date", "type: datetime")))
                .hasMessageContaining("columns[2] (as_of).type: unknown column type 'datetime'")
                .hasMessageContaining("string, integer, decimal, boolean, date, timestamp");
    }

    @Test
    void anIdColumnMustExistAndBeRequired() {
        assertThatThrownBy(() -> yaml(MINIMAL.replace("id: id", "id: grade")))
                .hasMessageContaining("id column 'grade' must be required");
        assertThatThrownBy(() -> yaml(MINIMAL.replace("id: id", "id: [nope]")))
                .hasMessageContaining("id column 'nope' is not a column");
    }

    @Test
    void aVersionColumnMustBeATimestampOrInteger() {
        assertThatThrownBy(() -> yaml(MINIMAL + "version: grade\n"))
                .hasMessageContaining("version column 'grade' must be a timestamp or an integer");
    }

    @Test
    void brokenSyntaxNamesTheLine() {
        assertThatThrownBy(() -> yaml("name: x\ncolumns: [\n"))
                .isInstanceOf(InvalidDatasetSpecException.class)
                .hasMessageStartingWith("dataset spec feeds/test.yaml: not valid YAML at line");
    }

    @Test
    void aMissingRequiredEntryIsNamed() {
        assertThatThrownBy(() -> yaml(MINIMAL.replace("index: { alias: ratings, shards: 2, replicas: 0 }", "")))
                .hasMessage("dataset spec feeds/test.yaml: index: is required");
    }
}
