package dev.refdata.ingest.adapter.opensearch.node;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalOpenSearchSettingsTest {

    private static final Path LOGS = Path.of("target", "services", "opensearch");

    @Test
    void extraSettingsBecomeSortedNodeArguments() {
        LocalOpenSearchSettings settings = LocalOpenSearchSettings.builder(LOGS)
                .setting("thread_pool.write.queue_size", "2")
                .setting("action.destructive_requires_name", "true")
                .build();

        assertThat(settings.heapSize()).isEqualTo("512m");
        assertThat(settings.extraSettingArguments())
                .containsExactly("-Eaction.destructive_requires_name=true", "-Ethread_pool.write.queue_size=2");
    }

    @Test
    void settingsTheLauncherOwnsAreRejected() {
        for (String key : new String[] {"http.port", "path.data", "network.host", "discovery.type", "cluster.name"}) {
            assertThatThrownBy(() -> LocalOpenSearchSettings.builder(LOGS).setting(key, "x").build())
                    .as(key)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(key);
        }
    }

    @Test
    void aHeapSizeMustBeAJvmSize() {
        assertThatThrownBy(() -> LocalOpenSearchSettings.builder(LOGS).heapSize("lots").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(LocalOpenSearchSettings.builder(LOGS).heapSize("1g").build().heapSize()).isEqualTo("1g");
    }

    @Test
    void anExplicitDistributionThatDoesNotExistIsReportedWithTheWayToGetIt() {
        LocalOpenSearchSettings settings = LocalOpenSearchSettings.builder(LOGS)
                .distributionZip(Path.of("/nonexistent/opensearch.zip"))
                .build();

        assertThatThrownBy(settings::resolveDistributionZip)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("/nonexistent/opensearch.zip")
                .hasMessageContaining("dependency:get");
    }
}
