package dev.refdata.ingest.adapter.opensearch.node;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * An unpacked OpenSearch distribution shared, read-only, by every node started from the same zip.
 *
 * <p>It lives under the system temp directory, not next to the zip: the checkout or the Maven repository may be
 * in a private home directory that the unprivileged user running the node cannot enter. The zip is unpacked into
 * a temporary directory which is then renamed into place, so a half-unpacked distribution is never used and
 * concurrent builds do not trip over each other.
 */
final class OpenSearchDistribution {

    private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwxr-xr-x");
    private static final Set<PosixFilePermission> EXECUTABLE = DIRECTORY;
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-r--r--");

    private final Path home;

    private OpenSearchDistribution(Path home) {
        this.home = home;
    }

    /** The distribution unpacked from {@code zip}, unpacking it first unless an earlier run already did. */
    static OpenSearchDistribution unpack(Path zip) throws IOException {
        Objects.requireNonNull(zip, "zip");
        Path root = Path.of(System.getProperty("java.io.tmpdir"), "ingest-opensearch-dist");
        Files.createDirectories(root);
        Files.setPosixFilePermissions(root, DIRECTORY);
        Path target = root.resolve(fileNameWithoutExtension(zip) + "-" + fingerprint(zip));
        if (!Files.isDirectory(target)) {
            Path staging = Files.createTempDirectory(root, ".unpacking-");
            try {
                extract(zip, staging);
                Files.setPosixFilePermissions(staging, DIRECTORY);
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                if (!Files.isDirectory(target)) {
                    throw e;
                }
                // Another build renamed its copy into place first; use that one.
            } finally {
                Directories.deleteRecursively(staging);
            }
        }
        return new OpenSearchDistribution(findHome(target));
    }

    Path home() {
        return home;
    }

    Path launcher() {
        return home.resolve("bin").resolve("opensearch");
    }

    Path configDirectory() {
        return home.resolve("config");
    }

    private static void extract(Path zip, Path destination) throws IOException {
        try (ZipFile file = new ZipFile(zip.toFile())) {
            Enumeration<? extends ZipEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                Path path = destination.resolve(entry.getName()).normalize();
                if (!path.startsWith(destination)) {
                    throw new IOException("zip entry outside the destination: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(path);
                    Files.setPosixFilePermissions(path, DIRECTORY);
                } else {
                    Files.createDirectories(path.getParent());
                    try (InputStream in = file.getInputStream(entry)) {
                        Files.copy(in, path);
                    }
                    boolean executable = path.getParent().getFileName().toString().equals("bin");
                    Files.setPosixFilePermissions(path, executable ? EXECUTABLE : FILE);
                }
            }
        }
        try (Stream<Path> all = Files.walk(destination)) {
            for (Path dir : all.filter(Files::isDirectory).toList()) {
                Files.setPosixFilePermissions(dir, DIRECTORY);
            }
        }
    }

    private static Path findHome(Path unpacked) throws IOException {
        try (Stream<Path> children = Files.list(unpacked)) {
            List<Path> homes = children.filter(p -> Files.isRegularFile(p.resolve("bin").resolve("opensearch"))).toList();
            if (homes.size() != 1) {
                throw new IOException("expected one OpenSearch home with bin/opensearch in " + unpacked + ", found " + homes);
            }
            return homes.get(0);
        }
    }

    /** Tells zips apart by path, size and modification time, so a replaced zip is unpacked afresh. */
    private static String fingerprint(Path zip) throws IOException {
        String identity = zip.toAbsolutePath() + "|" + Files.size(zip) + "|" + Files.getLastModifiedTime(zip).toMillis();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    private static String fileNameWithoutExtension(Path zip) {
        String name = zip.getFileName().toString();
        return name.endsWith(".zip") ? name.substring(0, name.length() - 4) : name;
    }
}
