package nixdeploy.deployer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import nixdeploy.testhosts.Cmd;
import nixdeploy.testhosts.TestHost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One run deploying from several flakes, which may name their nodes alike. */
class TwoFlakesIT {
    static final String WHICH = "/nix/var/which-flake";

    @RegisterExtension
    static final DeployFixture IT = DeployFixture.hosts(2).cleanedWith(DeployFixture.CLEAN + " " + WHICH);

    @Test
    void twoFlakesWithANodeOfTheSameNameEachDeployToTheirOwnHostWithTheirOwnHealthCheck() throws Exception {
        // each activation writes its flake's letter on its host, and each health check accepts only its
        // own letter: a check run against the other flake's host, or the other flake's check, fails
        IT.flake("a", web("a", IT.host(0)));
        IT.flake("b", web("b", IT.host(1)));
        Path knownHosts = IT.work().resolve("known_hosts");
        Files.writeString(knownHosts, IT.host(0).knownHostsLine() + "\n" + IT.host(1).knownHostsLine() + "\n");

        Cmd.Result result = IT.deploy().run(IT.work(), "--targets", "./a#web", "./b#web", "--skip-checks",
                "--ssh-opts", "-i " + IT.host(0).clientKey() + " -o UserKnownHostsFile=" + knownHosts);

        assertThat(result.exitCode()).as(result.stdout()).isZero();
        assertThat(read(IT.host(0), "/nix/var/nix/profiles/system/name")).isEqualTo("web-a");
        assertThat(read(IT.host(1), "/nix/var/nix/profiles/system/name")).isEqualTo("web-b");
        assertThat(read(IT.host(0), WHICH)).isEqualTo("a");
        assertThat(read(IT.host(1), WHICH)).isEqualTo("b");
        assertThat(result.stdout()).contains("./a#web.system").contains("./b#web.system")
                .contains("grep -qx a " + WHICH + ": healthy").contains("grep -qx b " + WHICH + ": healthy");
        assertThat(result.stdout().split("confirmed over a new connection", -1)).as("both confirmed").hasSize(3);
    }

    private static String web(String letter, TestHost host) {
        return DeployFixture.node("web", host,
                "healthChecks = [ { cmd = { command = [ \"grep\" \"-qx\" \"" + letter + "\" \"" + WHICH + "\" ]; }; "
                        + "retries = 1; } ];",
                "profiles.system = { user = \"root\"; path = profile \"web-" + letter + "\" "
                        + DeployFixture.nixString("echo " + letter + " > " + WHICH + "; echo flake " + letter + " up")
                        + "; };");
    }

    private static String read(TestHost host, String file) {
        return host.sh("cat " + file).stdout().trim();
    }
}
