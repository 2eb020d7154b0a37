package dev.refdata.ingest.core.testing;

import dev.refdata.ingest.core.domain.ByteRange;
import dev.refdata.ingest.core.domain.ObjectInfo;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.port.out.ObjectNotFoundException;
import dev.refdata.ingest.core.port.out.ObjectStore;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;

/** A small fake of the object-store port for unit tests of the use cases. */
public final class InMemoryObjectStore implements ObjectStore {

    private final Map<ObjectRef, byte[]> objects = new ConcurrentSkipListMap<>(
            java.util.Comparator.comparing(ObjectRef::bucket).thenComparing(ObjectRef::key));

    public InMemoryObjectStore with(ObjectRef ref, String content) {
        objects.put(ref, content.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    public InMemoryObjectStore with(ObjectRef ref, byte[] content) {
        objects.put(ref, content.clone());
        return this;
    }

    /** The object's content as UTF-8 text, or null when absent. */
    public String text(ObjectRef ref) {
        byte[] bytes = objects.get(ref);
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    /** Keys under a prefix of a bucket, in order. */
    public java.util.List<String> keys(String bucket, String prefix) {
        return list(bucket, prefix).map(o -> o.ref().key()).toList();
    }

    @Override
    public ObjectInfo describe(ObjectRef ref) {
        byte[] bytes = objects.get(ref);
        if (bytes == null) {
            throw new ObjectNotFoundException(ref, null);
        }
        return new ObjectInfo(ref, bytes.length, Integer.toHexString(java.util.Arrays.hashCode(bytes)));
    }

    @Override
    public InputStream openRange(ObjectRef ref, ByteRange range) {
        describe(ref);
        return new ByteArrayInputStream(objects.get(ref), (int) range.start(), (int) range.length());
    }

    @Override
    public Stream<ObjectInfo> list(String bucket, String prefix) {
        return objects.keySet().stream()
                .filter(r -> r.bucket().equals(bucket) && r.key().startsWith(prefix))
                .map(this::describe);
    }

    @Override
    public void put(ObjectRef ref, byte[] content, String contentType) {
        objects.put(ref, content.clone());
    }

    @Override
    public ObjectUpload startUpload(ObjectRef ref, String contentType) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        return new ObjectUpload() {
            private boolean aborted;

            @Override
            public void write(int b) {
                buffer.write(b);
            }

            @Override
            public void abort() {
                aborted = true;
            }

            @Override
            public void close() {
                if (!aborted) {
                    objects.put(ref, buffer.toByteArray());
                }
            }
        };
    }
}
