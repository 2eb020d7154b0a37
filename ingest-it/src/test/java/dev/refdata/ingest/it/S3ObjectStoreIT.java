package dev.refdata.ingest.it;

import dev.refdata.ingest.adapter.s3.S3ObjectStores;
import dev.refdata.ingest.core.domain.ByteRange;
import dev.refdata.ingest.core.domain.ObjectInfo;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.port.out.ObjectNotFoundException;
import dev.refdata.ingest.core.port.out.ObjectStore;
import dev.refdata.ingest.core.port.out.ObjectStore.ObjectUpload;
import dev.refdata.ingest.core.port.out.ObjectStoreException;
import dev.refdata.ingest.it.support.ServiceEndpoints;
import dev.refdata.ingest.it.support.TestServices;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The S3 adapter against a real S3 API (S3Proxy by default, LocalStack with INGEST_IT_TARGET=localstack). */
class S3ObjectStoreIT {

    private static final int MIB = 1024 * 1024;

    private static S3Client s3;
    private static ObjectStore store;
    private static String bucket;
    private static final AtomicInteger listRequests = new AtomicInteger();

    @BeforeAll
    static void createBucket() {
        ServiceEndpoints services = TestServices.endpoints();
        s3 = S3ObjectStores.clientBuilder(services.s3ClientSettings())
                .overrideConfiguration(o -> o.addExecutionInterceptor(new ListRequestCounter()))
                .build();
        store = S3ObjectStores.of(s3);
        bucket = "object-store-it-" + UUID.randomUUID().toString().substring(0, 8);
        s3.createBucket(b -> b.bucket(bucket));
    }

    @AfterAll
    static void closeClient() {
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void rangedReadsReturnExactlyTheRequestedBytes() throws IOException {
        byte[] content = randomBytes(MIB + 4321, 1);
        ObjectRef ref = new ObjectRef(bucket, "ranges/random.bin");
        store.put(ref, content, "application/octet-stream");
        int n = content.length;

        assertThat(store.describe(ref).size()).isEqualTo(n);
        for (ByteRange range : List.of(
                new ByteRange(0, 1),                 // first byte
                new ByteRange(n - 1, n),             // last byte
                new ByteRange(4096, 4096 + 70_001),  // middle, odd length
                new ByteRange(n / 2, n / 2 + 1),     // one byte in the middle
                new ByteRange(0, n),                 // everything
                new ByteRange(777, 777))) {          // empty
            try (InputStream in = store.openRange(ref, range)) {
                assertThat(in.readAllBytes())
                        .as("bytes of %s", range)
                        .isEqualTo(Arrays.copyOfRange(content, (int) range.start(), (int) range.end()));
            }
        }
    }

    @Test
    void anEmptyRangeIsReadWithoutAskingS3() throws IOException {
        ObjectRef missing = new ObjectRef(bucket, "ranges/does-not-exist.bin");

        try (InputStream in = store.openRange(missing, new ByteRange(10, 10))) {
            assertThat(in.read()).isEqualTo(-1);
        }
        // the same range on a non-empty span does go to S3, and finds nothing
        assertThatThrownBy(() -> store.openRange(missing, new ByteRange(10, 11)))
                .isInstanceOf(ObjectNotFoundException.class);
    }

    @Test
    void aRangeReachingPastTheEndIsAnErrorNotAShortRead() {
        ObjectRef ref = new ObjectRef(bucket, "ranges/short.bin");
        store.put(ref, randomBytes(100, 2), "application/octet-stream");

        assertThatThrownBy(() -> store.openRange(ref, new ByteRange(90, 110)).close())
                .isInstanceOf(ObjectStoreException.class)
                .hasMessageContaining(ref.toString());
    }

    @Test
    void closingARangeEarlyLeavesTheClientUsable() throws IOException {
        ObjectRef ref = new ObjectRef(bucket, "ranges/early-close.bin");
        byte[] content = randomBytes(3 * MIB, 3);
        store.put(ref, content, "application/octet-stream");

        try (InputStream in = store.openRange(ref, new ByteRange(0, content.length))) {
            assertThat(in.readNBytes(10)).isEqualTo(Arrays.copyOf(content, 10));
        }
        try (InputStream in = store.openRange(ref, new ByteRange(content.length - 5, content.length))) {
            assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(content, content.length - 5, content.length));
        }
    }

    @Test
    void listingPagesThroughEveryObjectUnderThePrefixOnceAndInKeyOrder() throws Exception {
        String prefix = "listing/run-1/";
        int count = 1_050; // more than one ListObjectsV2 page of 1,000 keys
        List<String> expected = IntStream.range(0, count)
                .mapToObj(i -> prefix + "part-%05d.csv".formatted(i))
                .toList();
        List<String> outside = List.of("listing/run-10/part-00000.csv", "listing/run-0/part-00000.csv",
                "listing/run-1", "other/run-1/part-00000.csv");
        putAll(Stream.concat(expected.stream(), outside.stream()).toList());

        int requestsBefore = listRequests.get();
        List<ObjectInfo> listed;
        try (Stream<ObjectInfo> objects = store.list(bucket, prefix)) {
            listed = objects.toList();
        }

        assertThat(listed).extracting(info -> info.ref().key())
                .containsExactlyElementsOf(expected);
        assertThat(listed).allSatisfy(info -> {
            assertThat(info.ref().bucket()).isEqualTo(bucket);
            assertThat(info.size()).isEqualTo(contentOf(info.ref().key()).length);
            assertThat(info.etag()).isNotBlank().doesNotContain("\"");
        });
        assertThat(listRequests.get() - requestsBefore).as("ListObjectsV2 pages fetched").isEqualTo(2);
    }

