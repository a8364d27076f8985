package nixdeploy.deployer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import nixdeploy.testhosts.Cmd;
import nixdeploy.testhosts.TestHost;
import nixdeploy.testhosts.TestHosts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A host reached only through another one: {@code -J} / {@code ProxyJump}, for the deploy and the confirmation. */
class JumpHostIT {
    @RegisterExtension
    static final TestHosts HOSTS = TestHosts.count(2);

    static TestHost jump;
    static TestHost target;
    static DeployCli deploy;
    static Path knownHosts;

    @TempDir
    Path work;

    @BeforeAll
    static void setUp(@TempDir Path home) throws Exception {
        jump = HOSTS.get(0);
        target = HOSTS.get(1);
        HOSTS.route(jump, target);
        deploy = new DeployCli(home);
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
        Path onlyTarget = work.resolve("known_hosts");
        Files.writeString(onlyTarget, target.knownHostsLine() + "\n");
        Cmd.Result result = deployThroughJump("never-copied", onlyTarget);

        assertThat(result.exitCode()).as(result.stdout()).isEqualTo(4);
        assertThat(result.stdout() + result.stderr()).contains(jump.address());
        assertThat(target.sh("ls /nix/store | grep never-copied || true").stdout()).isEmpty();
    }

    /** Deploys a profile named {@code name} to the target with {@code -J root@<jump>}. */
    private Cmd.Result deployThroughJump(String name, Path knownHostsFile) {
        Path flake = TestFlake.write(work.resolve(name), String.join("\n",
                "    deploy.nodes.web = {",
                "      hostname = \"" + target.address() + "\";",
                "      sshUser = \"root\";",
                "      profiles.system = { user = \"root\"; path = profile \"" + name + "\" \"echo activated\"; };",
                "    };"));
        return deploy.run(flake, ".#web", "--skip-checks", "--ssh-opts", "-i " + target.clientKey()
                + " -o UserKnownHostsFile=" + knownHostsFile + " -J root@" + jump.address());
    }
}
