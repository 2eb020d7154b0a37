package dev.refdata.ingest.adapter.s3;

import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.port.out.ObjectStore;
import dev.refdata.ingest.core.port.out.ObjectStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A streamed write to S3: bytes are buffered one part at a time; each full part goes up as a part of a multipart
 * upload, started lazily when the first part is full. {@link #close()} uploads the last part and completes the
 * upload; an object smaller than one part is written with a single PutObject instead. {@link #abort()} aborts the
 * multipart upload so that no object appears and S3 keeps no parts.
 *
 * <p>With {@code partChecksums}, the upload declares CRC32, every part carries its CRC32 (S3 verifies it on
 * arrival) and the completion lists them, as S3 requires once an upload declares an algorithm. Without, parts go
 * up plain: for S3-compatible services that implement no flexible checksums. Not thread-safe, like any
 * {@link java.io.OutputStream}.
 */
final class S3MultipartUpload extends ObjectStore.ObjectUpload {

    static final int MIN_PART_SIZE = 5 * 1024 * 1024;
    private static final int MAX_PARTS = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(S3MultipartUpload.class);

    private enum State { OPEN, COMPLETED, ABORTED, FAILED }

    private final S3Client s3;
    private final ObjectRef ref;
    private final String contentType;
    private final boolean partChecksums;
    private final byte[] buffer;
    private final List<CompletedPart> parts = new ArrayList<>();
    private int buffered;
    private String uploadId;
    private State state = State.OPEN;

    S3MultipartUpload(S3Client s3, ObjectRef ref, String contentType, int partSize, boolean partChecksums) {
        this.s3 = Objects.requireNonNull(s3, "s3");
        this.ref = Objects.requireNonNull(ref, "ref");
        this.contentType = contentType;
        this.partChecksums = partChecksums;
        this.buffer = new byte[partSize];
    }

    @Override
    public void write(int b) throws IOException {
        requireOpen();
        buffer[buffered++] = (byte) b;
        if (buffered == buffer.length) {
            uploadBufferedPart();
        }
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        requireOpen();
        int position = offset;
        int end = offset + length;
        while (position < end) {
            int n = Math.min(end - position, buffer.length - buffered);
            System.arraycopy(bytes, position, buffer, buffered, n);
            buffered += n;
            position += n;
            if (buffered == buffer.length) {
                uploadBufferedPart();
            }
        }
    }

    /**
     * Publishes the object: uploads what is buffered and completes the upload. Does nothing once completed or
     * aborted (so try-with-resources around an aborted upload is fine); fails if an earlier write failed, since
     * nothing can be published then.
     */
    @Override
    public void close() throws IOException {
        if (state == State.COMPLETED || state == State.ABORTED) {
            return;
        }
        requireOpen();
        try {
            if (uploadId == null) {
                s3.putObject(b -> b.bucket(ref.bucket()).key(ref.key()).contentType(contentType),
                        bufferedBody());
            } else {
                if (buffered > 0) {
                    uploadBufferedPart();
                }
                s3.completeMultipartUpload(b -> b.bucket(ref.bucket()).key(ref.key()).uploadId(uploadId)
                        .multipartUpload(m -> m.parts(parts)));
            }
            state = State.COMPLETED;
        } catch (SdkException e) {
            fail();
            throw new ObjectStoreException("completing the upload of s3://" + ref + " failed: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            fail();
            throw e;
        }
    }

    /** Discards the upload; no object appears. Safe after a failed write or close, and idempotent. */
    @Override
    public void abort() {
        if (state == State.COMPLETED || state == State.ABORTED) {
            return;
        }
        state = State.ABORTED;
        buffered = 0;
        abortMultipartUpload();
    }

    private void uploadBufferedPart() {
        if (parts.size() == MAX_PARTS) {
            fail();
            throw new ObjectStoreException("upload of s3://" + ref + " exceeds " + MAX_PARTS + " parts of "
                    + buffer.length + " bytes", null);
        }
        try {
            if (uploadId == null) {
                uploadId = s3.createMultipartUpload(b -> b.bucket(ref.bucket()).key(ref.key())
                        .contentType(contentType).checksumAlgorithm(checksumAlgorithm())).uploadId();
            }
            int partNumber = parts.size() + 1;
            UploadPartResponse response = s3.uploadPart(b -> b.bucket(ref.bucket()).key(ref.key())
                            .uploadId(uploadId).partNumber(partNumber).contentLength((long) buffered)
                            .checksumAlgorithm(checksumAlgorithm()),
                    bufferedBody());
            parts.add(CompletedPart.builder()
                    .partNumber(partNumber)
                    .eTag(response.eTag())
                    .checksumCRC32(response.checksumCRC32())
                    .build());
            buffered = 0;
        } catch (SdkException e) {
            fail();
            throw new ObjectStoreException("uploading part " + (parts.size() + 1) + " of s3://" + ref
                    + " failed: " + e.getMessage(), e);
        }
    }

    /** CRC32 when parts carry checksums; {@code null} leaves the request without one. */
    private ChecksumAlgorithm checksumAlgorithm() {
        return partChecksums ? ChecksumAlgorithm.CRC32 : null;
    }

    /** The buffered bytes as a request body that can be re-read on retry, without copying them. */
    private RequestBody bufferedBody() {
        int length = buffered;
        return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(buffer, 0, length), length,
                contentType == null ? "application/octet-stream" : contentType);
    }

    /** After a failure nothing more can be written; the parts already uploaded are aborted right away. */
    private void fail() {
        state = State.FAILED;
        buffered = 0;
        abortMultipartUpload();
    }

    private void abortMultipartUpload() {
        if (uploadId == null) {
            return;
        }
        String id = uploadId;
        uploadId = null;
        try {
            s3.abortMultipartUpload(b -> b.bucket(ref.bucket()).key(ref.key()).uploadId(id));
        } catch (SdkException e) {
            // A lifecycle rule for incomplete multipart uploads removes the parts eventually.
            LOG.warn("Aborting multipart upload {} of s3://{} failed; its parts stay until the bucket's lifecycle rule removes them",
                    id, ref, e);
        }
    }

    private void requireOpen() throws IOException {
        if (state != State.OPEN) {
            throw new IOException("upload of s3://" + ref + " is " + state.name().toLowerCase(Locale.ROOT));
        }
    }
}
