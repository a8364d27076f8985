package nixdeploy.deployer.remote.mina;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.ExitCode;
import nixdeploy.deployer.remote.RemoteConnector;
import nixdeploy.deployer.remote.RemoteHost;
import nixdeploy.deployer.remote.SshConfig;
import nixdeploy.deployer.remote.SshSettings;
import nixdeploy.deployer.remote.SshTarget;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.config.hosts.HostConfigEntry;
import org.apache.sshd.client.session.ClientConnectionServiceFactory;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.kex.BuiltinKEM;
import org.apache.sshd.common.kex.KexProposalOption;
import org.apache.sshd.common.kex.KeyExchangeFactory;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * Connects with Apache MINA SSHD, with the user's OpenSSH set-up: settings resolved from the
 * command line, ~/.ssh/config and /etc/ssh/ssh_config ({@link SshSettings}), host keys checked
 * against the user's and the global known_hosts ({@link HostKeyCheck}) with the known key types
 * offered first, keys offered in OpenSSH's order ({@link Identities}). Each {@link #connect} opens
 * a new TCP connection and authenticates anew; nothing is pooled or multiplexed.
 */
public final class MinaConnector implements RemoteConnector {
    private final SshClient client;
    private final SshConfig config;

    public MinaConnector(Consumer<String> warn) {
        this(warn, SshConfig.standard(), new PassphrasePrompt());
    }

    MinaConnector(Consumer<String> warn, SshConfig config, PassphrasePrompt prompt) {
        this.config = config;
        SecurityUtils.isBouncyCastleRegistered();
        client = SshClient.setUpDefaultClient();
        client.setIoServiceFactoryFactory(new QuickAckSessions());
        // each SSH packet is written whole; Nagle's algorithm only held the small ones of the set-up
        // back until the host acknowledged the one before (40 ms each, twice per connection)
        CoreModuleProperties.TCP_NODELAY.set(client, true);
        client.setCipherFactories(JdkChaCha20Poly1305.replacing(client.getCipherFactories()));
        client.setKeyExchangeFactories(SntrupKeysAhead.replacing(mlKemFirst(client.getKeyExchangeFactories())));
        client.setServerKeyVerifier(new HostKeyCheck(warn));
        client.setUserAuthFactories(List.of(new OrderedPublicKeyAuth(new Identities(prompt))));
        client.setServiceFactories(List.of(PublicKeyFirst.FACTORY, ClientConnectionServiceFactory.INSTANCE));
        client.setSessionFactory(ExtensionInfoSession.factory(client));
        client.setHostConfigEntryResolver((host, port, local, user, jump, context) -> {
            Connection connection = context.getAttribute(Connection.KEY);
            return entry(connection.resolveJump(), connection);
        });
        client.addSessionListener(new SessionListener() {
            @Override
            public void sessionNegotiationOptionsCreated(Session session, Map<KexProposalOption, String> proposal) {
                Connection connection = Connection.of(session);
                SshSettings host = connection.settingsOf(session);
                KnownHosts known;
                try {
                    known = HostKeyCheck.knownHosts(host);
                } catch (IOException e) {
                    return;  // MINA's order; HostKeyCheck refuses the key and says why
                }
                proposal.put(KexProposalOption.SERVERKEYS, String.join(",", HostKeyAlgorithms.order(
                        session.getSignatureFactoriesNames(), host.hostKeyAlgorithms(), known.keyTypes(),
                        known.hasCertificateAuthority())));
            }

            @Override
            public void sessionNegotiationEnd(Session session, Map<KexProposalOption, String> clientProposal,
                    Map<KexProposalOption, String> serverProposal, Map<KexProposalOption, String> negotiated,
                    Throwable reason) {
                Connection connection = Connection.of(session);
                if (connection != null && SntrupKeysAhead.isSntrup(negotiated.get(KexProposalOption.ALGORITHMS))) {
                    connection.sntrupUsed = true;
                }
            }
        });
        // a connection opened before a long build must outlive it (MINA closes one idle for 10 minutes,
        // NAT boxes sooner); four unanswered keepalives in a row mean the host is gone
        CoreModuleProperties.HEARTBEAT_INTERVAL.set(client, Duration.ofSeconds(30));
        CoreModuleProperties.HEARTBEAT_REQUEST.set(client, "keepalive@openssh.com");
        CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(client, 4);
        client.start();
    }

    /**
     * Does, ahead of the first connection and off its path, the work every first connection of a
     * JVM pays for: registering Bouncy Castle, the first X25519 key and ML-KEM key pair (class
     * set-up; not kept), and the first connection's sntrup761 key pair ({@link SntrupKeysAhead}).
     */
    public static void prepare() {
        SecurityUtils.isBouncyCastleRegistered();
        SntrupKeysAhead.prime();
        try {
            if (BuiltinDHFactories.mlkem768x25519.isSupported()) {
                BuiltinDHFactories.mlkem768x25519.create().getE();
                BuiltinKEM.mlkem768.getClient().init();
            }
        } catch (Exception e) {
            // the real key exchange reports what is wrong
        }
    }

    @Override
    public void expectConnection(RemoteHost model) {
        Connection connection = model instanceof MinaRemoteHost host ? Connection.of(host.session()) : null;
        if (connection == null || connection.sntrupUsed) {
            SntrupKeysAhead.prime();
        }
    }

    /**
     * MINA's key exchanges with ML-KEM's hybrid first, as OpenSSH's since 10.0: as post-quantum as
     * sntrup761's, which MINA puts first, and its key pair costs ~0.2 ms of CPU here against 20 to
     * 70. Hosts without it (OpenSSH before 9.9) still get sntrup761.
     */
    static List<KeyExchangeFactory> mlKemFirst(List<KeyExchangeFactory> factories) {
        String first = BuiltinDHFactories.mlkem768x25519.getName();
        return Stream.concat(factories.stream().filter(f -> f.getName().equals(first)),
                factories.stream().filter(f -> !f.getName().equals(first))).toList();
    }

    /** Resolves {@code target}'s settings, as {@link #connect} will; for warnings and early errors. */
    public static SshSettings settings(SshTarget target) throws DeployException {
        return settings(target, SshConfig.standard());
    }

    private static SshSettings settings(SshTarget target, SshConfig config) throws DeployException {
        try {
            return SshSettings.resolve(target, config);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new DeployException(ExitCode.CONNECT_FAILED, "cannot connect to " + target.describe() + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public RemoteHost connect(SshTarget target) throws DeployException {
        SshSettings settings = settings(target, config);
        Connection connection = new Connection(target, settings, config);
        AttributeRepository context = AttributeRepository.ofKeyValuePair(Connection.KEY, connection);
        Duration timeout = settings.connectTimeout();
        ClientSession session = null;
        try {
            session = client.connect(entry(settings, connection), context, null).verify(timeout).getSession();
            session.auth().verify(timeout);
            return new MinaRemoteHost(session, settings.user(), settings.hostName(), settings.describe());
        } catch (IOException | RuntimeException e) {
            if (session != null) {
                session.close(true);
            }
            throw ConnectFailure.of(settings, connection, e);
        }
    }

    private static HostConfigEntry entry(SshSettings settings, Connection connection) {
        HostConfigEntry entry = new HostConfigEntry("", settings.hostName(), settings.port(), settings.user());
        settings.proxyJump().map(connection::lastHop).ifPresent(entry::setProxyJump);
        return entry;
    }

    @Override
    public void close() {
        client.stop();
    }
}
