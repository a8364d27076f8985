package nixdeploy.deployer.remote;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where and how to connect: the result of a node's hostname, sshUser and sshOpts. A port of 0 and
 * an empty user mean "as ~/.ssh/config says, else the default".
 */
public record SshTarget(
        String host,
        int port,
        String user,
        List<Path> identityFiles,
        List<Path> knownHostsFiles,
        HostKeyPolicy hostKeyPolicy,
        Duration connectTimeout,
        Optional<String> proxyJump) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    public SshTarget {
        identityFiles = List.copyOf(identityFiles);
        knownHostsFiles = List.copyOf(knownHostsFiles);
    }

    public static SshTarget of(String host, String user) {
        return new SshTarget(host, 0, user, List.of(), List.of(), HostKeyPolicy.STRICT, DEFAULT_CONNECT_TIMEOUT,
                Optional.empty());
    }

    public SshTarget withConnectTimeout(Duration timeout) {
        return new SshTarget(host, port, user, identityFiles, knownHostsFiles, hostKeyPolicy, timeout, proxyJump);
    }

    /** The known_hosts files to consult: the configured ones, else {@code ~/.ssh/known_hosts}. */
    public List<Path> effectiveKnownHostsFiles() {
        return knownHostsFiles.isEmpty()
                ? List.of(Path.of(System.getProperty("user.home"), ".ssh", "known_hosts"))
                : knownHostsFiles;
    }

    public String describe() {
        return (user == null || user.isEmpty() ? "" : user + "@") + host + (port > 0 ? ":" + port : "");
    }
}
