package dev.refdata.ingest.statemachine.binding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.port.out.ObjectStore;
import dev.refdata.ingest.statemachine.ItemSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Objects;

/** A Distributed Map's ItemReader and ResultWriter on the project's object store (S3 or local files). */
public final class ObjectStoreItemSource implements ItemSource {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectStore objects;

    public ObjectStoreItemSource(ObjectStore objects) {
        this.objects = Objects.requireNonNull(objects, "objects");
    }

    @Override
    public JsonNode read(String bucket, String key) {
        try (InputStream in = objects.open(new ObjectRef(bucket, key))) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + bucket + "/" + key, e);
        }
    }

    @Override
    public void write(String bucket, String key, byte[] content) {
        objects.put(new ObjectRef(bucket, key), content, "application/json");
    }
}
