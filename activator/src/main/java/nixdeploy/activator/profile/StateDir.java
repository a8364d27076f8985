package nixdeploy.activator.profile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.Set;
import nixdeploy.protocol.Sha256;

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

    /**
     * The state folder at {@code dir}: made private (0700) if it is missing. An existing folder is
     * used as it is only when it is this user's and private; otherwise (a shared folder such as
     * {@code /tmp}, or one made by someone else) a private folder of its own inside it. The mode of
     * a folder the activator did not create is never changed.
     */
    public static StateDir open(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath().normalize();
        if (!Files.exists(absolute, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(absolute.getParent());
            createPrivate(absolute);
        }
        PosixFileAttributes attributes = directory(absolute);
        String me = System.getProperty("user.name");
        if (attributes.owner().getName().equals(me) && isPrivate(attributes)) {
            return writable(absolute);
        }
        requireSafeParent(absolute, attributes, me);
        Path own = absolute.resolve("nixdeploy-" + me);
        if (!Files.exists(own, LinkOption.NOFOLLOW_LINKS)) {
            createPrivate(own);
        }
        PosixFileAttributes ownAttributes = directory(own);
        if (!ownAttributes.owner().getName().equals(me)) {
            throw new IOException("state directory " + own + " belongs to " + ownAttributes.owner().getName()
                    + ", not to " + me + "; refusing to use it");
        }
        if (!isPrivate(ownAttributes)) {
            throw new IOException("state directory " + own + " can be read or written by others (mode "
                    + PosixFilePermissions.toString(ownAttributes.permissions()) + "); refusing to use it. "
                    + "Remove it, or make it private with chmod 700");
        }
        return writable(own);
    }

    /**
     * A folder of our own inside {@code dir} stays ours only if nobody else can rename or replace
     * it: {@code dir} belongs to us or root, and if others may write to it, it is sticky (as /tmp).
     */
    private static void requireSafeParent(Path dir, PosixFileAttributes attributes, String me) throws IOException {
        String owner = attributes.owner().getName();
        if (!owner.equals(me) && !owner.equals("root")) {
            throw new IOException("state directory " + dir + " belongs to " + owner + ", not to " + me
                    + " or root; refusing to use it");
        }
        Set<PosixFilePermission> permissions = attributes.permissions();
        boolean othersWrite = permissions.contains(PosixFilePermission.GROUP_WRITE)
                || permissions.contains(PosixFilePermission.OTHERS_WRITE);
        if (othersWrite && !isSticky(dir)) {
            throw new IOException("state directory " + dir + " can be written by others and is not sticky (mode "
                    + PosixFilePermissions.toString(permissions) + "); refusing to use it");
        }
    }

    private static boolean isSticky(Path dir) throws IOException {
        try {
            return (((Integer) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS)) & 01000) != 0;
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    private static void createPrivate(Path dir) throws IOException {
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (java.nio.file.FileAlreadyExistsException raced) {
            // another activator made it first; its owner and mode are checked by the caller
        }
    }

    private static PosixFileAttributes directory(Path dir) throws IOException {
        PosixFileAttributes attributes = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isDirectory()) {
            throw new IOException("state directory " + dir + " is not a directory"
                    + (attributes.isSymbolicLink() ? " but a symbolic link" : ""));
        }
        return attributes;
    }

    private static boolean isPrivate(PosixFileAttributes attributes) {
        Set<PosixFilePermission> permissions = attributes.permissions();
        return permissions.stream().noneMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"));
    }

    private static StateDir writable(Path dir) throws IOException {
        if (!Files.isWritable(dir)) {
            throw new IOException("state directory " + dir + " is not writable");
        }
        return new StateDir(dir);
    }

    public Path path() {
        return dir;
    }

    public JournalStore journal(Profile profile) {
        return new JournalStore(dir.resolve(key(profile) + ".journal.json"));
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
    public static String key(Profile profile) {
        String readable = profile.path().toString().replaceAll("[^A-Za-z0-9._-]", "_");
        if (readable.length() > 80) {
            readable = readable.substring(readable.length() - 80);
        }
        byte[] digest = Sha256.digest(profile.path().toString().getBytes(StandardCharsets.UTF_8));
        return readable + "-" + HexFormat.of().formatHex(digest, 0, 6);
    }
}
