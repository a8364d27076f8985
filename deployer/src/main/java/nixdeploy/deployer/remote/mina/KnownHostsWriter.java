package nixdeploy.deployer.remote.mina;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.client.config.hosts.KnownHostDigest;
import org.apache.sshd.client.config.hosts.KnownHostHashValue;
import org.apache.sshd.common.config.keys.PublicKeyEntry;

/**
 * Records a host key (accept-new) as OpenSSH does: one whole line appended to the user's
 * known_hosts, hashed when HashKnownHosts says so. Hosts deploy in parallel, in this JVM and in
 * others, so the file is locked while it is checked and appended to, and a key another writer
 * recorded meanwhile is not written twice.
 */
final class KnownHostsWriter {
    private static final ConcurrentHashMap<Path, Object> IN_PROCESS = new ConcurrentHashMap<>();
    private static final SecureRandom RANDOM = new SecureRandom();

    private KnownHostsWriter() {}

    static void append(Path file, String host, int port, PublicKey key, boolean hash) throws IOException {
        Path absolute = file.toAbsolutePath().normalize();
        Files.createDirectories(absolute.getParent());
        // POSIX locks are per process: threads of this JVM take turns first
        synchronized (IN_PROCESS.computeIfAbsent(absolute, p -> new Object())) {
            try (FileChannel channel = FileChannel.open(absolute, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
                    FileLock lock = channel.lock()) {
                if (KnownHosts.of(java.util.List.of(absolute), host, port).judge(key) instanceof KnownHosts.Known) {
                    return;
                }
                String line = name(host, port, hash) + " " + PublicKeyEntry.toString(key) + "\n";
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

    private static String name(String host, int port, boolean hash) throws IOException {
        if (!hash) {
            return KnownHostHashValue.createHostPattern(host, port);
        }
        byte[] salt = new byte[20];
        RANDOM.nextBytes(salt);
        try {
            byte[] digest = KnownHostHashValue.calculateHashValue(host, port, KnownHostDigest.SHA1, salt);
            Base64.Encoder b64 = Base64.getEncoder();
            return "|1|" + b64.encodeToString(salt) + "|" + b64.encodeToString(digest);
        } catch (Exception e) {
            throw new IOException("cannot hash the host name " + host + ": " + e.getMessage(), e);
        }
    }
}
