package nixdeploy.deployer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import nixdeploy.testhosts.Cmd;
import nixdeploy.testhosts.TestHosts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** deploy-rs's own scenarios and the ways users reach a host: sudo, several profiles, Ctrl-C. */
class DeployScenariosIT {
    @RegisterExtension
    static final DeployFixture IT = DeployFixture.hosts(1)
            .cleanedWith(DeployFixture.CLEAN + " /nix/var/nix/profiles/per-user/root/*; true");
    static final String USER = TestHosts.TEST_USER;
    static final String SUDO_LOG = "/nix/var/sudo-argv.log";

    private String opts() {
        return DeployCli.sshOpts(IT.host());
    }

    @Test
    void aNonRootSshUserDeploysARootProfileThroughSudo() {
        IT.hosts().ensureTestUser(null);
        Path flake = IT.flake("sudo", DeployFixture.nodeAs("web", IT.host(), USER,
                "user = \"root\";",
                "profiles.system.path = profile \"via-sudo\" \"echo activated as $(id -un)\";"));

        Cmd.Result result = IT.deploy().run(flake, ".#web", "--skip-checks", "--ssh-opts", opts());

        assertThat(result.exitCode()).as(result.stdout()).isZero();
        assertThat(result.stdout()).contains("connected to " + USER + "@").contains("| activated as root");
        assertThat(IT.host().sh("cat /nix/var/nix/profiles/system/name").stdout().trim()).isEqualTo("via-sudo");
    }

    @Test
    void interactiveSudoAsksForThePasswordOnceAndKeepsItOutOfArgv() {
        IT.hosts().ensureTestUser("s3cret-pass");
        // a sudo in front of the real one, in this host's mount namespace only, logs its argv and every
        // process's argv on the machine (the deployer's too) at the moment sudo runs
        IT.host().sh("mount -t tmpfs -o size=1m,mode=755 sudo-spy /usr/local/bin && install -m 666 /dev/null "
                + SUDO_LOG + " && printf '%s\\n' '#!/bin/sh' '{ echo \"sudo $*\"; ps -eo args; } >> " + SUDO_LOG
                + " 2>&1' 'exec /usr/bin/sudo \"$@\"' > /usr/local/bin/sudo && chmod 755 /usr/local/bin/sudo")
                .orThrow();
        Path flake = IT.flake("isudo", DeployFixture.nodeAs("web", IT.host(), USER,
                "user = \"root\";",
                "interactiveSudo = true;",
                "profiles.system.path = profile \"interactive\" \"echo activated as $(id -un)\";"));

        Cmd.Result result;
        String argvSeen;
        try {
            result = IT.deploy().runWithInput("s3cret-pass\n", flake, ".#web", "--skip-checks", "--ssh-opts",
                    opts());
            argvSeen = IT.host().sh("cat " + SUDO_LOG).orThrow().stdout();
        } finally {
            IT.host().sh("umount /usr/local/bin; rm -f " + SUDO_LOG);
            IT.hosts().ensureTestUser(null);
        }

        assertThat(result.exitCode()).as(result.stdout()).isZero();
        assertThat(result.stdout()).contains("| activated as root").doesNotContain("s3cret-pass");
        assertThat(argvSeen).as("sudo's argv, and all processes' argv while sudo ran").containsPattern("sudo -S .*-v")
                .contains("sudo -n").contains("nixdeploy.deployer.cli.Main").doesNotContain("s3cret-pass");
        assertThat(IT.host().sh("cat /nix/var/nix/profiles/system/name").stdout().trim()).isEqualTo("interactive");
    }

