package nixdeploy.activator.profile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;

/**
 * The private folder (mode 0700, owned by the profile's user) that holds the journal, lock and
 * watcher log of each profile. It lives outside /tmp, so it survives reboots.
 */
public final class StateDir {
    private final Path dir;

    private StateDir(Path dir) {
        this.dir = dir;
    }

    /** The default place: {@code /nix/var/nixdeploy} for root, the XDG state folder for others. */
    public static Path defaultPath() {
        if ("root".equals(System.getProperty("user.name"))) {
            return Path.of("/nix/var/nixdeploy");
        }
        String xdg = System.getenv("XDG_STATE_HOME");
        Path base = xdg != null && xdg.startsWith("/") ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".local", "state");
        return base.resolve("nixdeploy");
    }

    /** Creates the folder if needed and refuses one that others could write to or that someone else owns. */
    public static StateDir open(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath().normalize();
        if (!Files.exists(absolute, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(absolute.getParent());
            try {
                Files.createDirectory(absolute, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // another activator made it first; checked below
            }
        }
        PosixFileAttributes attributes = Files.readAttributes(absolute, PosixFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isDirectory()) {
            throw new IOException("state directory " + absolute + " is not a directory");
        }
        String me = System.getProperty("user.name");
        if (!attributes.owner().getName().equals(me)) {
            throw new IOException("state directory " + absolute + " belongs to " + attributes.owner().getName()
                    + ", not to " + me + "; refusing to use it");
        }
        Set<PosixFilePermission> permissions = attributes.permissions();
        if (permissions.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
            Files.setPosixFilePermissions(absolute, PosixFilePermissions.fromString("rwx------"));
        }
        if (!Files.isWritable(absolute)) {
            throw new IOException("state directory " + absolute + " is not writable");
        }
        return new StateDir(absolute);
    }

    public Path path() {
        return dir;
    }

    public JournalStore journal(Profile profile) {
        return new JournalStore(dir.resolve(key(profile) + ".journal.json"));
    }

    public Path lockFile(Profile profile) {
        return dir.resolve(key(profile) + ".lock");
    }

    public Path watcherLog(Profile profile) {
        return dir.resolve(key(profile) + ".watcher.log");
    }

    public Path watcherReady(Profile profile, String deploymentId) {
        return dir.resolve(key(profile) + "." + deploymentId + ".ready");
    }

    /**
     * The socket of one deployment's watcher: its own, so watchers never remove each other's;
     * short, since socket paths are limited to about 100 bytes.
     */
    public Path confirmSocket(Profile profile, String deploymentId) {
        String key = key(profile);
        return dir.resolve(key.substring(key.length() - 12) + "-" + deploymentId.substring(0, 8) + ".sock");
    }

    /** A file name for the profile: readable, and unique thanks to a hash of the full path. */
    static String key(Profile profile) {
        String readable = profile.path().toString().replaceAll("[^A-Za-z0-9._-]", "_");
        if (readable.length() > 80) {
            readable = readable.substring(readable.length() - 80);
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(profile.path().toString().getBytes(StandardCharsets.UTF_8));
            return readable + "-" + HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
