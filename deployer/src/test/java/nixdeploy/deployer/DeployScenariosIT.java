package nixdeploy.deployer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import nixdeploy.testhosts.Cmd;
import nixdeploy.testhosts.TestHost;
import nixdeploy.testhosts.TestHosts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** deploy-rs's own scenarios and the ways users reach a host: sudo, several profiles, Ctrl-C. */
class DeployScenariosIT {
    @RegisterExtension
    static final TestHosts HOSTS = TestHosts.count(1);
    static final String USER = TestHosts.TEST_USER;

    static TestHost host;
    static DeployCli deploy;

    @TempDir
    Path work;

    @BeforeAll
    static void setUp(@TempDir Path home) {
        host = HOSTS.get(0);
        deploy = new DeployCli(home);
    }

    @BeforeEach
    void cleanHost() {
        host.sh("rm -rf /nix/var/nix/profiles/system* /nix/var/nix/profiles/per-user/root/* /nix/var/nixdeploy; true")
                .orThrow();
    }

    private String opts() {
        return DeployCli.sshOpts(host);
    }

    @Test
    void aNonRootSshUserDeploysARootProfileThroughSudo() {
        HOSTS.ensureTestUser(null);
        Path flake = TestFlake.write(work.resolve("sudo"), String.join("\n",
                "    deploy.nodes.web = {",
                "      hostname = \"" + host.address() + "\";",
                "      sshUser = \"" + USER + "\";",
                "      user = \"root\";",
                "      profiles.system.path = profile \"via-sudo\" \"echo activated as $(id -un)\";",
                "    };"));

        Cmd.Result result = deploy.run(flake, ".#web", "--skip-checks", "--ssh-opts", opts());

        assertThat(result.exitCode()).as(result.stdout()).isZero();
        assertThat(result.stdout()).contains("connected to " + USER + "@").contains("| activated as root");
        assertThat(host.sh("cat /nix/var/nix/profiles/system/name").stdout().trim()).isEqualTo("via-sudo");
    }

    @Test
    void interactiveSudoAsksForThePasswordOnceAndKeepsItOutOfArgv() {
        HOSTS.ensureTestUser("s3cret-pass");
        Path flake = TestFlake.write(work.resolve("isudo"), String.join("\n",
                "    deploy.nodes.web = {",
                "      hostname = \"" + host.address() + "\";",
                "      sshUser = \"" + USER + "\";",
                "      user = \"root\";",
                "      interactiveSudo = true;",
                "      profiles.system.path = profile \"interactive\" \"echo activated as $(id -un)\";",
                "    };"));

        Cmd.Result result = deploy.runWithInput("s3cret-pass\n", flake, ".#web", "--skip-checks", "--ssh-opts",
                opts());

        HOSTS.ensureTestUser(null);
        assertThat(result.exitCode()).as(result.stdout()).isZero();
        assertThat(result.stdout()).contains("| activated as root").doesNotContain("s3cret-pass");
        assertThat(host.sh("cat /nix/var/nix/profiles/system/name").stdout().trim()).isEqualTo("interactive");
    }

    @Test
    void aFlakeWrittenLikeDeployRsReadmeDeploysUnchanged() {
        // deploy-rs's README example, with the activation script made by hand instead of lib.activate
        Path flake = TestFlake.write(work.resolve("deploy-rs"), String.join("\n",
                "    deploy.sshUser = \"root\";",
                "    deploy.fastConnection = false;",
                "    deploy.autoRollback = true;",
                "    deploy.magicRollback = true;",
                "    deploy.nodes.some-random-system = {",
                "      hostname = \"" + host.address() + "\";",
                "      profilesOrder = [ \"system\" \"hello\" ];",
                "      profiles.system = {",
                "        user = \"root\";",
                "        path = profile \"system-profile\" \"echo system profile active\";",
                "      };",
                "      profiles.hello = {",
                "        user = \"root\";",
                "        path = profile \"hello-profile\" \"echo hello profile active\";",
                "      };",
                "    };"));

        Cmd.Result result = deploy.run(flake, ".#some-random-system", "--skip-checks", "--ssh-opts", opts());

        assertThat(result.exitCode()).as(result.stdout()).isZero();
        assertThat(result.stdout().indexOf("system profile active"))
                .isLessThan(result.stdout().indexOf("hello profile active"));
        assertThat(host.sh("cat /nix/var/nix/profiles/per-user/root/hello/name").stdout().trim())
                .isEqualTo("hello-profile");
        assertThat(host.sh("cat /nix/var/nix/profiles/system/name").stdout().trim()).isEqualTo("system-profile");
    }