    @Test
    void listingFetchesOnlyThePagesThatAreConsumed() throws Exception {
        String prefix = "lazy/";
        putAll(IntStream.range(0, 1_001).mapToObj(i -> prefix + "k-%04d".formatted(i)).toList());

        int requestsBefore = listRequests.get();
        List<String> firstThree;
        try (Stream<ObjectInfo> objects = store.list(bucket, prefix)) {
            firstThree = objects.limit(3).map(info -> info.ref().key()).toList();
        }

        assertThat(firstThree).containsExactly("lazy/k-0000", "lazy/k-0001", "lazy/k-0002");
        assertThat(listRequests.get() - requestsBefore).as("ListObjectsV2 pages fetched").isEqualTo(1);
    }

    @Test
    void listingAnEmptyPrefixGivesNothing() {
        try (Stream<ObjectInfo> objects = store.list(bucket, "nothing-here/")) {
            assertThat(objects).isEmpty();
        }
    }

    @Test
    void aMultipartUploadOfThreePartsRoundTripsByteForByte() throws IOException {
        byte[] content = randomBytes(20 * MIB + 12_345, 4); // 8 MiB + 8 MiB + ~4 MiB
        ObjectRef ref = new ObjectRef(bucket, "uploads/large.bin");

        try (ObjectUpload upload = store.startUpload(ref, "application/octet-stream")) {
            int chunk = MIB + 7; // writes that do not line up with part boundaries
            for (int offset = 0; offset < content.length; offset += chunk) {
                upload.write(content, offset, Math.min(chunk, content.length - offset));
            }
        }

        ObjectInfo info = store.describe(ref);
        assertThat(info.size()).isEqualTo(content.length);
        assertThat(info.etag()).as("multipart ETag names the part count").endsWith("-3");
        try (InputStream in = store.open(ref)) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
    }

    @Test
    void anUploadSmallerThanOnePartArrivesWhole() throws IOException {
        byte[] content = "isin,name\nUS0378331005,Apple\n".getBytes(StandardCharsets.UTF_8);
        ObjectRef ref = new ObjectRef(bucket, "uploads/small.csv");

        try (ObjectUpload upload = store.startUpload(ref, "text/csv")) {
            upload.write(content);
        }

        try (InputStream in = store.open(ref)) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
        assertThat(s3.headObject(b -> b.bucket(bucket).key(ref.key())).contentType()).startsWith("text/csv");
    }

    @Test
    void anAbortedUploadLeavesNoObjectAndNoPendingUpload() throws IOException {
        ObjectRef ref = new ObjectRef(bucket, "uploads/aborted.bin");
        ObjectUpload upload = store.startUpload(ref, "application/octet-stream");
        upload.write(randomBytes(9 * MIB, 5)); // one full part uploaded, the rest buffered

        assertThat(pendingUploads(ref)).as("multipart upload in progress").hasSize(1);
        upload.abort();
        upload.close(); // as try-with-resources would: publishes nothing after an abort

        assertThatThrownBy(() -> store.describe(ref)).isInstanceOf(ObjectNotFoundException.class);
        assertThat(pendingUploads(ref)).as("multipart uploads left").isEmpty();
        assertThatThrownBy(() -> upload.write(1)).isInstanceOf(IOException.class);
    }

    @Test
    void describingAMissingKeyThrowsObjectNotFound() {
        ObjectRef missing = new ObjectRef(bucket, "no/such/key.csv");

        assertThatThrownBy(() -> store.describe(missing))
                .isInstanceOfSatisfying(ObjectNotFoundException.class, e -> assertThat(e.ref()).isEqualTo(missing));
    }

    @Test
    void describeReportsSizeAndTheSameEtagAsListing() {
        ObjectRef ref = new ObjectRef(bucket, "describe/one.csv");
        store.put(ref, "a,b\n".getBytes(StandardCharsets.UTF_8), "text/csv");

        ObjectInfo described = store.describe(ref);
        List<ObjectInfo> listed;
        try (Stream<ObjectInfo> objects = store.list(bucket, "describe/")) {
            listed = objects.toList();
        }

        assertThat(described.size()).isEqualTo(4);
        assertThat(listed).containsExactly(described);
    }

    private static List<MultipartUpload> pendingUploads(ObjectRef ref) {
        return s3.listMultipartUploads(b -> b.bucket(ref.bucket()).prefix(ref.key())).uploads();
    }

    private static void putAll(List<String> keys) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> puts = new ArrayList<>();
            for (String key : keys) {
                puts.add(pool.submit(() -> store.put(new ObjectRef(bucket, key), contentOf(key), "text/csv")));
            }
            for (Future<?> put : puts) {
                put.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static byte[] contentOf(String key) {
        return (key + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Counts ListObjectsV2 requests that reach the wire, to see pagination happen. */
    private static final class ListRequestCounter implements ExecutionInterceptor {
        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            if (context.request() instanceof ListObjectsV2Request) {
                listRequests.incrementAndGet();
            }
        }
    }
}
