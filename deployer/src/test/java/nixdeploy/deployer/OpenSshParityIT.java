package nixdeploy.deployer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import nixdeploy.testhosts.Cmd;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * OpenSSH is the oracle: a test host with Debian's default host keys (rsa, ecdsa, ed25519, on port
 * 2222) and one serving a CA-signed host certificate (port 2223), each known_hosts variant tried
 * with {@code ssh} and with {@code deploy}; where one connects, so does the other.
 */
class OpenSshParityIT {
    @RegisterExtension
    static final DeployFixture IT = DeployFixture.hosts(1).cleanedWith(null);

    static Path keys;

    @BeforeAll
    static void setUp(@TempDir Path dir) throws Exception {
        keys = dir;
        for (String type : List.of("rsa", "ecdsa", "ed25519")) {
            Cmd.run("ssh-keygen", "-q", "-t", type, "-N", "", "-f", keys.resolve("host_" + type).toString()).orThrow();
        }
        Cmd.run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", keys.resolve("ca").toString()).orThrow();
        Cmd.run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", keys.resolve("cert_host").toString()).orThrow();
        Cmd.run("ssh-keygen", "-q", "-s", keys.resolve("ca").toString(), "-I", "test-host", "-h", "-n",
                IT.host().address(), keys.resolve("cert_host.pub").toString()).orThrow();
        String base = Files.readString(IT.host().dir().resolve("sshd_config")).replaceAll("(?m)^(Port|HostKey) .*\n", "");
        Files.writeString(keys.resolve("sshd_debian"), base + "Port 2222\n"
                + "HostKey " + keys.resolve("host_rsa") + "\nHostKey " + keys.resolve("host_ecdsa")
                + "\nHostKey " + keys.resolve("host_ed25519") + "\n");
        Files.writeString(keys.resolve("sshd_cert"), base + "Port 2223\nHostKey " + keys.resolve("cert_host")
                + "\nHostCertificate " + keys.resolve("cert_host-cert.pub") + "\n");
        IT.host().exec("/usr/sbin/sshd", "-f", keys.resolve("sshd_debian").toString(), "-E",
                keys.resolve("sshd_debian.log").toString()).orThrow();
        IT.host().exec("/usr/sbin/sshd", "-f", keys.resolve("sshd_cert").toString(), "-E",
                keys.resolve("sshd_cert.log").toString()).orThrow();
    }

    /** A known_hosts line for {@code port} with {@code type}'s key, hashed with ssh-keygen -H if asked. */
    Path knownHosts(String name, int port, String line, boolean hashed) throws Exception {
        Path file = IT.work().resolve(name);
        Files.writeString(file, "[" + IT.host().address() + "]:" + port + " " + line + "\n");
        if (hashed) {
            Cmd.run("ssh-keygen", "-H", "-f", file.toString()).orThrow();
        }
        return file;
    }

    String publicKey(String name) throws Exception {
        String[] words = Files.readString(keys.resolve(name + ".pub")).trim().split(" ");
        return words[0] + " " + words[1];
    }

    @ParameterizedTest(name = "{0} key, hashed {1}, in the {2} file")
    @CsvSource({
        "rsa, false, user", "ecdsa, false, user", "ed25519, false, user",
        "rsa, true, user", "ecdsa, true, user", "ed25519, true, user",
        "rsa, false, global", "ed25519, true, global"})
    void aHostKnownByOneKeyTypeIsAcceptedByBoth(String type, boolean hashed, String where) throws Exception {
        Path file = knownHosts("kh", 2222, publicKey("host_" + type), hashed);
        List<String> opts = where.equals("user")
                ? List.of("-o", "UserKnownHostsFile=" + file, "-o", "GlobalKnownHostsFile=/dev/null")
                : List.of("-o", "UserKnownHostsFile=/dev/null", "-o", "GlobalKnownHostsFile=" + file);

        assertBothAgree(2222, opts, true, "known-" + type + "-" + hashed + "-" + where);
    }

    @Test
    void aHostCertificateSignedByACertAuthorityIsAcceptedByBoth() throws Exception {
        Path file = IT.work().resolve("kh_ca");
        Files.writeString(file, "@cert-authority [" + IT.host().address() + "]:2223 " + publicKey("ca") + "\n");

        assertBothAgree(2223, List.of("-o", "UserKnownHostsFile=" + file, "-o", "GlobalKnownHostsFile=/dev/null"),
                true, "cert-authority");
    }