    @Test
    void deployRsOptionsOverridingTestDeploysItsServerOverrideNode() throws Exception {
        // as in deploy-rs's test: the client key is the default one, and the host key is known nowhere
        DeployCli fresh = new DeployCli(work.resolve("home"));
        Path key = fresh.home().resolve(".ssh/id_ed25519");
        Files.copy(host.clientKey(), key);
        Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        // deploy-rs's nix/tests/deploy-flake.nix, node server-override, with a profile of ours
        Path flake = TestFlake.write(work.resolve("override"), String.join("\n",
                "    deploy.nodes.server-override = {",
                "      hostname = \"override\";",
                "      sshUser = \"override\";",
                "      user = \"override\";",
                "      sudo = \"override\";",
                "      sshOpts = [ ];",
                "      confirmTimeout = 0;",
                "      activationTimeout = 0;",
                "      profiles.system.path = profile \"overridden\" \"echo activated as $(id -un)\";",
                "    };"));

        // its options-overriding test's arguments, with the test host's address for "server"
        Cmd.Result result = fresh.run(flake, "-s", ".#server-override", "--hostname", host.address(),
                "--profile-user", "root", "--ssh-user", "root", "--sudo", "sudo -u",
                "--ssh-opts=-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null",
                "--confirm-timeout", "30", "--activation-timeout", "30", "--", "--offline");

        assertThat(result.exitCode()).as(result.stdout()).isZero();
        assertThat(result.stdout()).contains("connected to root@" + host.address()).contains("| activated as root")
                .contains("confirmed over a new connection");
        assertThat(result.stdout().split("StrictHostKeyChecking=no: ", -1)).as("warned once").hasSize(2);
        assertThat(host.sh("cat /nix/var/nix/profiles/system/name").stdout().trim()).isEqualTo("overridden");
    }

    @Test
    void whenALaterProfileFailsTheConfirmedOnesAreRolledBackToo() {
        Path first = TestFlake.write(work.resolve("before"), node("base-sys", "true", "base-app", "true"));
        assertThat(deploy.run(first, ".#web", "--skip-checks", "--ssh-opts", opts()).exitCode()).isZero();
        Path second = TestFlake.write(work.resolve("after"), node("new-sys", "true", "broken-app", "exit 3"));

        Cmd.Result result = deploy.run(second, ".#web", "--skip-checks", "--ssh-opts", opts());

        assertThat(result.exitCode()).as(result.stdout()).isEqualTo(ExitCode.ACTIVATION_FAILED.code);
        assertThat(result.stdout()).contains("rolled back because another profile failed");
        assertThat(host.sh("cat /nix/var/nix/profiles/system/name").stdout().trim()).isEqualTo("base-sys");
        assertThat(host.sh("cat /nix/var/nix/profiles/per-user/root/app/name").stdout().trim()).isEqualTo("base-app");
    }

    @Test
    void ctrlCWhileWaitingToConfirmRollsTheHostBackAtOnce() throws Exception {
        Path base = TestFlake.write(work.resolve("base"), single("steady", "true", ""));
        assertThat(deploy.run(base, ".#web", "--skip-checks", "--ssh-opts", opts()).exitCode()).isZero();
        // confirm at an address where nothing answers, so the deployer keeps trying until interrupted
        Path flake = TestFlake.write(work.resolve("interrupt"), single("pending", "true",
                "confirmHostname = \"" + host.gatewayAddress().replaceAll("\\.1$", ".3") + "\"; confirmTimeout = 120;"));
        Path log = work.resolve("deploy.log");

        Process process = deploy.start(flake, log, ".#web", "--skip-checks", "--ssh-opts", opts());
        int exit;
        long start;
        try {
            waitFor(log, "over a new connection before");
            start = System.currentTimeMillis();
            Cmd.run("kill", "-INT", Long.toString(process.pid())).orThrow();
            exit = process.waitFor();
        } finally {
            process.destroyForcibly();
        }

        System.out.println(Files.readString(log));
        assertThat(exit).isEqualTo(ExitCode.INTERRUPTED.code);
        assertThat(System.currentTimeMillis() - start).as("well before the 120 s deadline").isLessThan(60_000);
        assertThat(Files.readString(log)).contains("roll back now").contains("rolled back");
        assertThat(host.sh("cat /nix/var/nix/profiles/system/name").stdout().trim()).isEqualTo("steady");
    }

