package nixdeploy.deployer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import nixdeploy.testhosts.Cmd;
import nixdeploy.testhosts.TestHost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The user's SSH set-up across a fleet: accept-new from many hosts at once, ssh_config aliases. */
class SshFleetIT {
    private static final int HOST_COUNT = 6;

    @RegisterExtension
    static final DeployFixture IT = DeployFixture.hosts(HOST_COUNT).cleanedWith(DeployFixture.CLEAN + "; true");

    /** Node {@code h<i>} on host i for every host, each with its own root {@code system} profile. */
    private Path fleet(String name) {
        return IT.flake(name, IntStream.range(0, HOST_COUNT).mapToObj(i -> DeployFixture.node("h" + i, IT.host(i),
                "profiles.system = { user = \"root\"; path = profile \"" + name + "-" + i + "\" "
                        + DeployFixture.nixString("echo up") + "; };")).toArray(String[]::new));
    }

    @Test
    void acceptNewRecordsEveryHostOfAParallelRunOnceAndFailsNone() throws Exception {
        for (int round = 0; round < 3; round++) {
            Path knownHosts = IT.work().resolve("known_hosts-" + round);
            Path flake = fleet("accept-" + round);

            Cmd.Result result = IT.deploy().run(flake, ".", "--skip-checks", "--parallel", Integer.toString(HOST_COUNT),
                    "--ssh-opts", "-i " + IT.host(0).clientKey() + " -o UserKnownHostsFile=" + knownHosts
                            + " -o StrictHostKeyChecking=accept-new -o HashKnownHosts=no");

            assertThat(result.exitCode()).as(result.stdout()).isZero();
            List<String> lines = Files.readAllLines(knownHosts).stream().filter(l -> !l.isBlank()).toList();
            assertThat(lines).as("one whole line per host").hasSize(HOST_COUNT);
            for (TestHost host : IT.hosts().all()) {
                assertThat(lines).as(host.address()).contains(host.knownHostsLine());
            }
        }
    }

    @Test
    void aHealthCheckOfANodeNamedByAnSshAliasGoesToTheAliasesAddress() throws Exception {
        TestHost host = IT.host();
        Files.writeString(IT.deploy().home().resolve(".ssh/config"), String.join("\n",
                "Host web-alias",
                "  HostName " + host.address(),
                "  User root",
                "  IdentityFile " + host.clientKey(),
                "  UserKnownHostsFile " + host.knownHostsFile(),
                ""));
        String serve = "mkdir -p /tmp/www && echo healthy > /tmp/www/index.html"
                + " && { busybox httpd -p 8080 -h /tmp/www; true; }";
        Path flake = IT.flake("alias",
                "    deploy.nodes.web = {",
                "      hostname = \"web-alias\";",
                "      profiles.system = { user = \"root\"; path = profile \"alias\" " + DeployFixture.nixString(serve)
                        + "; healthChecks = [ { http = { port = 8080; bodyContains = \"healthy\"; timeout = 2; }; } ]; };",
                "    };");
        assertThat(Cmd.run("getent", "hosts", "web-alias").ok()).as("only ssh_config knows the alias").isFalse();
        try {
            Cmd.Result result = IT.deploy().run(flake, ".#web", "--skip-checks");

            assertThat(result.exitCode()).as(result.stdout()).isZero();
            assertThat(result.stdout()).contains("connected to root@" + host.address())
                    .containsPattern("health check http http://web-alias:8080/: healthy after");
            assertThat(host.resolve("/nix/var/nix/profiles/system")).endsWith("-alias");
        } finally {
            Files.delete(IT.deploy().home().resolve(".ssh/config"));
            host.sh("pkill -f 'busybox httpd -p 8080'; true");
        }
    }
}
