package dev.refdata.ingest.adapter.s3;

import dev.refdata.ingest.core.domain.ByteRange;
import dev.refdata.ingest.core.domain.ObjectInfo;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.port.out.ObjectNotFoundException;
import dev.refdata.ingest.core.port.out.ObjectStore;
import dev.refdata.ingest.core.port.out.ObjectStoreException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.InputStream;
import java.util.Iterator;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * {@link ObjectStore} on Amazon S3 (or an S3-compatible service) through the synchronous SDK client.
 *
 * <p>Entity tags are reported without the surrounding quotes S3 puts on them, so that {@link #describe} and
 * {@link #list} agree.
 *
 * <p>Multipart uploads follow the client's checksum policy: a client that calculates checksums whenever the API
 * supports them (the SDK default, right for AWS) gets CRC32-checked parts; a client limited to required checksums
 * (local S3-compatible services, see {@link S3ObjectStores#clientBuilder}) gets plain parts.
 */
final class S3ObjectStore implements ObjectStore {

    /** Multipart part size: above S3's 5 MiB minimum, small enough to buffer one part per upload. */
    static final int DEFAULT_PART_SIZE = 8 * 1024 * 1024;

    private final S3Client s3;
    private final int partSize;
    private final boolean partChecksums;

    S3ObjectStore(S3Client s3, int partSize) {
        this.s3 = Objects.requireNonNull(s3, "s3");
        if (partSize < S3MultipartUpload.MIN_PART_SIZE) {
            throw new IllegalArgumentException("partSize must be at least " + S3MultipartUpload.MIN_PART_SIZE + ": " + partSize);
        }
        this.partSize = partSize;
        this.partChecksums = s3.serviceClientConfiguration().requestChecksumCalculation()
                != RequestChecksumCalculation.WHEN_REQUIRED;
    }

    @Override
    public ObjectInfo describe(ObjectRef ref) {
        Objects.requireNonNull(ref, "ref");
        try {
            HeadObjectResponse head = s3.headObject(b -> b.bucket(ref.bucket()).key(ref.key()));
            return new ObjectInfo(ref, head.contentLength(), unquote(head.eTag()));
        } catch (SdkException e) {
            throw translate("describe", ref, e);
        }
    }

    @Override
    public InputStream openRange(ObjectRef ref, ByteRange range) {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(range, "range");
        if (range.isEmpty()) {
            return InputStream.nullInputStream();
        }
        ResponseInputStream<GetObjectResponse> body;
        try {
            body = s3.getObject(b -> b.bucket(ref.bucket()).key(ref.key()).range(httpRange(range)));
        } catch (SdkException e) {
            throw translate("read " + range + " of", ref, e);
        }
        Long length = body.response().contentLength();
        if (length == null || length != range.length()) {
            body.abort();
            throw new ObjectStoreException("read " + range + " of s3://" + ref + " returned " + length
                    + " bytes instead of " + range.length() + " (range beyond the end of the object?)", null);
        }
        return new S3RangeInputStream(body, range.length());
    }

    @Override
    public Stream<ObjectInfo> list(String bucket, String prefix) {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(prefix, "prefix");
        Spliterator<S3Object> pages = new Spliterators.AbstractSpliterator<>(Long.MAX_VALUE,
                Spliterator.ORDERED | Spliterator.NONNULL) {
            private Iterator<S3Object> objects;

            @Override
            public boolean tryAdvance(Consumer<? super S3Object> action) {
                S3Object next;
                try {
                    if (objects == null) {
                        objects = s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().iterator();
                    }
                    if (!objects.hasNext()) {
                        return false;
                    }
                    next = objects.next();
                } catch (SdkException e) {
                    throw new ObjectStoreException("list s3://" + bucket + "/" + prefix + "* failed: " + e.getMessage(), e);
                }
                action.accept(next);
                return true;
            }
        };
        return StreamSupport.stream(pages, false)
                .map(o -> new ObjectInfo(new ObjectRef(bucket, o.key()), o.size(), unquote(o.eTag())));
    }

    @Override
    public void put(ObjectRef ref, byte[] content, String contentType) {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(content, "content");
        try {
            s3.putObject(b -> b.bucket(ref.bucket()).key(ref.key()).contentType(contentType),
                    RequestBody.fromBytes(content));
        } catch (SdkException e) {
            throw translate("put", ref, e);
        }
    }

    @Override
    public ObjectUpload startUpload(ObjectRef ref, String contentType) {
        Objects.requireNonNull(ref, "ref");
        return new S3MultipartUpload(s3, ref, contentType, partSize, partChecksums);
    }

    /** The HTTP {@code Range} header for a non-empty half-open range: both ends are inclusive there. */
    static String httpRange(ByteRange range) {
        return "bytes=" + range.start() + "-" + (range.end() - 1);
    }

    static RuntimeException translate(String action, ObjectRef ref, SdkException e) {
        if (isNotFound(e)) {
            return new ObjectNotFoundException(ref, e);
        }
        return new ObjectStoreException(action + " s3://" + ref + " failed: " + e.getMessage(), e);
    }

    private static boolean isNotFound(SdkException e) {
        // HeadObject has no response body, so a missing key shows only as a bare 404.
        return e instanceof NoSuchKeyException || (e instanceof S3Exception s3e && s3e.statusCode() == 404);
    }

    private static String unquote(String etag) {
        if (etag != null && etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")) {
            return etag.substring(1, etag.length() - 1);
        }
        return etag;
    }
}
