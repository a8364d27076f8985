package nixdeploy.deployer.remote.mina;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.remote.SshConfig;
import nixdeploy.deployer.remote.SshOptions;
import nixdeploy.deployer.remote.SshTarget;
import org.apache.sshd.common.keyprovider.FileHostKeyCertificateProvider;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.pubkey.KeySetPublickeyAuthenticator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The connector against an in-process MINA server that shows an ed25519 host certificate signed by a CA. */
class HostCertificateTest {
    @TempDir
    static Path dir;

    static SshServer server;
    static Path clientKey;
    static final List<String> warnings = new ArrayList<>();

    @BeforeAll
    static void startServer() throws Exception {
        Assumptions.assumeTrue(new ProcessBuilder("sh", "-c", "command -v ssh-keygen").start().waitFor() == 0);
        Path ca = keygen("ca");
        Path hostKey = keygen("host");
        run("ssh-keygen", "-q", "-s", ca.toString(), "-I", "host", "-h", "-n", "127.0.0.1", hostKey + ".pub");
        clientKey = keygen("client");
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(new FileKeyPairProvider(hostKey));
        server.setHostKeyCertificateProvider(new FileHostKeyCertificateProvider(dir.resolve("host-cert.pub")));
        server.setPublickeyAuthenticator(new KeySetPublickeyAuthenticator("test",
                List.of(MinaConnectorTest.publicKey(clientKey))));
        server.start();
    }

    @AfterAll
    static void stopServer() throws IOException {
        if (server != null) {
            server.stop(true);
        }
    }

    static Path keygen(String name) throws Exception {
        Path file = dir.resolve(name);
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", file.toString());
        return file;
    }

    static void run(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).isZero();
    }

    static String pub(String name) throws IOException {
        String[] pub = Files.readString(dir.resolve(name + ".pub")).trim().split(" ");
        return pub[0] + " " + pub[1];
    }

    void connect(Path knownHosts, String... more) throws DeployException {
        List<String> opts = new ArrayList<>(List.of("-p", Integer.toString(server.getPort()),
                "-o", "UserKnownHostsFile=" + knownHosts, "-o", "GlobalKnownHostsFile=/dev/null",
                "-o", "IdentityAgent=none", "-i", clientKey.toString()));
        opts.addAll(List.of(more));
        SshTarget target = SshOptions.apply(SshTarget.of("127.0.0.1", "test"), opts, warnings::add);
        Path home = dir.resolve("home");
        try (MinaConnector connector = new MinaConnector(warnings::add,
                new SshConfig(home, List.of(home.resolve(".ssh/config"))), new PassphrasePrompt() {
                    @Override
                    boolean available() {
                        return false;
                    }
                })) {
            connector.connect(target).close();
        }
    }

    Path file(String name, String... lines) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, List.of(lines));
        return file;
    }

    @Test
    void aCertificateFromATrustedAuthorityIsAccepted() throws Exception {
        connect(file("kh_ca", "@cert-authority * " + pub("ca")));
    }

    @Test
    void aCertificateWhosePlainKeyIsRevokedIsRefusedThoughItsAuthorityIsTrusted() throws Exception {
        Path knownHosts = file("kh_ca_revoked", "@cert-authority * " + pub("ca"), "@revoked * " + pub("host"));

        assertThatThrownBy(() -> connect(knownHosts))
                .hasMessageContaining("@revoked").hasMessageContaining("kh_ca_revoked line 2");
    }

    @Test
    void acceptNewRecordsTheCertificatesPlainKeyOnce() throws Exception {
        Path knownHosts = dir.resolve("kh_cert_new");

        connect(knownHosts, "-o", "StrictHostKeyChecking=accept-new");
        connect(knownHosts, "-o", "StrictHostKeyChecking=accept-new");

        assertThat(Files.readAllLines(knownHosts)).containsExactly(
                "[127.0.0.1]:" + server.getPort() + " " + pub("host"));
        connect(knownHosts);
    }
}
