package dev.refdata.ingest.adapter.contract;

import dev.refdata.ingest.core.domain.ByteRange;
import dev.refdata.ingest.core.domain.ObjectInfo;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.port.out.ObjectNotFoundException;
import dev.refdata.ingest.core.port.out.ObjectStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link ObjectStore} must do, written once and run against each implementation: the local-file
 * store in a unit test, S3 on a real S3 server in an integration test.
 */
public abstract class ObjectStoreContract {

    /** The store under test. */
    protected abstract ObjectStore store();

    /** A bucket that exists and that this test may write to. */
    protected abstract String bucket();

    /** A key prefix no other test uses, so listings see only this test's objects. */
    protected String prefix;

    @BeforeEach
    void freshPrefix() {
        prefix = "contract-" + UUID.randomUUID() + "/";
    }

    private ObjectRef ref(String name) {
        return new ObjectRef(bucket(), prefix + name);
    }

    private static byte[] read(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    @Test
    void aRangedReadReturnsExactlyTheRequestedBytes() throws IOException {
        byte[] content = new byte[100_003];
        new Random(7).nextBytes(content);
        ObjectRef ref = ref("random.bin");
        store().put(ref, content, "application/octet-stream");

        for (ByteRange range : List.of(new ByteRange(0, 1), new ByteRange(100_002, 100_003),
                new ByteRange(4_096, 70_001), new ByteRange(0, 100_003), new ByteRange(50, 50))) {
            byte[] expected = java.util.Arrays.copyOfRange(content, (int) range.start(), (int) range.end());
            assertThat(read(store().openRange(ref, range))).as("range %s", range).isEqualTo(expected);
        }
        assertThat(read(store().open(ref))).isEqualTo(content);
    }

    @Test
    void describeGivesTheSizeAndAMissingObjectIsNotFound() {
        ObjectRef ref = ref("small.csv");
        store().put(ref, "a,b\n".getBytes(StandardCharsets.UTF_8), "text/csv");

        ObjectInfo info = store().describe(ref);

        assertThat(info.ref()).isEqualTo(ref);
        assertThat(info.size()).isEqualTo(4);
        assertThatThrownBy(() -> store().describe(ref("missing.csv"))).isInstanceOf(ObjectNotFoundException.class);
    }

    @Test
    void listingReturnsEveryObjectUnderThePrefixOnceInKeyOrder() {
        for (int i = 0; i < 25; i++) {
            store().put(ref(String.format("day/part-%03d.csv", i)), new byte[] {(byte) i}, "text/csv");
        }
        store().put(ref("other/x.csv"), new byte[] {1}, "text/csv");

        List<String> keys;
        try (Stream<ObjectInfo> listed = store().list(bucket(), prefix + "day/")) {
            keys = listed.map(o -> o.ref().key()).toList();
        }

        assertThat(keys).hasSize(25).doesNotHaveDuplicates().isSorted()
                .allMatch(k -> k.startsWith(prefix + "day/part-"));
    }

    @Test
    void aStreamedUploadAppearsWholeOnlyWhenClosed() throws IOException {
        ObjectRef ref = ref("staged/chunk-0001.csv");
        byte[] piece = "x".repeat(1 << 20).getBytes(StandardCharsets.UTF_8);
        try (ObjectStore.ObjectUpload upload = store().startUpload(ref, "text/csv")) {
            for (int i = 0; i < 3; i++) {
                upload.write(piece);
            }
            assertThatThrownBy(() -> store().describe(ref)).as("not visible before close")
                    .isInstanceOf(ObjectNotFoundException.class);
        }
        assertThat(store().describe(ref).size()).isEqualTo(3L << 20);
    }

    @Test
    void anAbortedUploadLeavesNoObject() throws IOException {
        ObjectRef ref = ref("staged/aborted.csv");
        ObjectStore.ObjectUpload upload = store().startUpload(ref, "text/csv");
        upload.write("partial".getBytes(StandardCharsets.UTF_8));
        upload.abort();

        assertThatThrownBy(() -> store().describe(ref)).isInstanceOf(ObjectNotFoundException.class);
        try (Stream<ObjectInfo> listed = store().list(bucket(), prefix + "staged/")) {
            assertThat(listed).isEmpty();
        }
    }
}
