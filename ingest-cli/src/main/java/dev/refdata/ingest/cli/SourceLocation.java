package dev.refdata.ingest.cli;

import dev.refdata.ingest.adapter.config.RuntimeSettings;
import dev.refdata.ingest.adapter.local.LocalObjectStores;
import dev.refdata.ingest.adapter.s3.S3ClientSettings;
import dev.refdata.ingest.adapter.s3.S3ObjectStores;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.port.out.ObjectStore;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a source object lives, as given on the command line: {@code s3://bucket/key}, {@code file:/path} or a
 * plain path. A local file becomes an object of the local-file store: its directory is the bucket.
 *
 * @param store  the object store holding it
 * @param object its address in that store
 */
record SourceLocation(ObjectStore store, ObjectRef object) {

    SourceLocation {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(object, "object");
    }

    static SourceLocation parse(String source, RuntimeSettings settings) {
        if (source.startsWith("s3://")) {
            URI uri = URI.create(source);
            String key = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
            if (uri.getHost() == null || key.isEmpty()) {
                throw new IllegalArgumentException("an S3 source is s3://bucket/key, got '" + source + "'");
            }
            S3ClientSettings s3 = S3ClientSettings.forRegion(settings.region());
            s3 = settings.s3EndpointOverride().map(s3::withEndpointOverride).orElse(s3);
            return new SourceLocation(S3ObjectStores.of(S3ObjectStores.createClient(s3)), new ObjectRef(uri.getHost(), key));
        }
        Path file = Path.of(source.startsWith("file:") ? URI.create(source).getPath() : source).toAbsolutePath().normalize();
        Path directory = file.getParent();
        Path root = directory.getParent() == null ? directory : directory.getParent();
        String bucket = directory.getParent() == null ? "." : directory.getFileName().toString();
        return new SourceLocation(LocalObjectStores.rootedAt(root), new ObjectRef(bucket, file.getFileName().toString()));
    }
}
