package nixdeploy.deployer.remote.mina;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.remote.SshConfig;
import nixdeploy.deployer.remote.SshOptions;
import nixdeploy.deployer.remote.SshTarget;
import org.apache.sshd.common.Service;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.kex.extension.KexExtensionHandler;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.password.UserAuthPasswordFactory;
import org.apache.sshd.server.auth.pubkey.KeySetPublickeyAuthenticator;
import org.apache.sshd.server.session.ServerConnectionServiceFactory;
import org.apache.sshd.server.session.ServerUserAuthService;
import org.apache.sshd.server.session.ServerUserAuthServiceFactory;
import org.apache.sshd.server.shell.ProcessShellCommandFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first authentication request is the key, not "none", once the host's extension info is read;
 * a key from a file goes out signed, an agent's key is asked about first.
 */
class PublicKeyFirstTest {
    @TempDir
    static Path dir;
    static Path hostKey;
    static Path clientKey;
    static Path rsaKey;
    static Path strangerKey;

    final List<String> methods = new CopyOnWriteArrayList<>();
    final List<String> algorithms = new CopyOnWriteArrayList<>();
    final List<Boolean> signed = new CopyOnWriteArrayList<>();
    SshServer server;

    @BeforeAll
    static void keys() throws Exception {
        Assumptions.assumeTrue(new ProcessBuilder("sh", "-c", "command -v ssh-keygen").start().waitFor() == 0);
        hostKey = MinaConnectorTest.keygen(dir, "host_ed25519", "ed25519", "");
        clientKey = MinaConnectorTest.keygen(dir, "client", "ed25519", "");
        rsaKey = MinaConnectorTest.keygen(dir, "client_rsa", "rsa", "");
        strangerKey = MinaConnectorTest.keygen(dir, "stranger", "ed25519", "");
    }

    @AfterEach
    void stop() throws IOException {
        server.stop(true);
    }

    @Test
    void theFirstRequestOffersTheKeyAndSucceeds() throws Exception {
        start(server -> { });

        connect().close();

        assertThat(methods).as("no 'none' request first").isNotEmpty().allMatch(m -> m.equals("publickey"));
    }

    @Test
    void theKeyGoesOutWithASignatureAlgorithmTheHostNamedInItsExtensionInfo() throws Exception {
        // the host names only rsa-sha2-256; unread, MINA would offer its own first choice, rsa-sha2-512
        start(server -> server.setSignatureFactoriesNames("ssh-ed25519", "rsa-sha2-256"));

        connect(rsaKey).close();

        assertThat(algorithms).isNotEmpty().allMatch(a -> a.equals("rsa-sha2-256"));
        assertThat(signed).containsExactly(true);
    }

    @Test
    void aHostThatSendsNoExtensionInfoIsAuthenticatedToo() throws Exception {
        start(server -> server.setKexExtensionHandler(new KexExtensionHandler() {
            @Override
            public void sendKexExtensions(Session session, KexPhase phase) {
                // an SSH server from before RFC 8308
            }
        }));

        connect().close();

        assertThat(methods).isNotEmpty().allMatch(m -> m.equals("publickey"));
    }

    @Test
    void aHostThatAllowsNoKeysRefusesWithTheUsualMessage() throws Exception {
        start(server -> server.setUserAuthFactories(List.of(UserAuthPasswordFactory.INSTANCE)));

        assertThatThrownBy(this::connect).isInstanceOf(DeployException.class)
                .hasMessageContaining("authentication to test@127.0.0.1").hasMessageContaining("no key was accepted");
        assertThat(methods).startsWith("publickey").doesNotContain("none");
    }

    @Test
    void withNoKeyToOfferItAsksWithNoneWhichSomeHostsAccept() throws Exception {
        // (MINA's server refuses "none" even when told to accept it; Tailscale SSH accepts it)
        start(server -> { });

        assertThatThrownBy(() -> connect(dir.resolve("absent_key"))).isInstanceOf(DeployException.class)
                .hasMessageContaining("no key was accepted");
        assertThat(methods).containsExactly("none");
    }

    @Test
    void aKeyFromItsFileGoesOutSignedWithoutAskingFirst() throws Exception {
        start(server -> { });

        connect().close();

        assertThat(signed).containsExactly(true);
    }

    @Test
    void aRefusedKeyIsFollowedByTheNextOneSignedToo() throws Exception {
        start(server -> { });

        connect(strangerKey, "-i", clientKey.toString()).close();

        assertThat(signed).containsExactly(true, true);
    }