    @Test
    void aChangedKeyIsRefusedByBothAsChanged() throws Exception {
        Cmd.run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", IT.work().resolve("stranger").toString()).orThrow();
        String[] stranger = Files.readString(IT.work().resolve("stranger.pub")).trim().split(" ");
        Path file = knownHosts("kh_changed", 2222, stranger[0] + " " + stranger[1], false);

        Cmd.Result result = assertBothAgree(2222, List.of("-o", "UserKnownHostsFile=" + file,
                "-o", "GlobalKnownHostsFile=/dev/null"), false, "changed");
        assertThat(result.stdout() + result.stderr()).contains("CHANGED");
    }

    @Test
    void anUnknownHostIsRefusedByBoth() throws Exception {
        Cmd.Result result = assertBothAgree(2222, List.of("-o", "UserKnownHostsFile=" + IT.work().resolve("empty"),
                "-o", "GlobalKnownHostsFile=/dev/null"), false, "unknown");
        assertThat(result.stdout() + result.stderr()).contains("is not in");
    }

    @Test
    void aPassphraseKeyGivenWithDashIAndHeldByTheAgentSignsThroughIt() throws Exception {
        Path key = IT.work().resolve("locked");
        Cmd.run("ssh-keygen", "-q", "-t", "ed25519", "-N", "a passphrase", "-f", key.toString()).orThrow();
        Files.copy(key.resolveSibling("locked.pub"), IT.host().dir().resolve("authorized_keys/root"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path socket = IT.work().resolve("agent.sock");
        Path askpass = IT.work().resolve("askpass");
        Files.writeString(askpass, "#!/bin/sh\necho 'a passphrase'\n");
        assertThat(askpass.toFile().setExecutable(true)).isTrue();
        Cmd.Result agent = Cmd.run("ssh-agent", "-a", socket.toString());
        agent.orThrow();
        String pid = agent.stdout().replaceAll("(?s).*SSH_AGENT_PID=(\\d+).*", "$1");
        try {
            Cmd.run(List.of("env", "SSH_AUTH_SOCK=" + socket, "SSH_ASKPASS=" + askpass, "SSH_ASKPASS_REQUIRE=force",
                    "DISPLAY=none", "ssh-add", key.toString()), null, 30).orThrow();
            Path file = knownHosts("kh_agent", 2222, publicKey("host_ed25519"), false);
            List<String> common = List.of("-i", key.toString(), "-p", "2222", "-o", "UserKnownHostsFile=" + file,
                    "-o", "GlobalKnownHostsFile=/dev/null");
            List<String> ssh = new ArrayList<>(List.of("env", "SSH_AUTH_SOCK=" + socket, "ssh", "-F", "/dev/null",
                    "-o", "BatchMode=yes"));
            ssh.addAll(common);
            ssh.addAll(List.of("root@" + IT.host().address(), "true"));
            Cmd.Result openSsh = Cmd.run(ssh, null, 60);
            assertThat(openSsh.ok()).as("ssh: " + openSsh.stderr()).isTrue();

            IT.deploy().env("SSH_AUTH_SOCK", socket.toString());
            Path flake = IT.flake("agent", DeployFixture.node("web", IT.host(),
                    "profiles.system = { user = \"root\"; path = profile \"agent\" \"echo activated\"; };"));
            Cmd.Result ours = IT.deploy().run(flake, ".#web", "--skip-checks", "--ssh-opts", String.join(" ", common));
            assertThat(ours.exitCode()).as(ours.stdout() + ours.stderr()).isZero();
        } finally {
            IT.deploy().env("SSH_AUTH_SOCK", null);
            Cmd.run("kill", pid);
            IT.host().authorize("root");
        }
    }

    @Test
    void theSameKeyWithoutAnAgentOffATerminalIsNamedWithHowToLoadIt() throws Exception {
        Path key = IT.work().resolve("locked2");
        Cmd.run("ssh-keygen", "-q", "-t", "ed25519", "-N", "a passphrase", "-f", key.toString()).orThrow();
        Path file = knownHosts("kh_noagent", 2222, publicKey("host_ed25519"), false);
        Path flake = IT.flake("noagent", DeployFixture.node("web", IT.host(),
                "profiles.system = { user = \"root\"; path = profile \"noagent\" \"echo activated\"; };"));

        Cmd.Result ours = IT.deploy().run(flake, ".#web", "--skip-checks", "--ssh-opts", "-i " + key + " -p 2222"
                + " -o IdentitiesOnly=yes -o UserKnownHostsFile=" + file + " -o GlobalKnownHostsFile=/dev/null");

        assertThat(ours.exitCode()).isEqualTo(4);
        assertThat(ours.stdout() + ours.stderr()).contains(key + " is protected by a passphrase")
                .contains("ssh-add " + key).doesNotContain("Pass a key with");
    }

    /**
     * Connects with {@code ssh} and deploys with {@code deploy}, both with {@code opts}, and checks
     * they agree with each other and with {@code expected}. Returns the deploy's result.
     */
    private Cmd.Result assertBothAgree(int port, List<String> opts, boolean expected, String name) {
        List<String> ssh = new ArrayList<>(List.of("ssh", "-F", "/dev/null", "-o", "BatchMode=yes",
                "-o", "StrictHostKeyChecking=yes", "-i", IT.host().clientKey().toString(), "-p", Integer.toString(port)));
        ssh.addAll(opts);
        ssh.addAll(List.of("root@" + IT.host().address(), "true"));
        Cmd.Result openSsh = Cmd.run(ssh, null, 60);
        assertThat(openSsh.ok()).as("ssh: " + openSsh.stderr()).isEqualTo(expected);

        Path flake = IT.flake(name, DeployFixture.node("web", IT.host(),
                "profiles.system = { user = \"root\"; path = profile \"" + name + "\" \"echo activated\"; };"));
        Cmd.Result ours = IT.deploy().run(flake, ".#web", "--skip-checks", "--ssh-opts", "-i " + IT.host().clientKey()
                + " -p " + port + " " + String.join(" ", opts));
        assertThat(ours.exitCode()).as(ours.stdout() + ours.stderr()).isEqualTo(expected ? 0 : 4);
        return ours;
    }

    @Test
    void sevenOtherKeysInTheAgentDoNotExhaustTheHostsTriesBeforeTheGivenKey() throws Exception {
        Path socket = IT.work().resolve("agent7.sock");
        Cmd.Result agent = Cmd.run("ssh-agent", "-a", socket.toString());
        agent.orThrow();
        String pid = agent.stdout().replaceAll("(?s).*SSH_AGENT_PID=(\\d+).*", "$1");
        try {
            for (int i = 0; i < 7; i++) {
                Path other = IT.work().resolve("other" + i);
                Cmd.run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other.toString()).orThrow();
                Cmd.run(List.of("env", "SSH_AUTH_SOCK=" + socket, "ssh-add", other.toString()), null, 30).orThrow();
            }
            Path file = knownHosts("kh_agent7", 2222, publicKey("host_ed25519"), false);
            String common = "-i " + IT.host().clientKey() + " -p 2222 -o UserKnownHostsFile=" + file
                    + " -o GlobalKnownHostsFile=/dev/null";
            // OpenSSH agrees: with IdentitiesOnly it offers the given key alone
            Cmd.Result openSsh = Cmd.run(List.of("env", "SSH_AUTH_SOCK=" + socket, "sh", "-c", "ssh -F /dev/null -o "
                    + "BatchMode=yes -o IdentitiesOnly=yes " + common + " root@" + IT.host().address() + " true"), null, 60);
            assertThat(openSsh.ok()).as("ssh: " + openSsh.stderr()).isTrue();
            IT.deploy().env("SSH_AUTH_SOCK", socket.toString());
            Path flake = IT.flake("agent7", DeployFixture.node("web", IT.host(),
                    "profiles.system = { user = \"root\"; path = profile \"agent7\" \"echo activated\"; };"));

            Cmd.Result given = IT.deploy().run(flake, ".#web", "--skip-checks", "--ssh-opts", common);
            Cmd.Result only = IT.deploy().run(flake, ".#web", "--skip-checks", "--ssh-opts", common
                    + " -o IdentitiesOnly=yes");

            assertThat(given.exitCode()).as("the -i key goes first: " + given.stdout()).isZero();
            assertThat(only.exitCode()).as(only.stdout()).isZero();
        } finally {
            IT.deploy().env("SSH_AUTH_SOCK", null);
            Cmd.run("kill", pid);
        }
    }
}
