package dev.refdata.ingest.adapter.local;

import dev.refdata.ingest.core.domain.ByteRange;
import dev.refdata.ingest.core.domain.ObjectInfo;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.port.out.ObjectNotFoundException;
import dev.refdata.ingest.core.port.out.ObjectStore;
import dev.refdata.ingest.core.port.out.ObjectStoreException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.stream.Stream;

/**
 * The object store on a local file system: a bucket is a directory below a root, a key a relative path in it.
 * Writes go to a temporary file that is renamed into place, so an object appears whole or not at all, as on S3.
 */
final class LocalFileObjectStore implements ObjectStore {

    private final Path root;

    LocalFileObjectStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    private Path pathOf(ObjectRef ref) {
        Path bucket = root.resolve(ref.bucket()).normalize();
        Path path = bucket.resolve(ref.key()).normalize();
        if (!bucket.startsWith(root) || !path.startsWith(bucket)) {
            throw new IllegalArgumentException("object " + ref + " lies outside the store root " + root);
        }
        return path;
    }

    @Override
    public ObjectInfo describe(ObjectRef ref) {
        Path path = pathOf(ref);
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                throw new ObjectNotFoundException(ref, null);
            }
            return new ObjectInfo(ref, attributes.size(),
                    Long.toHexString(attributes.lastModifiedTime().toMillis()) + "-" + Long.toHexString(attributes.size()));
        } catch (NoSuchFileException e) {
            throw new ObjectNotFoundException(ref, e);
        } catch (IOException e) {
            throw new ObjectStoreException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public InputStream openRange(ObjectRef ref, ByteRange range) {
        Path path = pathOf(ref);
        try {
            FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
            channel.position(range.start());
            InputStream whole = Channels.newInputStream(channel);
            return new BoundedInputStream(whole, range.length());
        } catch (NoSuchFileException e) {
            throw new ObjectNotFoundException(ref, e);
        } catch (IOException e) {
            throw new ObjectStoreException("cannot open " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Stream<ObjectInfo> list(String bucket, String prefix) {
        Path bucketDir = pathOf(new ObjectRef(bucket, "x")).getParent();
        if (!Files.isDirectory(bucketDir)) {
            return Stream.empty();
        }
        try {
            Stream<Path> files = Files.walk(bucketDir, FileVisitOption.FOLLOW_LINKS);
            return files.filter(Files::isRegularFile)
                    .map(p -> bucketDir.relativize(p).toString().replace('\\', '/'))
                    .filter(key -> key.startsWith(prefix) && !isTemporary(key))
                    .sorted()
                    .map(key -> describe(new ObjectRef(bucket, key)))
                    .onClose(files::close);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + bucketDir, e);
        }
    }

    private static boolean isTemporary(String key) {
        return key.contains(".upload-") && key.endsWith(".tmp");
    }

    @Override
    public void put(ObjectRef ref, byte[] content, String contentType) {
        try (ObjectUpload upload = startUpload(ref, contentType)) {
            upload.write(content);
        } catch (IOException e) {
            throw new ObjectStoreException("cannot write " + ref + ": " + e.getMessage(), e);
        }
    }

    @Override
    public ObjectUpload startUpload(ObjectRef ref, String contentType) {
        Path target = pathOf(ref);
        try {
            Files.createDirectories(target.getParent());
            Path temp = Files.createTempFile(target.getParent(), target.getFileName() + ".upload-", ".tmp");
            return new FileUpload(Files.newOutputStream(temp), temp, target);
        } catch (IOException e) {
            throw new ObjectStoreException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** Writes to a temporary file and renames it into place on close. */
    private static final class FileUpload extends ObjectUpload {
        private final OutputStream out;
        private final Path temp;
        private final Path target;
        private boolean finished;

        FileUpload(OutputStream out, Path temp, Path target) {
            this.out = out;
            this.temp = temp;
            this.target = target;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            if (finished) {
                return;
            }
            finished = true;
            try {
                out.close();
                try {
                    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                Files.deleteIfExists(temp);
                throw e;
            }
        }

        @Override
        public void abort() {
            finished = true;
            try {
                out.close();
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot discard " + temp, e);
            }
        }
    }

    /** A stream that ends after a fixed number of bytes. */
    private static final class BoundedInputStream extends InputStream {
        private final InputStream in;
        private long left;

        BoundedInputStream(InputStream in, long limit) {
            this.in = in;
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
