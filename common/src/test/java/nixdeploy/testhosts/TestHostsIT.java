package nixdeploy.testhosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.loader.openssh.OpenSSHKeyPairResourceParser;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class TestHostsIT {
    @RegisterExtension
    static final TestHosts HOSTS = TestHosts.count(2);

    private static SshClient client;

    @BeforeAll
    static void startClient() {
        client = SshClient.setUpDefaultClient();
        client.start();
    }

    @AfterAll
    static void stopClient() {
        client.stop();
    }

    @Test
    void eachHostAnswersOverSshWithStrictHostKeyChecking() throws Exception {
        for (TestHost host : HOSTS.all()) {
            String out = run(host, host.knownHostsFile(), "echo hello from $(hostname -I 2>/dev/null || echo ns)");
            assertThat(out).contains("hello from").contains(host.address());
        }
    }

    @Test
    void eachHostStartsWithAnEmptyStoreOfItsOwn() throws Exception {
        TestHost first = HOSTS.get(0);
        TestHost second = HOSTS.get(1);
        assertThat(run(first, first.knownHostsFile(), "ls /nix/store 2>/dev/null | wc -l").trim()).isEqualTo("0");

        run(first, first.knownHostsFile(), "mkdir -p /nix/store && echo marker > /nix/store/marker-of-first");

        assertThat(first.sh("cat /nix/store/marker-of-first").stdout()).contains("marker");
        assertThat(run(second, second.knownHostsFile(), "ls /nix/store 2>/dev/null | wc -l").trim()).isEqualTo("0");
        assertThat(Files.exists(Path.of("/nix/store/marker-of-first"))).isFalse();
        first.sh("rm -f /nix/store/marker-of-first").orThrow();
    }

    @Test
    void aConnectionExpectingAnotherHostsKeyIsRefused(@TempDir Path tmp) throws Exception {
        TestHost first = HOSTS.get(0);
        TestHost second = HOSTS.get(1);
        Path wrongKnownHosts = tmp.resolve("known_hosts");
        Files.writeString(wrongKnownHosts, first.address() + " " + second.hostPublicKey() + "\n");

        assertThatThrownBy(() -> run(first, wrongKnownHosts, "true"))
                .hasMessageContaining("Server key did not validate");
    }

    @Test
    void anUnknownHostIsRefused(@TempDir Path tmp) throws Exception {
        Path emptyKnownHosts = tmp.resolve("known_hosts");
        Files.writeString(emptyKnownHosts, "");

        assertThatThrownBy(() -> run(HOSTS.get(0), emptyKnownHosts, "true"))
                .hasMessageContaining("Server key did not validate");
    }

    private static String run(TestHost host, Path knownHosts, String command) throws Exception {
        client.setServerKeyVerifier(new KnownHostsServerKeyVerifier(RejectAllServerKeyVerifier.INSTANCE, knownHosts));
        try (ClientSession session = client.connect("root", host.address(), host.port())
                .verify(Duration.ofSeconds(10)).getSession()) {
            for (KeyPair key : OpenSSHKeyPairResourceParser.INSTANCE.loadKeyPairs(null, host.clientKey(), null)) {
                session.addPublicKeyIdentity(key);
            }
            session.auth().verify(Duration.ofSeconds(10));
            return session.executeRemoteCommand(command);
        }
    }

    static {
        SecurityUtils.isBouncyCastleRegistered();
    }

    @Test
    void aHostStartedByAnotherLiveTestRunIsKeptAndAnOrphanedOneRemoved() throws Exception {
        // as another checkout or a fresh-debian root would: no group folder here, a live parent
        String kept = TestHosts.NAME_PREFIX + "198";
        String orphaned = TestHosts.NAME_PREFIX + "199";
        Cmd.run("ip", "netns", "add", kept).orThrow();
        Cmd.run("ip", "netns", "add", orphaned).orThrow();
        Process child = new ProcessBuilder("ip", "netns", "exec", kept, "sleep", "120").start();
        // its starter exits at once: the sleep is handed to init, as when a test JVM is killed
        Cmd.run("sh", "-c", "ip netns exec " + orphaned + " sleep 120 >/dev/null 2>&1 &").orThrow();
        try {
            Poll.until(() -> !Cmd.run("ip", "netns", "pids", kept).stdout().isBlank()
                    && !Cmd.run("ip", "netns", "pids", orphaned).stdout().isBlank(), "both sleeps run",
                    Duration.ofSeconds(10));

            TestHosts.removeLeftovers();

            assertThat(namespaces()).contains(kept).doesNotContain(orphaned);
        } finally {
            child.destroyForcibly().waitFor();
            TestHosts.removeLeftovers();
        }
        assertThat(namespaces()).doesNotContain(kept);
    }

    private static java.util.List<String> namespaces() {
        return Cmd.run("ip", "netns", "list").stdout().lines().map(l -> l.split(" ")[0]).toList();
    }
}
