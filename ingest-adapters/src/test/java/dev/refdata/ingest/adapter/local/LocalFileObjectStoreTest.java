package dev.refdata.ingest.adapter.local;

import dev.refdata.ingest.adapter.contract.ObjectStoreContract;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.port.out.ObjectStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalFileObjectStoreTest extends ObjectStoreContract {

    @TempDir
    Path root;

    @Override
    protected ObjectStore store() {
        return LocalObjectStores.rootedAt(root);
    }

    @Override
    protected String bucket() {
        return "feeds";
    }

    @Test
    void aKeyCannotEscapeTheRoot() throws Exception {
        Files.writeString(root.resolve("secret.txt"), "no");
        assertThatThrownBy(() -> store().describe(new ObjectRef("feeds", "../secret.txt")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outside the store root");
    }
}
