package dev.refdata.ingest.adapter.opensearch.node;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The account OpenSearch runs as when this JVM runs as root (OpenSearch refuses to start as root):
 * {@code nobody}, with group {@code nogroup} (Debian) or {@code nobody} (Red Hat). The node's own directories
 * are handed to it, and the launch goes through {@code setpriv}.
 */
final class UnprivilegedUser {

    private static final String USER = "nobody";
    private static final List<String> GROUPS = List.of("nogroup", "nobody");

    private final UserPrincipal user;
    private final GroupPrincipal group;

    private UnprivilegedUser(UserPrincipal user, GroupPrincipal group) {
        this.user = user;
        this.group = group;
    }

    /** The account to switch to, or empty when this JVM does not run as root and can launch OpenSearch itself. */
    static Optional<UnprivilegedUser> whenRunningAsRoot() throws IOException {
        if (!runningAsRoot()) {
            return Optional.empty();
        }
        UserPrincipalLookupService lookup = FileSystems.getDefault().getUserPrincipalLookupService();
        UserPrincipal user = lookup.lookupPrincipalByName(USER);
        for (String name : GROUPS) {
            try {
                return Optional.of(new UnprivilegedUser(user, lookup.lookupPrincipalByGroupName(name)));
            } catch (UserPrincipalNotFoundException e) {
                // try the next conventional name
            }
        }
        throw new IOException("running as root, but none of the groups " + GROUPS + " exists to run OpenSearch as "
                + USER);
    }

    /** The command prefix that runs what follows as this account, with no supplementary groups. */
    List<String> commandPrefix() {
        return List.of("setpriv", "--reuid=" + user.getName(), "--regid=" + group.getName(), "--clear-groups", "--");
    }

    /** Makes this account the owner of {@code directory} and everything below it. */
    void takeOwnership(Path directory) throws IOException {
        try (Stream<Path> all = Files.walk(directory)) {
            for (Path p : all.toList()) {
                PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class);
                view.setOwner(user);
                view.setGroup(group);
            }
        }
    }

    private static boolean runningAsRoot() {
        try {
            // /proc/self belongs to the effective user of the process that looks at it.
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return Integer.valueOf(0).equals(uid);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }
}