    @Test
    void withRemoteBuildTheHostBuildsTheProfileItself() {
        String nonce = Long.toString(System.nanoTime());
        Path flake = TestFlake.write(work.resolve("remote"), single("remote-" + nonce, "echo built remotely", ""));
        Path broken = TestFlake.write(work.resolve("remote-broken"), String.join("\n",
                "    deploy.nodes.web = {",
                "      hostname = \"" + host.address() + "\";",
                "      sshUser = \"root\";",
                "      profiles.system = { user = \"root\"; path = builtins.derivation { name = \"fails-" + nonce
                        + "\"; inherit system; builder = sh; args = [ \"-c\" \"echo compiler error; exit 2\" ]; }; };",
                "    };"));

        Cmd.Result built = deploy.run(flake, ".#web", "--skip-checks", "--remote-build", "--ssh-opts", opts());
        Cmd.Result failed = deploy.run(broken, ".#web", "--skip-checks", "--remote-build", "--ssh-opts", opts());

        assertThat(built.exitCode()).as(built.stdout()).isZero();
        assertThat(built.stdout()).contains("built on the host").contains("| built remotely");
        String target = host.sh("readlink -f /nix/var/nix/profiles/system").stdout().trim();
        assertThat(target).endsWith("-remote-" + nonce);
        assertThat(Cmd.run("nix-store", "--check-validity", target).ok()).as("never built here").isFalse();
        assertThat(failed.exitCode()).as(failed.stdout()).isEqualTo(ExitCode.BUILD_FAILED.code);
        assertThat(failed.stdout()).contains("compiler error").contains("Nothing was activated");
        assertThat(host.sh("readlink -f /nix/var/nix/profiles/system").stdout().trim()).isEqualTo(target);
    }

    @Test
    void aHostAliasFromSshConfigIsResolvedWithItsUserKeyAndTheDefaultKnownHosts() throws Exception {
        Path ssh = deploy.home().resolve(".ssh");
        Files.writeString(ssh.resolve("config"), String.join("\n",
                "Host webalias",
                "  HostName " + host.address(),
                "  User root",
                "  IdentityFile " + host.clientKey(),
                ""));
        Files.writeString(ssh.resolve("known_hosts"), host.knownHostsLine() + "\n");
        try {
            Path flake = TestFlake.write(work.resolve("alias"), String.join("\n",
                    "    deploy.nodes.web = {",
                    "      hostname = \"webalias\";",
                    "      profiles.system = { user = \"root\"; path = profile \"via-config\" \"true\"; };",
                    "    };"));

            Cmd.Result result = deploy.run(flake, ".#web", "--skip-checks");

            assertThat(result.exitCode()).as(result.stdout()).isZero();
            assertThat(result.stdout()).contains("connected to root@" + host.address());
            assertThat(host.sh("cat /nix/var/nix/profiles/system/name").stdout().trim()).isEqualTo("via-config");
        } finally {
            Files.deleteIfExists(ssh.resolve("config"));
            Files.deleteIfExists(ssh.resolve("known_hosts"));
        }
    }

    @Test
    void keysHeldBySshAgentAreUsed() throws Exception {
        Path socket = work.resolve("agent.sock");
        Process agent = new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString()).redirectErrorStream(true)
                .redirectOutput(work.resolve("agent.log").toFile()).start();
        try {
            for (int i = 0; i < 100 && !Files.exists(socket); i++) {
                Thread.sleep(50);
            }
            Cmd.run(List.of("env", "SSH_AUTH_SOCK=" + socket, "ssh-add", host.clientKey().toString()), null, 30)
                    .orThrow();
            deploy.env("SSH_AUTH_SOCK", socket.toString());
            Path flake = TestFlake.write(work.resolve("agent"), single("via-agent", "true", ""));

            Cmd.Result result = deploy.run(flake, ".#web", "--skip-checks", "--ssh-opts",
                    "-o UserKnownHostsFile=" + host.knownHostsFile());

            assertThat(result.exitCode()).as(result.stdout()).isZero();
            assertThat(host.sh("cat /nix/var/nix/profiles/system/name").stdout().trim()).isEqualTo("via-agent");
        } finally {
            deploy.env("SSH_AUTH_SOCK", null);
            agent.destroy();
        }
    }

    private String node(String sys, String sysScript, String app, String appScript) {
        return String.join("\n",
                "    deploy.nodes.web = {",
                "      hostname = \"" + host.address() + "\";",
                "      sshUser = \"root\";",
                "      user = \"root\";",
                "      profilesOrder = [ \"system\" \"app\" ];",
                "      profiles.system.path = profile \"" + sys + "\" " + DeployIT.nixString(sysScript) + ";",
                "      profiles.app.path = profile \"" + app + "\" " + DeployIT.nixString(appScript) + ";",
                "    };");
    }

    private String single(String name, String script, String extra) {
        return String.join("\n",
                "    deploy.nodes.web = {",
                "      hostname = \"" + host.address() + "\";",
                "      sshUser = \"root\";",
                "      profiles.system = { user = \"root\"; path = profile \"" + name + "\" "
                        + DeployIT.nixString(script) + "; " + extra + " };",
                "    };");
    }

    private static void waitFor(Path log, String text) throws Exception {
        for (int i = 0; i < 600; i++) {
            if (Files.exists(log) && Files.readString(log).contains(text)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("deploy never printed '" + text + "':\n" + Files.readString(log));
    }
}
