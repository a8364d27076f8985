package nixdeploy.deployer.remote.mina;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import nixdeploy.deployer.remote.KnownHostsName;
import org.apache.sshd.common.config.keys.PublicKeyEntry;

/**
 * Records a host key (accept-new) as OpenSSH does: one whole line appended to the user's
 * known_hosts, hashed when HashKnownHosts says so. Hosts deploy in parallel, in this JVM and in
 * others, so the file is locked while it is checked and appended to, and a key another writer
 * recorded meanwhile is not written twice. The lock is taken on the file's real path, so two names
 * of one file (a symlink) share it. Missing folders are made 0700 and a new file 0600, as private as
 * ~/.ssh is meant to be.
 */
final class KnownHostsWriter {
    private static final ConcurrentHashMap<Path, Object> IN_PROCESS = new ConcurrentHashMap<>();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final FileAttribute<Set<PosixFilePermission>> FOLDER_MODE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    private static final FileAttribute<Set<PosixFilePermission>> FILE_MODE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private KnownHostsWriter() {}

    /** Appends {@code key} (a plain key, never a certificate) under {@code name}, unless the file has it. */
    static void append(Path file, KnownHostsName name, PublicKey key, boolean hash) throws IOException {
        Path real = create(file.toAbsolutePath().normalize()).toRealPath();
        // POSIX locks are per process: threads of this JVM take turns first
        synchronized (IN_PROCESS.computeIfAbsent(real, p -> new Object())) {
            try (FileChannel channel = FileChannel.open(real, StandardOpenOption.READ, StandardOpenOption.WRITE);
                    FileLock lock = channel.lock()) {
                if (KnownHosts.of(List.of(real), name).judge(key) instanceof KnownHosts.Known) {
                    return;
                }
                String line = name(name, hash) + " " + PublicKeyEntry.toString(key) + "\n";
                long size = channel.size();
                if (size > 0) {
                    ByteBuffer last = ByteBuffer.allocate(1);
                    channel.read(last, size - 1);
                    if (last.get(0) != '\n') {
                        line = "\n" + line;
                    }
                }
                ByteBuffer bytes = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
                long at = size;
                while (bytes.hasRemaining()) {
                    at += channel.write(bytes, at);
                }
                channel.force(false);
            }
        }
    }

    /** Makes {@code file} (0600, through a symlink too) and its missing folders (0700) unless they exist. */
    private static Path create(Path file) throws IOException {
        Path parent = file.getParent();
        if (!Files.isDirectory(parent)) {
            List<Path> missing = new ArrayList<>();
            for (Path p = parent; p != null && !Files.exists(p); p = p.getParent()) {
                missing.add(0, p);
            }
            for (Path folder : missing) {
                try {
                    Files.createDirectory(folder, FOLDER_MODE);
                } catch (FileAlreadyExistsException e) {
                    // made meanwhile by another writer
                }
            }
        }
        // without O_EXCL, so a symlink whose target does not exist yet makes the target
        FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), FILE_MODE).close();
        return file;
    }

    private static String name(KnownHostsName name, boolean hash) throws IOException {
        if (!hash) {
            return name.toString();
        }
        byte[] salt = new byte[20];
        RANDOM.nextBytes(salt);
        try {
            return KnownHostsPattern.hashed(name.toString(), salt);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot hash the host name " + name + ": " + e.getMessage(), e);
        }
    }
}
