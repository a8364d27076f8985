package nixdeploy.deployer.remote.mina;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import java.util.function.Consumer;
import nixdeploy.deployer.remote.HostKeyPolicy;
import nixdeploy.deployer.remote.KnownHostsName;
import nixdeploy.deployer.remote.SshSettings;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;

/**
 * Checks a host's key as OpenSSH does, against the user's and the global known_hosts files of the
 * host's own settings (a jump host's too), under the host's {@link KnownHostsName}. An unknown key
 * is refused unless StrictHostKeyChecking says accept-new or no; a changed or revoked key is
 * refused unless it says no (then a changed key is let through with a loud warning, as OpenSSH's
 * banner). An accepted new key is recorded, its plain key for a certificate (OpenSSH's "retry with
 * plain key"); if that fails, the key was still checked, so the connection goes on with a warning.
 * A known_hosts file that cannot be read refuses the connection. What went wrong is kept for the
 * error message, with the fingerprint.
 */
final class HostKeyCheck implements ServerKeyVerifier {
    private final Consumer<String> warn;

    HostKeyCheck(Consumer<String> warn) {
        this.warn = warn;
    }

    /** The known_hosts lines for {@code host}: the user's files, then the global ones. */
    static KnownHosts knownHosts(SshSettings host) throws IOException {
        return KnownHosts.of(files(host), host.knownHostsName());
    }

    private static List<Path> files(SshSettings host) {
        return java.util.stream.Stream.concat(host.userKnownHostsFiles().stream(),
                host.globalKnownHostsFiles().stream()).toList();
    }

    @Override
    public boolean verifyServerKey(ClientSession session, SocketAddress remote, PublicKey key) {
        Connection connection = Connection.of(session);
        SshSettings host = connection.settingsOf(session);
        KnownHostsName name = host.knownHostsName();
        KnownHosts known;
        try {
            known = knownHosts(host);
        } catch (IOException e) {
            connection.hostKeyProblem.set("the host key of " + name + " cannot be checked: " + e.getMessage()
                    + ". Make the file readable (or set UserKnownHostsFile / GlobalKnownHostsFile), then connect "
                    + "again.");
            return false;
        }
        PublicKey plain = key instanceof OpenSshCertificate cert ? cert.getCertPubKey() : key;
        String fingerprint = KeyUtils.getKeyType(plain) + " " + KeyUtils.getFingerPrint(plain)
                + (key instanceof OpenSshCertificate ? " (certificate)" : "");
        KnownHosts.Verdict verdict = known.judge(key);
        if (verdict instanceof KnownHosts.Known) {
            return true;
        }
        if (verdict instanceof KnownHosts.Revoked revoked) {
            connection.hostKeyProblem.set("the host key of " + name + " (" + fingerprint + ") is marked @revoked in "
                    + revoked.line().where() + ".");
            return false;
        }
        if (verdict instanceof KnownHosts.Changed changed) {
            String what = "the host key of " + name + " has CHANGED: it is now " + fingerprint + ", but "
                    + changed.line().where() + " expects " + KeyUtils.getFingerPrint(changed.line().key()) + ".";
            if (host.hostKeyPolicy() == HostKeyPolicy.ACCEPT_ANY) {
                warn.accept("WARNING: " + what + " Connecting ANYWAY, because StrictHostKeyChecking is off ("
                        + host.hostKeyPolicySource() + "). Someone may be intercepting this connection.");
                return true;
            }
            connection.hostKeyProblem.set(what + " This may be an attack or a reinstalled host. If the host was "
                    + "reinstalled, remove the old key (ssh-keygen -R '" + name + "' -f " + changed.line().file()
                    + ") and connect again.");
            return false;
        }
        KnownHosts.Unknown unknown = (KnownHosts.Unknown) verdict;
        Path userFile = host.userKnownHostsFiles().isEmpty() ? null : host.userKnownHostsFiles().get(0);
        if (host.hostKeyPolicy() == HostKeyPolicy.STRICT) {
            connection.hostKeyProblem.set("the host key of " + name + " (" + fingerprint + ") is not in "
                    + files(host).stream().filter(Files::exists).toList()
                    + (unknown.otherTypes().isEmpty() ? "" : ", which list only other key types for it ("
                    + String.join(", ", unknown.otherTypes()) + ")")
                    + ". Check the fingerprint, then add it (ssh-keyscan " + scanArgs(host) + " >> "
                    + (userFile == null ? "~/.ssh/known_hosts" : userFile) + aliasNote(host)
                    + "), or pass --ssh-opts '-o StrictHostKeyChecking=accept-new' to trust it on first use.");
            return false;
        }
        record(host, userFile, plain);
        return true;
    }

    private void record(SshSettings host, Path file, PublicKey plain) {
        if (file == null || (Files.exists(file) && !Files.isRegularFile(file))) {
            // such as UserKnownHostsFile=/dev/null: the key is trusted for this connection only
            return;
        }
        try {
            KnownHostsWriter.append(file, host.knownHostsName(), plain, host.hashKnownHosts());
        } catch (IOException | RuntimeException e) {
            warn.accept("trusted the new host key of " + host.knownHostsName() + ", but could not record it in "
                    + file + ": " + e.getMessage());
        }
    }

    private static String scanArgs(SshSettings host) {
        return (host.port() == 22 ? "" : "-p " + host.port() + " ") + host.hostName();
    }

    /** ssh-keyscan names the line by host and port; a HostKeyAlias must replace that name. */
    private static String aliasNote(SshSettings host) {
        KnownHostsName name = host.knownHostsName();
        String scanned = host.port() == 22 ? host.hostName() : "[" + host.hostName() + "]:" + host.port();
        return name.toString().equals(scanned) ? ""
                : ", then replace the line's host name " + scanned + " with " + name + ", the HostKeyAlias";
    }
}
