package nixdeploy.deployer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import nixdeploy.testhosts.Cmd;
import nixdeploy.testhosts.TestHost;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A host reached only through another one: {@code -J} / {@code ProxyJump}, for the deploy and the confirmation. */
class JumpHostIT {
    @RegisterExtension
    static final DeployFixture IT = DeployFixture.hosts(2).cleanedWith(null);

    static TestHost jump;
    static TestHost target;
    static Path knownHosts;

    @BeforeAll
    static void setUp() throws Exception {
        Path home = IT.deploy().home();
        jump = IT.host(0);
        target = IT.host(1);
        IT.hosts().route(jump, target);
        // as with OpenSSH, -i is for the destination; the jump host logs in with a default key
        Files.createDirectories(home.resolve(".ssh"));
        Files.copy(jump.clientKey(), home.resolve(".ssh/id_ed25519"));
        knownHosts = home.resolve("known_hosts");
        Files.writeString(knownHosts, jump.knownHostsLine() + "\n" + target.knownHostsLine() + "\n");
    }

    @Test
    void withDashJTheDeployAndItsConfirmationGoThroughTheJumpHost() throws Exception {
        Cmd.Result result = deployThroughJump("behind-jump", knownHosts);

        assertThat(result.exitCode()).as(result.stdout()).isZero();
        assertThat(result.stdout()).contains("confirmed over a new connection");
        assertThat(target.sh("cat /nix/var/nix/profiles/system/name").stdout().trim()).isEqualTo("behind-jump");
        // the deploy's connection and the confirmation's both came from the jump host
        String targetLog = Files.readString(target.dir().resolve("sshd.log"));
        assertThat(targetLog.split("Accepted publickey for root from " + jump.address() + " ", -1))
                .hasSizeGreaterThanOrEqualTo(3);
        assertThat(targetLog).doesNotContain("Accepted publickey for root from " + target.gatewayAddress());
    }

    @Test
    void aJumpHostWithAnUnknownKeyIsRefusedBeforeAnythingIsCopied() throws Exception {
        Path onlyTarget = IT.work().resolve("known_hosts");
        Files.writeString(onlyTarget, target.knownHostsLine() + "\n");
        Cmd.Result result = deployThroughJump("never-copied", onlyTarget);

        assertThat(result.exitCode()).as(result.stdout()).isEqualTo(4);
        assertThat(result.stdout() + result.stderr()).contains(jump.address());
        assertThat(target.sh("ls /nix/store | grep never-copied || true").stdout()).isEmpty();
    }

    /** Deploys a profile named {@code name} to the target with {@code -J root@<jump>}. */
    private Cmd.Result deployThroughJump(String name, Path knownHostsFile) {
        Path flake = IT.flake(name, DeployFixture.node("web", target,
                "profiles.system = { user = \"root\"; path = profile \"" + name + "\" \"echo activated\"; };"));
        return IT.deploy().run(flake, ".#web", "--skip-checks", "--ssh-opts", "-i " + target.clientKey()
                + " -o UserKnownHostsFile=" + knownHostsFile + " -J root@" + jump.address());
    }
}