    @Test
    void withoutTheHostsListOfAlgorithmsTheKeyIsAskedAboutBeforeItSigns() throws Exception {
        start(server -> {
            server.setSignatureFactoriesNames("ssh-ed25519", "rsa-sha2-256");
            server.setKexExtensionHandler(new KexExtensionHandler() {
                @Override
                public void sendKexExtensions(Session session, KexPhase phase) {
                    // so the client cannot know which RSA algorithms the host takes
                }
            });
        });

        connect(rsaKey).close();

        // no signature is made with an algorithm the host may not take (ssh-rsa is SHA-1)
        assertThat(algorithms).containsExactly("rsa-sha2-512", "rsa-sha2-256", "rsa-sha2-256");
        assertThat(signed).containsExactly(false, false, true);
    }

    @Test
    void anAgentsKeyIsAskedAboutBeforeItSigns() throws Exception {
        Assumptions.assumeTrue(new ProcessBuilder("sh", "-c", "command -v ssh-agent").start().waitFor() == 0);
        Path socket = dir.resolve("agent.sock");
        Process agent = new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            for (int i = 0; i < 100 && !Files.exists(socket); i++) {
                Thread.sleep(50);
            }
            ProcessBuilder adding = new ProcessBuilder("ssh-add", clientKey.toString()).redirectErrorStream(true);
            adding.environment().put("SSH_AUTH_SOCK", socket.toString());
            Process add = adding.start();
            add.getInputStream().readAllBytes();
            assertThat(add.waitFor()).isZero();
            start(server -> { });

            connect(clientKey, "-o", "IdentityAgent=" + socket).close();

            assertThat(signed).containsExactly(false, true);
        } finally {
            agent.destroy();
            Files.deleteIfExists(socket);
        }
    }

    private void start(Consumer<SshServer> configure) throws Exception {
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(new FileKeyPairProvider(hostKey));
        server.setPublickeyAuthenticator(new KeySetPublickeyAuthenticator("test",
                List.of(MinaConnectorTest.publicKey(clientKey), MinaConnectorTest.publicKey(rsaKey))));
        server.setCommandFactory(new ProcessShellCommandFactory());
        server.setServiceFactories(List.of(new ServerUserAuthServiceFactory() {
            @Override
            public Service create(Session session) throws IOException {
                return new ServerUserAuthService(session) {
                    @Override
                    public synchronized void process(int cmd, Buffer buffer) throws Exception {
                        if (cmd == SshConstants.SSH_MSG_USERAUTH_REQUEST) {
                            Buffer request = new ByteArrayBuffer(buffer.array(), buffer.rpos(), buffer.available());
                            request.getString();  // user
                            request.getString();  // service
                            methods.add(request.getString());
                            if (methods.get(methods.size() - 1).equals("publickey")) {
                                signed.add(request.getBoolean());
                                algorithms.add(request.getString());
                            }
                        }
                        super.process(cmd, buffer);
                    }
                };
            }
        }, ServerConnectionServiceFactory.INSTANCE));
        configure.accept(server);
        server.start();
    }

    private MinaRemoteHost connect() throws Exception {
        return connect(clientKey);
    }

    private MinaRemoteHost connect(Path key, String... more) throws Exception {
        String[] pub = Files.readString(hostKey.resolveSibling("host_ed25519.pub")).trim().split(" ");
        Path known = Files.writeString(dir.resolve("known_hosts"),
                "[127.0.0.1]:" + server.getPort() + " " + pub[0] + " " + pub[1] + "\n");
        List<String> options = new java.util.ArrayList<>(List.of("-p", Integer.toString(server.getPort()), "-o",
                "UserKnownHostsFile=" + known, "-o", "GlobalKnownHostsFile=" + dir.resolve("none"), "-i",
                key.toString()));
        options.addAll(List.of(more));
        options.addAll(List.of("-o", "IdentityAgent=none"));
        SshTarget target = SshOptions.apply(SshTarget.of("127.0.0.1", "test"), options, warning -> { });
        Path home = dir.resolve("home");
        try (MinaConnector connector = new MinaConnector(warning -> { },
                new SshConfig(home, List.of(home.resolve(".ssh/config"))), new PassphrasePrompt() {
                    @Override
                    boolean available() {
                        return false;
                    }
                })) {
            return (MinaRemoteHost) connector.connect(target);
        }
    }
}