    @Test
    void aFlakeWrittenLikeDeployRsReadmeDeploysUnchanged() {
        // deploy-rs's README example, with the activation script made by hand instead of lib.activate
        Path flake = IT.flake("deploy-rs", String.join("\n",
                "    deploy.sshUser = \"root\";",
                "    deploy.fastConnection = false;",
                "    deploy.autoRollback = true;",
                "    deploy.magicRollback = true;",
                "    deploy.nodes.some-random-system = {",
                "      hostname = \"" + IT.host().address() + "\";",
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

        Cmd.Result result = IT.deploy().run(flake, ".#some-random-system", "--skip-checks", "--ssh-opts", opts());

        assertThat(result.exitCode()).as(result.stdout()).isZero();
        assertThat(result.stdout().indexOf("system profile active"))
                .isLessThan(result.stdout().indexOf("hello profile active"));
        assertThat(IT.host().sh("cat /nix/var/nix/profiles/per-user/root/hello/name").stdout().trim())
                .isEqualTo("hello-profile");
        assertThat(IT.host().sh("cat /nix/var/nix/profiles/system/name").stdout().trim()).isEqualTo("system-profile");
    }

    @Test
    void deployRsOptionsOverridingTestDeploysItsServerOverrideNode() throws Exception {
        // as in deploy-rs's test: the client key is the default one, and the host key is known nowhere
        DeployCli fresh = new DeployCli(IT.work().resolve("home"));
        Path key = fresh.home().resolve(".ssh/id_ed25519");
        Files.copy(IT.host().clientKey(), key);
        Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        // deploy-rs's nix/tests/deploy-flake.nix, node server-override, with a profile of ours
        Path flake = IT.flake("override", String.join("\n",
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
        Cmd.Result result = fresh.run(flake, "-s", ".#server-override", "--hostname", IT.host().address(),
                "--profile-user", "root", "--ssh-user", "root", "--sudo", "sudo -u",
                "--ssh-opts=-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null",
                "--confirm-timeout", "30", "--activation-timeout", "30", "--", "--offline");

        assertThat(result.exitCode()).as(result.stdout()).isZero();
        assertThat(result.stdout()).contains("connected to root@" + IT.host().address()).contains("| activated as root")
                .contains("confirmed over a new connection");
        assertThat(result.stdout().split("StrictHostKeyChecking=no: ", -1)).as("warned once").hasSize(2);
        assertThat(IT.host().sh("cat /nix/var/nix/profiles/system/name").stdout().trim()).isEqualTo("overridden");
    }

    @Test
    void whenALaterProfileFailsTheConfirmedOnesAreRolledBackToo() {
        Path first = IT.flake("before", node("base-sys", "true", "base-app", "true"));
        assertThat(IT.deploy().run(first, ".#web", "--skip-checks", "--ssh-opts", opts()).exitCode()).isZero();
        Path second = IT.flake("after", node("new-sys", "true", "broken-app", "exit 3"));

        Cmd.Result result = IT.deploy().run(second, ".#web", "--skip-checks", "--ssh-opts", opts());

        assertThat(result.exitCode()).as(result.stdout()).isEqualTo(ExitCode.ACTIVATION_FAILED.code);
        assertThat(result.stdout()).contains("rolled back because another profile failed");
        assertThat(IT.host().sh("cat /nix/var/nix/profiles/system/name").stdout().trim()).isEqualTo("base-sys");
        assertThat(IT.host().sh("cat /nix/var/nix/profiles/per-user/root/app/name").stdout().trim()).isEqualTo("base-app");
    }

    @Test
    void ctrlCWhileWaitingToConfirmRollsTheHostBackAtOnce() throws Exception {
        Path base = IT.flake("base", single("steady", "true", ""));
        assertThat(IT.deploy().run(base, ".#web", "--skip-checks", "--ssh-opts", opts()).exitCode()).isZero();
        // confirm at an address where nothing answers, so the deployer keeps trying until interrupted
        Path flake = IT.flake("interrupt", single("pending", "true",
                "confirmHostname = \"" + IT.host().gatewayAddress().replaceAll("\\.1$", ".3") + "\"; confirmTimeout = 120;"));
        Path log = IT.work().resolve("deploy.log");

        Process process = IT.deploy().start(flake, log, ".#web", "--skip-checks", "--ssh-opts", opts());
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
        assertThat(IT.host().sh("cat /nix/var/nix/profiles/system/name").stdout().trim()).isEqualTo("steady");
    }

    @Test
    void withRemoteBuildTheHostBuildsTheProfileItself() {
        String nonce = Long.toString(System.nanoTime());
        Path flake = IT.flake("remote", single("remote-" + nonce, "echo built remotely", ""));
        Path broken = IT.flake("remote-broken", DeployFixture.node("web", IT.host(),
                "profiles.system = { user = \"root\"; path = builtins.derivation { name = \"fails-" + nonce
                        + "\"; inherit system; builder = sh; args = [ \"-c\" \"echo compiler error; exit 2\" ]; }; };"));

        Cmd.Result built = IT.deploy().run(flake, ".#web", "--skip-checks", "--remote-build", "--ssh-opts", opts());
        Cmd.Result failed = IT.deploy().run(broken, ".#web", "--skip-checks", "--remote-build", "--ssh-opts", opts());

        assertThat(built.exitCode()).as(built.stdout()).isZero();
        assertThat(built.stdout()).contains("built on the host").contains("| built remotely");
        String target = IT.host().sh("readlink -f /nix/var/nix/profiles/system").stdout().trim();
        assertThat(target).endsWith("-remote-" + nonce);
        assertThat(Cmd.run("nix-store", "--check-validity", target).ok()).as("never built here").isFalse();
        assertThat(failed.exitCode()).as(failed.stdout()).isEqualTo(ExitCode.BUILD_FAILED.code);
        assertThat(failed.stdout()).contains("compiler error").contains("Nothing was activated");
        assertThat(IT.host().sh("readlink -f /nix/var/nix/profiles/system").stdout().trim()).isEqualTo(target);
    }

    @Test
    void aHostAliasFromSshConfigIsResolvedWithItsUserKeyAndTheDefaultKnownHosts() throws Exception {
        Path ssh = IT.deploy().home().resolve(".ssh");
        Files.writeString(ssh.resolve("config"), String.join("\n",
                "Host webalias",
                "  HostName " + IT.host().address(),
                "  User root",
                "  IdentityFile " + IT.host().clientKey(),
                ""));
        Files.writeString(ssh.resolve("known_hosts"), IT.host().knownHostsLine() + "\n");
        try {
            Path flake = IT.flake("alias", String.join("\n",
                    "    deploy.nodes.web = {",
                    "      hostname = \"webalias\";",
                    "      profiles.system = { user = \"root\"; path = profile \"via-config\" \"true\"; };",
                    "    };"));

            Cmd.Result result = IT.deploy().run(flake, ".#web", "--skip-checks");

            assertThat(result.exitCode()).as(result.stdout()).isZero();
            assertThat(result.stdout()).contains("connected to root@" + IT.host().address());
            assertThat(IT.host().sh("cat /nix/var/nix/profiles/system/name").stdout().trim()).isEqualTo("via-config");
        } finally {
            Files.deleteIfExists(ssh.resolve("config"));
            Files.deleteIfExists(ssh.resolve("known_hosts"));
        }
    }

    @Test
    void keysHeldBySshAgentAreUsed() throws Exception {
        Path socket = IT.work().resolve("agent.sock");
        Process agent = new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString()).redirectErrorStream(true)
                .redirectOutput(IT.work().resolve("agent.log").toFile()).start();
        try {
            for (int i = 0; i < 100 && !Files.exists(socket); i++) {
                Thread.sleep(50);
            }
            Cmd.run(List.of("env", "SSH_AUTH_SOCK=" + socket, "ssh-add", IT.host().clientKey().toString()), null, 30)
                    .orThrow();
            IT.deploy().env("SSH_AUTH_SOCK", socket.toString());
            Path flake = IT.flake("agent", single("via-agent", "true", ""));

            Cmd.Result result = IT.deploy().run(flake, ".#web", "--skip-checks", "--ssh-opts",
                    "-o UserKnownHostsFile=" + IT.host().knownHostsFile());

            assertThat(result.exitCode()).as(result.stdout()).isZero();
            assertThat(IT.host().sh("cat /nix/var/nix/profiles/system/name").stdout().trim()).isEqualTo("via-agent");
        } finally {
            IT.deploy().env("SSH_AUTH_SOCK", null);
            agent.destroy();
        }
    }

    private String node(String sys, String sysScript, String app, String appScript) {
        return DeployFixture.node("web", IT.host(),
                "user = \"root\";",
                "profilesOrder = [ \"system\" \"app\" ];",
                "profiles.system.path = profile \"" + sys + "\" " + DeployFixture.nixString(sysScript) + ";",
                "profiles.app.path = profile \"" + app + "\" " + DeployFixture.nixString(appScript) + ";");
    }

    private String single(String name, String script, String extra) {
        return IT.webSystem(name, script, extra);
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
