package nixdeploy.deployer.remote.mina;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import nixdeploy.deployer.Causes;
import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.ExitCode;
import nixdeploy.deployer.remote.RemoteConnector;
import nixdeploy.deployer.remote.RemoteHost;
import nixdeploy.deployer.remote.SshTarget;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.config.hosts.DefaultConfigFileHostEntryResolver;
import org.apache.sshd.client.config.hosts.HostConfigEntry;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * Connects with Apache MINA SSHD: reads ~/.ssh/config, checks host keys against known_hosts, and
 * authenticates with the target's keys, the default ones and ssh-agent's. Each {@link #connect} opens a new
 * TCP connection and authenticates anew; nothing is pooled or multiplexed.
 */
public final class MinaConnector implements RemoteConnector {
    private static final List<String> DEFAULT_KEYS = List.of("id_ed25519", "id_ecdsa", "id_rsa");

    private final SshClient client;

    public MinaConnector() {
        SecurityUtils.isBouncyCastleRegistered();
        client = SshClient.setUpDefaultClient();
        client.setHostConfigEntryResolver(DefaultConfigFileHostEntryResolver.INSTANCE);
        client.setServerKeyVerifier(new HostKeyCheck());
        // a connection opened before a long build must outlive it (MINA closes one idle for 10 minutes,
        // NAT boxes sooner); four unanswered keepalives in a row mean the host is gone
        CoreModuleProperties.HEARTBEAT_INTERVAL.set(client, Duration.ofSeconds(30));
        CoreModuleProperties.HEARTBEAT_REQUEST.set(client, "keepalive@openssh.com");
        CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(client, 4);
        // what a jump host (-J, ProxyJump) without an IdentityFile of its own logs in with, as with
        // OpenSSH, whose command-line options apply to the destination only
        client.setKeyIdentityProvider(session -> {
            try {
                return loadKeys(defaultKeyFiles(), List.of());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        String agent = System.getenv("SSH_AUTH_SOCK");
        if (agent != null && !agent.isBlank() && Files.exists(Path.of(agent))) {
            client.setAgentFactory(UnixSocketAgent.factory(Path.of(agent)));
        }
        client.start();
    }

    @Override
    public RemoteHost connect(SshTarget target) throws DeployException {
        AtomicReference<String> problem = new AtomicReference<>();
        AttributeRepository context = AttributeRepository.ofAttributesMap(
                Map.of(HostKeyCheck.TARGET, target, HostKeyCheck.PROBLEM, problem));
        Duration timeout = target.connectTimeout();
        ClientSession session = null;
        try {
            HostConfigEntry entry = entry(target);
            session = client.connect(entry, context, null).verify(timeout).getSession();
            session.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
            for (KeyPair key : keys(target, entry)) {
                session.addPublicKeyIdentity(key);
            }
            session.auth().verify(timeout);
            return new MinaRemoteHost(session, entry.getUsername(), entry.getUsername() + "@" + entry.getHostName()
                    + (entry.getPort() == 22 ? "" : ":" + entry.getPort()));
        } catch (IOException | RuntimeException e) {
            if (session != null) {
                session.close(true);
            }
            throw failure(target, problem.get(), e);
        }
    }

    private static HostConfigEntry entry(SshTarget target) throws IOException {
        String user = target.user() == null || target.user().isEmpty() ? null : target.user();
        HostConfigEntry entry = DefaultConfigFileHostEntryResolver.INSTANCE.resolveEffectiveHost(target.host(),
                target.port(), null, user, target.proxyJump().orElse(null), null);
        if (entry == null) {
            entry = new HostConfigEntry(target.host(), target.host(), 22,
                    user != null ? user : System.getProperty("user.name"));
        }
        if (target.port() > 0) {
            entry.setPort(target.port());
        } else if (entry.getPort() <= 0) {
            entry.setPort(22);
        }
        if (user != null) {
            entry.setUsername(user);
        } else if (entry.getUsername() == null || entry.getUsername().isEmpty()) {
            entry.setUsername(System.getProperty("user.name"));
        }
        target.proxyJump().ifPresent(entry::setProxyJump);
        return entry;
    }

    private static List<KeyPair> keys(SshTarget target, HostConfigEntry entry) throws IOException {
        List<Path> files = new ArrayList<>(target.identityFiles());
        if (entry.getIdentities() != null) {
            entry.getIdentities().forEach(f -> files.add(Path.of(f.replaceFirst("^~", System.getProperty("user.home")))));
        }
        if (files.isEmpty()) {
            files.addAll(defaultKeyFiles());
        }
        return loadKeys(files, target.identityFiles());
    }

    private static List<Path> defaultKeyFiles() {
        return DEFAULT_KEYS.stream().map(name -> Path.of(System.getProperty("user.home"), ".ssh", name)).toList();
    }

    /** Loads the keys of {@code files}; one of {@code required} that cannot be used is an error. */
    private static List<KeyPair> loadKeys(List<Path> files, List<Path> required) throws IOException {
        List<KeyPair> keys = new ArrayList<>();
        for (Path file : files) {
            if (!Files.isReadable(file)) {
                if (required.contains(file)) {
                    throw new IOException("identity file " + file + " cannot be read");
                }
                continue;
            }
            try (InputStream in = Files.newInputStream(file)) {
                Iterable<KeyPair> loaded = SecurityUtils.loadKeyPairIdentities(null, () -> file.toString(), in,
                        FilePasswordProvider.EMPTY);
                if (loaded != null) {
                    loaded.forEach(keys::add);
                }
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                if (required.contains(file)) {
                    throw new IOException("cannot use identity file " + file + " (a passphrase-protected key must "
                            + "be added to ssh-agent): " + e.getMessage(), e);
                }
                // a default key that cannot be read without a passphrase: ssh-agent may hold it
            }
        }
        return keys;
    }

    private static DeployException failure(SshTarget target, String hostKeyProblem, Exception e) {
        String where = target.describe() + target.proxyJump().map(j -> " (through " + j + ")").orElse("");
        if (hostKeyProblem != null) {
            return new DeployException(ExitCode.CONNECT_FAILED, "refusing to connect to " + where + ": "
                    + hostKeyProblem, e);
        }
        Throwable root = Causes.root(e);
        String detail = Causes.rootMessage(e);
        if (root instanceof ConnectException || root instanceof NoRouteToHostException) {
            return new DeployException(ExitCode.CONNECT_FAILED, "cannot connect to " + where + ": " + detail
                    + ". Is the host up and sshd listening on that port?", e);
        }
        if (root instanceof UnknownHostException) {
            return new DeployException(ExitCode.CONNECT_FAILED, "cannot resolve host name " + target.host(), e);
        }
        String text = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
        if (text.contains("timeout") || text.contains("timed out")) {
            return new DeployException(ExitCode.CONNECT_FAILED, "connecting to " + where + " timed out after "
                    + target.connectTimeout().toSeconds() + " s. Is the host reachable?", e);
        }
        if (text.contains("auth")) {
            return new DeployException(ExitCode.CONNECT_FAILED, "authentication to " + where + " failed: no key "
                    + "was accepted. Pass a key with --ssh-opts '-i KEY' or check the user name"
                    + (target.proxyJump().isPresent() ? "; a jump host logs in with ~/.ssh/config's IdentityFile for "
                    + "it, the default keys or ssh-agent (-i applies to the destination only, as with OpenSSH)" : "")
                    + ".", e);
        }
        return new DeployException(ExitCode.CONNECT_FAILED, "SSH connection to " + where + " failed: " + detail, e);
    }

    @Override
    public void close() {
        client.stop();
    }
}
