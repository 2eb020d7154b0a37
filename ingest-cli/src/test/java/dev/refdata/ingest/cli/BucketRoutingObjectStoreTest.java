package dev.refdata.ingest.cli;

import dev.refdata.ingest.adapter.local.LocalObjectStores;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.testing.InMemoryObjectStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class BucketRoutingObjectStoreTest {

    @TempDir
    Path dir;

    @Test
    void anAbsoluteDirectoryBucketIsThatDirectoryAndS3IsNeverAskedFor() throws Exception {
        AtomicInteger s3Asked = new AtomicInteger();
        BucketRoutingObjectStore store = new BucketRoutingObjectStore(LocalObjectStores.rootedAt(Path.of("/")), () -> {
            s3Asked.incrementAndGet();
            return new InMemoryObjectStore();
        });

        store.put(new ObjectRef(dir.toString(), "reports/r/execution-001.json"), "{}".getBytes(StandardCharsets.UTF_8),
                "application/json");

        assertThat(Files.readString(dir.resolve("reports/r/execution-001.json"))).isEqualTo("{}");
        assertThat(store.list(dir.toString(), "reports/")).hasSize(1);
        assertThat(s3Asked).hasValue(0);
    }

    @Test
    void anyOtherBucketIsS3() {
        InMemoryObjectStore s3 = new InMemoryObjectStore();
        BucketRoutingObjectStore store = new BucketRoutingObjectStore(LocalObjectStores.rootedAt(dir), () -> s3);

        store.put(new ObjectRef("artifacts", "manifests/m.json"), "[]".getBytes(StandardCharsets.UTF_8), "application/json");

        assertThat(s3.text(new ObjectRef("artifacts", "manifests/m.json"))).isEqualTo("[]");
        assertThat(dir.resolve("artifacts")).doesNotExist();
    }
}
