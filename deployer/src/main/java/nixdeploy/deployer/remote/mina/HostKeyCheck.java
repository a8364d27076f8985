package nixdeploy.deployer.remote.mina;

import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import nixdeploy.deployer.remote.HostKeyPolicy;
import nixdeploy.deployer.remote.SshTarget;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.util.net.SshdSocketAddress;

/**
 * Checks a server's key against the target's known_hosts files. An unknown key is refused unless
 * the target says accept-new or no; a changed key is refused unless it says no (the user's opt-out,
 * honoured as OpenSSH does). What went wrong is kept for the error message, with the fingerprint.
 */
final class HostKeyCheck implements ServerKeyVerifier {
    static final AttributeKey<SshTarget> TARGET = new AttributeKey<>();
    static final AttributeKey<AtomicReference<String>> PROBLEM = new AttributeKey<>();

    @Override
    public boolean verifyServerKey(ClientSession session, SocketAddress remote, PublicKey key) {
        SshTarget target = session.getConnectionContext().getAttribute(TARGET);
        AtomicReference<String> problem = session.getConnectionContext().getAttribute(PROBLEM);
        String fingerprint = KeyUtils.getKeyType(key) + " " + KeyUtils.getFingerPrint(key);
        // with -J this is called for the jump host too: name the host that showed the key
        String host = hostOf(remote, target);
        List<Path> files = target.effectiveKnownHostsFiles();
        for (Path file : files) {
            if (!Files.exists(file)) {
                continue;
            }
            KnownHostsServerKeyVerifier verifier = new KnownHostsServerKeyVerifier((s, r, k) -> false, file);
            verifier.setModifiedServerKeyAcceptor((s, r, entry, expected, actual) -> {
                problem.set("the host key of " + host + " has CHANGED: it is now " + fingerprint
                        + ", but " + file + " expects " + KeyUtils.getFingerPrint(expected)
                        + ". This may be an attack or a reinstalled host. If the host was reinstalled, remove the "
                        + "old key (ssh-keygen -R " + host + " -f " + file + ") and connect again.");
                return false;
            });
            if (verifier.verifyServerKey(session, remote, key)) {
                return true;
            }
            if (problem.get() != null) {
                if (target.hostKeyPolicy() != HostKeyPolicy.ACCEPT_ANY) {
                    return false;
                }
                // StrictHostKeyChecking=no: OpenSSH goes on too (SshOptions warned when it read the option)
                problem.set(null);
                return true;
            }
        }
        if (target.hostKeyPolicy() == HostKeyPolicy.STRICT) {
            problem.set("the host key of " + host + " (" + fingerprint + ") is not in " + files
                    + ". Check the fingerprint, then add it (ssh-keyscan " + host + " >> " + files.get(0)
                    + "), or pass --ssh-opts '-o StrictHostKeyChecking=accept-new' to trust it on first use.");
            return false;
        }
        boolean any = target.hostKeyPolicy() == HostKeyPolicy.ACCEPT_ANY;
        Path file = files.get(0);
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            // such as UserKnownHostsFile=/dev/null: the key is trusted for this connection only
            return true;
        }
        KnownHostsServerKeyVerifier recorder = new KnownHostsServerKeyVerifier((s, r, k) -> true, file);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            if (!Files.exists(file)) {
                Files.createFile(file);
            }
        } catch (java.io.IOException e) {
            // OpenSSH with StrictHostKeyChecking=no, too, goes on when it cannot record the key
            problem.set(any ? null : "cannot record the host key of " + host + " in " + file + ": " + e.getMessage());
            return any;
        }
        return recorder.verifyServerKey(session, remote, key) || any;
    }

    private static String hostOf(SocketAddress remote, SshTarget target) {
        if (remote instanceof java.net.InetSocketAddress inet) {
            return inet.getHostString();
        }
        if (remote instanceof SshdSocketAddress sshd) {
            return sshd.getHostName();
        }
        return target.host();
    }
}
