package dev.refdata.ingest.cli;

import dev.refdata.ingest.core.domain.ByteRange;
import dev.refdata.ingest.core.domain.ObjectInfo;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.port.out.ObjectStore;

import java.io.InputStream;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * One object store for a CLI process over local files and S3 at once: a bucket that is an absolute directory
 * ({@code /home/me/feeds}) is that directory on this machine, any other bucket is an S3 bucket. So a local source,
 * the local artifacts directory and S3 objects can meet in one run, and a run's recorded source (bucket and key)
 * finds the same file again in a later process ({@code rerun}, {@code replay-chunk}).
 */
final class BucketRoutingObjectStore implements ObjectStore {

    private final ObjectStore localFiles;
    private final Supplier<ObjectStore> s3;

    /**
     * @param localFiles a local-file store rooted at the file system root
     * @param s3         the S3 store, asked for only when an S3 bucket is used
     */
    BucketRoutingObjectStore(ObjectStore localFiles, Supplier<ObjectStore> s3) {
        this.localFiles = Objects.requireNonNull(localFiles, "localFiles");
        this.s3 = Objects.requireNonNull(s3, "s3");
    }

    /** Whether a bucket names a local directory rather than an S3 bucket. */
    static boolean isLocalDirectory(String bucket) {
        return bucket.startsWith("/");
    }

    private ObjectStore storeOf(String bucket) {
        return isLocalDirectory(bucket) ? localFiles : s3.get();
    }

    @Override
    public ObjectInfo describe(ObjectRef ref) {
        return storeOf(ref.bucket()).describe(ref);
    }

    @Override
    public InputStream openRange(ObjectRef ref, ByteRange range) {
        return storeOf(ref.bucket()).openRange(ref, range);
    }

    @Override
    public InputStream open(ObjectRef ref) {
        return storeOf(ref.bucket()).open(ref);
    }

    @Override
    public Stream<ObjectInfo> list(String bucket, String prefix) {
        return storeOf(bucket).list(bucket, prefix);
    }

    @Override
    public void put(ObjectRef ref, byte[] content, String contentType) {
        storeOf(ref.bucket()).put(ref, content, contentType);
    }

    @Override
    public ObjectUpload startUpload(ObjectRef ref, String contentType) {
        return storeOf(ref.bucket()).startUpload(ref, contentType);
    }
}
