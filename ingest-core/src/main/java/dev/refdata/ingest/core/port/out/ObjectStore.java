package dev.refdata.ingest.core.port.out;

import dev.refdata.ingest.core.domain.ByteRange;
import dev.refdata.ingest.core.domain.ObjectInfo;
import dev.refdata.ingest.core.domain.ObjectRef;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.stream.Stream;

/**
 * What the pipeline needs from an object store (S3, or local files): streamed and ranged reads, listing by
 * prefix, and writes of small objects and of large streamed ones.
 */
public interface ObjectStore {

    /** Size and entity tag of one object; {@link ObjectNotFoundException} when it does not exist. */
    ObjectInfo describe(ObjectRef ref);

    /**
     * Streams exactly the bytes of {@code range}; the whole object is never held in memory. An empty range
     * gives an empty stream.
     */
    InputStream openRange(ObjectRef ref, ByteRange range);

    /** Streams the whole object. */
    default InputStream open(ObjectRef ref) {
        ObjectInfo info = describe(ref);
        return openRange(ref, new ByteRange(0, info.size()));
    }

    /**
     * Every object under {@code prefix} in {@code bucket}, in key order, fetched page by page as the stream is
     * consumed. Close the stream when done.
     */
    Stream<ObjectInfo> list(String bucket, String prefix);

    /** Writes a small object in one request. */
    void put(ObjectRef ref, byte[] content, String contentType);

    /**
     * Opens a streamed write of an object of unknown size (a multipart upload on S3). The object appears only
     * when the stream is closed without error; {@link ObjectUpload#abort()} discards it.
     */
    ObjectUpload startUpload(ObjectRef ref, String contentType);

    /** A streamed write: write, then {@link #close()} to publish or {@link #abort()} to discard. */
    abstract class ObjectUpload extends OutputStream {
        /** Discards everything written; the object does not appear. Safe to call after a failed close. */
        public abstract void abort();
    }
}
