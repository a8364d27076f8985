package nixdeploy.deployer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import nixdeploy.testhosts.Cmd;
import nixdeploy.testhosts.TestHost;
import nixdeploy.testhosts.TestHosts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The user's SSH set-up across a fleet: accept-new from many hosts at once, ssh_config aliases. */
class SshFleetIT {
    private static final int HOST_COUNT = 6;

    @RegisterExtension
    static final TestHosts HOSTS = TestHosts.count(HOST_COUNT);

    static DeployCli deploy;

    @TempDir
    Path work;

    @BeforeAll
    static void setUp(@TempDir Path home) {
        deploy = new DeployCli(home);
    }

    @BeforeEach
    void cleanHosts() {
        for (TestHost host : HOSTS.all()) {
            host.sh("rm -rf /nix/var/nix/profiles/system* /nix/var/nixdeploy; true").orThrow();
        }
    }

    private Path fleet(String name, String hostnameOf, String nodeAttrs) {
        String nodes = IntStream.range(0, HOST_COUNT).mapToObj(i -> String.join("\n",
                "    deploy.nodes.h" + i + " = {",
                "      hostname = \"" + hostnameOf.replace("%i", Integer.toString(i))
                        .replace("%a", HOSTS.get(i).address()) + "\";",
                "      sshUser = \"root\";" + nodeAttrs,
                "      profiles.system = { user = \"root\"; path = profile \"" + name + "-" + i + "\" "
                        + DeployFixture.nixString("echo up") + "; };",
                "    };")).collect(Collectors.joining("\n"));
        return TestFlake.write(work.resolve(name), nodes);
    }

    @Test
    void acceptNewRecordsEveryHostOfAParallelRunOnceAndFailsNone() throws Exception {
        for (int round = 0; round < 3; round++) {
            Path knownHosts = work.resolve("known_hosts-" + round);
            Path flake = fleet("accept-" + round, "%a", "");

            Cmd.Result result = deploy.run(flake, ".", "--skip-checks", "--parallel", Integer.toString(HOST_COUNT),
                    "--ssh-opts", "-i " + HOSTS.get(0).clientKey() + " -o UserKnownHostsFile=" + knownHosts
                            + " -o StrictHostKeyChecking=accept-new -o HashKnownHosts=no");

            assertThat(result.exitCode()).as(result.stdout()).isZero();
            List<String> lines = Files.readAllLines(knownHosts).stream().filter(l -> !l.isBlank()).toList();
            assertThat(lines).as("one whole line per host").hasSize(HOST_COUNT);
            for (TestHost host : HOSTS.all()) {
                assertThat(lines).as(host.address()).contains(host.knownHostsLine());
            }
        }
    }

    @Test
    void aHealthCheckOfANodeNamedByAnSshAliasGoesToTheAliasesAddress() throws Exception {
        TestHost host = HOSTS.get(0);
        Files.writeString(deploy.home().resolve(".ssh/config"), String.join("\n",
                "Host web-alias",
                "  HostName " + host.address(),
                "  User root",
                "  IdentityFile " + host.clientKey(),
                "  UserKnownHostsFile " + host.knownHostsFile(),
                ""));
        String serve = "mkdir -p /tmp/www && echo healthy > /tmp/www/index.html"
                + " && { busybox httpd -p 8080 -h /tmp/www; true; }";
        Path flake = TestFlake.write(work.resolve("alias"), String.join("\n",
                "    deploy.nodes.web = {",
                "      hostname = \"web-alias\";",
                "      profiles.system = { user = \"root\"; path = profile \"alias\" " + DeployFixture.nixString(serve)
                        + "; healthChecks = [ { http = { port = 8080; bodyContains = \"healthy\"; timeout = 2; }; } ]; };",
                "    };"));
        assertThat(Cmd.run("getent", "hosts", "web-alias").ok()).as("only ssh_config knows the alias").isFalse();
        try {
            Cmd.Result result = deploy.run(flake, ".#web", "--skip-checks");

            assertThat(result.exitCode()).as(result.stdout()).isZero();
            assertThat(result.stdout()).contains("connected to root@" + host.address())
                    .containsPattern("health check http http://web-alias:8080/: healthy after");
            assertThat(host.resolve("/nix/var/nix/profiles/system")).endsWith("-alias");
        } finally {
            Files.delete(deploy.home().resolve(".ssh/config"));
            host.sh("pkill -f 'busybox httpd -p 8080'; true");
        }
    }
}
