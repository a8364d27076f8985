package nixdeploy.deployer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import nixdeploy.testhosts.Cmd;
import nixdeploy.testhosts.Poll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The real {@code deploy} against a real test host over real SSH, checking the host afterwards. */
class DeployIT {
    @RegisterExtension
    static final DeployFixture IT = DeployFixture.hosts(1)
            .cleanedWith(DeployFixture.CLEAN + "; nft delete table inet lockout 2>/dev/null; true");
    static final String GOOD = "nft delete table inet lockout 2>/dev/null; echo serving version $(cat $PROFILE/name)";
    static final String LOCKOUT = "nft add table inet lockout && nft add chain inet lockout input "
            + "'{ type filter hook input priority 0; policy accept; }' && "
            + "nft add rule inet lockout input tcp dport 22 ct state new drop && echo firewall closed";

    private Path flake(String name, String script, String extraProfileAttrs) {
        return IT.flake(name, IT.webSystem(name, script, extraProfileAttrs));
    }

    private Cmd.Result deployFlake(Path flake, String... more) {
        return IT.deployTo(flake, concat(".#web", "--skip-checks", more));
    }

    static String[] concat(String first, String second, String... rest) {
        String[] all = new String[rest.length + 2];
        all[0] = first;
        all[1] = second;
        System.arraycopy(rest, 0, all, 2, rest.length);
        return all;
    }

    @Test
    void aGoodProfileIsActivatedConfirmedAndASecondDeployCopiesNothing() {
        Path flake = flake("happy", GOOD, "");

        Cmd.Result first = deployFlake(flake);

        assertThat(first.exitCode()).as(first.stdout()).isZero();
        assertThat(first.stdout()).contains("| serving version happy").contains("confirmed over a new connection")
                .containsPattern("copying \\d+ of \\d+ paths");
        assertThat(IT.host().sh("cat /nix/var/nix/profiles/system/name").stdout().trim()).isEqualTo("happy");
        assertThat(generations()).isEqualTo("1");

        Cmd.Result second = deployFlake(flake);

        assertThat(second.exitCode()).as(second.stdout()).isZero();
        assertThat(second.stdout()).contains("copying nothing");
        assertThat(generations()).isEqualTo("1");
    }

    @Test
    void rootsActivationsLeaveAClassDataArchiveThatTheHostsJavaMapsForTheActivatorJar() {
        // the first activation makes the state folder, the second starts the training of the archive
        for (String version : List.of("cds1", "cds2")) {
            Cmd.Result result = deployFlake(flake(version, GOOD, ""));
            assertThat(result.exitCode()).as(result.stdout()).isZero();
        }
        // the training runs in the background, niced: on a busy machine it may outlast a deploy
        Poll.until(() -> !IT.host().sh("[ -e /nix/var/nixdeploy/cds/training ]").ok(), "the archive's training to end",
                Duration.ofMinutes(1));
        Cmd.Result third = deployFlake(flake("cds3", GOOD, ""));
        assertThat(third.exitCode()).as(third.stdout()).isZero();

        Cmd.Result archives = IT.host().sh("ls -ld /nix/var/nixdeploy/cds; ls /nix/var/nixdeploy/cds");
        assertThat(archives.stdout()).startsWith("drwx------").containsPattern("activator-\\d+\\.jsa");
        Cmd.Result maps = IT.host().sh("a=$(echo /nix/var/nixdeploy/cds/activator-*.jsa); "
                + "for jar in /nix/store/*-nixdeploy-activator.jar; do "
                + "java -Xshare:on -XX:SharedArchiveFile=$a -jar $jar --version 2>&1 && exit 0; done; exit 1");
        assertThat(maps.ok()).as("the archive maps for the activator jar with the host's java: " + maps).isTrue();
        assertThat(IT.host().sh("cat /nix/var/nix/profiles/system/name").stdout().trim()).isEqualTo("cds3");
    }

    @Test
    void aProfileThatLocksOutSshIsRolledBackByTheHostItself() {
        assertThat(deployFlake(flake("v1", GOOD, "")).exitCode()).isZero();
        long start = System.currentTimeMillis();

        Cmd.Result lockout = deployFlake(flake("lockout", LOCKOUT, "confirmTimeout = 6;"));

        assertThat(lockout.exitCode()).as(lockout.stdout()).isEqualTo(ExitCode.ROLLED_BACK.code);
        assertThat(lockout.stdout()).contains("firewall closed").contains("could not reconnect")
                .contains("rolled back by itself");
        assertThat(System.currentTimeMillis() - start).isLessThan(60_000);
        assertThat(IT.host().sh("cat /nix/var/nix/profiles/system/name").stdout().trim()).isEqualTo("v1");
        assertThat(IT.host().sh("nft list table inet lockout").ok()).as("firewall rule removed").isFalse();
        assertThat(deployFlake(flake("v2", GOOD, "")).exitCode()).as("SSH works again").isZero();
    }

    @Test
    void anActivatorThatCannotStartIsReportedAsNotDeployedAndChangesNothing() {
        assertThat(deployFlake(flake("v1", GOOD, "")).exitCode()).isZero();

        Cmd.Result result = deployFlake(flake("no-java", GOOD, "javaPath = \"/bin/false\";"));

        assertThat(result.exitCode()).as(result.stdout()).isEqualTo(ExitCode.HOST_UNSUPPORTED.code);
        assertThat(result.stdout()).contains("could not run the activator").contains("Nothing was changed");
        assertThat(IT.host().sh("cat /nix/var/nix/profiles/system/name").stdout().trim()).isEqualTo("v1");
        assertThat(generations()).isEqualTo("1");
    }

    @Test
    void anActivationPrinting300MegabytesIsDeployedByADeployerHeldTo64MegabytesOfHeap() {
        String loud = "printf start; head -c 209715200 /dev/zero | tr '\\000' x; echo end; "
                + "head -c 104857600 /dev/zero | tr '\\000' y >&2; echo; "
                + "i=0; while [ $i -lt 2000 ]; do echo line $i; i=$((i+1)); done; echo loud done";
        IT.deploy().env("NIXDEPLOY_JAVA_OPTS", "-Xmx64m");
        Cmd.Result result;
        try {
            result = deployFlake(flake("loud", loud, ""));
        } finally {
            IT.deploy().env("NIXDEPLOY_JAVA_OPTS", null);
        }

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).contains("| startxxx").contains("xxxend").contains("yyy")
                .contains(" bytes dropped ...]").contains("| line 1999").contains("| loud done")
                .contains("confirmed over a new connection");
        assertThat(result.stdout().length()).as("what the deployer printed").isLessThan(4 * 1024 * 1024);
        assertThat(IT.host().sh("cat /nix/var/nix/profiles/system/name").stdout().trim()).isEqualTo("loud");
    }

    @Test
    void aFailingActivationScriptIsRolledBack() {
        assertThat(deployFlake(flake("v1", GOOD, "")).exitCode()).isZero();

        Cmd.Result failed = deployFlake(flake("broken", "echo cannot start; exit 1", ""));

        assertThat(failed.exitCode()).as(failed.stdout()).isEqualTo(ExitCode.ACTIVATION_FAILED.code);
        assertThat(failed.stdout()).contains("| cannot start").contains("rolled back");
        assertThat(IT.host().sh("cat /nix/var/nix/profiles/system/name").stdout().trim()).isEqualTo("v1");
        assertThat(generations()).isEqualTo("1");
    }

    @Test
    void aWrongHostKeyIsRefusedBeforeAnythingIsCopied() throws Exception {
        Path knownHosts = IT.work().resolve("wrong_known_hosts");
        Files.writeString(knownHosts, IT.host().address() + " ssh-ed25519 "
                + "AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n");
        IT.host().sh("rm -rf /nix/store/*-wrongkey*");

        Cmd.Result result = IT.deploy().run(flake("wrongkey", GOOD, ""), ".#web", "--skip-checks", "--ssh-opts",
                "-i " + IT.host().clientKey() + " -o UserKnownHostsFile=" + knownHosts);

        assertThat(result.exitCode()).isEqualTo(ExitCode.CONNECT_FAILED.code);
        assertThat(result.stdout()).contains("CHANGED").contains("SHA256:").doesNotContain("Exception");
        assertThat(IT.host().sh("ls -d /nix/store/*-wrongkey").ok()).isFalse();
        assertThat(IT.host().sh("test -e /nix/var/nix/profiles/system").ok()).isFalse();
    }

    @Test
    void anUnknownHostKeyIsRefusedUnlessAcceptNewIsAsked() throws Exception {
        Path knownHosts = IT.work().resolve("empty_known_hosts");
        Files.writeString(knownHosts, "");
        Path flake = flake("v1", GOOD, "");

        Cmd.Result refused = IT.deploy().run(flake, ".#web", "--skip-checks", "--ssh-opts",
                "-i " + IT.host().clientKey() + " -o UserKnownHostsFile=" + knownHosts);
        Cmd.Result accepted = IT.deploy().run(flake, ".#web", "--skip-checks", "--ssh-opts",
                "-i " + IT.host().clientKey() + " -o UserKnownHostsFile=" + knownHosts
                        + " -o StrictHostKeyChecking=accept-new");

        assertThat(refused.exitCode()).isEqualTo(ExitCode.CONNECT_FAILED.code);
        assertThat(refused.stdout()).contains("is not in").contains("accept-new");
        assertThat(accepted.exitCode()).as(accepted.stdout()).isZero();
        // hashed when ssh_config says HashKnownHosts yes (Debian's /etc/ssh/ssh_config does), as OpenSSH writes it
        assertThat(Cmd.run("ssh-keygen", "-F", IT.host().address(), "-f", knownHosts.toString()).stdout())
                .contains(IT.host().hostPublicKey().split(" ")[1]);
    }

    @Test
    void anUnknownNodeIsAClearErrorThatTouchesNothing() {
        Cmd.Result result = deployFlake(flake("v1", GOOD, ""), "--targets", ".#nope");

        assertThat(result.exitCode()).isEqualTo(ExitCode.BAD_INPUT.code);
        assertThat(result.stdout()).contains("no node 'nope'").contains("its nodes are: web");
        assertThat(IT.host().sh("test -e /nix/var/nix/profiles/system").ok()).isFalse();
    }

    @Test
    void withJsonAnUnknownNodeIsAnErrorEventAndStdoutHoldsOnlyJson() {
        Cmd.Result result = deployFlake(flake("v1", GOOD, ""), "--targets", ".#nope", "--json");

        assertThat(result.exitCode()).isEqualTo(ExitCode.BAD_INPUT.code);
        assertThat(result.stdout().lines().map(line -> com.google.gson.JsonParser.parseString(line).getAsJsonObject()))
                .as(result.stdout()).isNotEmpty()
                .anySatisfy(e -> assertThat(e.get("type").getAsString() + " " + e.get("message").getAsString())
                        .startsWith("error ").contains("no node 'nope'"));
    }

    @Test
    void aMistypedSettingIsNamedWithItsLocation() {
        Cmd.Result result = deployFlake(flake("v1", GOOD, "sshUsr = \"root\";"));

        assertThat(result.exitCode()).isEqualTo(ExitCode.BAD_INPUT.code);
        assertThat(result.stdout()).contains("unknown setting 'sshUsr' in deploy.nodes.web.profiles.system")
                .contains("did you mean 'sshUser'");
    }

    @Test
    void whenTheBuildFailsTheShellsAlreadyStartedOnTheHostRunNothing() throws Exception {
        assertThat(deployFlake(flake("v1", GOOD, "")).exitCode()).isZero();
        Path log = IT.host().dir().resolve("sshd.log");
        int sessionsBefore = sessionsStarted(log);
        // the host is made ready while Nix builds: give it time to open its shells before the build fails
        String name = "fails-" + System.nanoTime();
        Path flake = builtFlake(name, "sleep 3; echo build broke >&2; exit 1");

        Cmd.Result failed = deployFlake(flake);

        assertThat(failed.exitCode()).as(failed.stdout()).isEqualTo(ExitCode.BUILD_FAILED.code);
        assertThat(failed.stdout() + failed.stderr()).contains("build broke");
        assertThat(sessionsStarted(log) - sessionsBefore)
                .as("the copy's and the activation's shells were started (the latter answered the Java probe)")
                .isEqualTo(2);
        Thread.sleep(500);
        assertThat(IT.host().sh("cat /nix/var/nix/profiles/system/name").stdout().trim()).isEqualTo("v1");
        assertThat(generations()).isEqualTo("1");
        assertThat(IT.host().sh("ps -eo args | grep -v grep | grep -c " + name + " || true").stdout().trim())
                .as("no shell or activator for the failed build is left").isEqualTo("0");
    }

    @Test
    void whenTheConnectionOpenedDuringTheBuildDiesTheDeployerConnectsAgain() throws Exception {
        Path log = IT.host().dir().resolve("sshd.log");
        int sessionsBefore = sessionsStarted(log);
        String name = "slow-" + System.nanoTime();
        Path flake = builtFlake(name, "sleep 4; mkdir $out; echo " + name + " > $out/name");
        java.util.concurrent.CompletableFuture<Cmd.Result> run = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> deployFlake(flake, "--debug-logs"));
        // the copy's and the activation's shells
        for (int i = 0; i < 100 && sessionsStarted(log) - sessionsBefore < 2; i++) {
            Thread.sleep(50);
        }
        // what an idle timeout or a NAT box does to a connection during a long build
        Cmd.run("pkill", "-P", Long.toString(IT.host().sshdPid()), "sshd").orThrow();

        Cmd.Result result = run.get(120, java.util.concurrent.TimeUnit.SECONDS);

        assertThat(result.exitCode()).as(result.stdout()).isZero();
        assertThat(result.stdout()).contains("connecting again").contains("confirmed over a new connection");
        assertThat(IT.host().sh("cat /nix/var/nix/profiles/system/name").stdout().trim()).isEqualTo(name);
    }

    /** Node web on the test host (plus {@code nodeAttrs}), its system profile's path the Nix expression {@code path}. */
    private String webNode(String path, String nodeAttrs) {
        return DeployFixture.node("web", IT.host(), nodeAttrs, "profiles.system = { user = \"root\"; path = " + path
                + "; };");
    }

    /** A flake whose profile {@code name} is built by {@code buildScript} (sh), to time or fail the build. */
    private Path builtFlake(String name, String buildScript) {
        return IT.flake(name, DeployFixture.node("web", IT.host(),
                "profiles.system = { user = \"root\"; path = builtins.derivation {",
                "  name = \"" + name + "\"; inherit system; builder = sh; PATH = bin;",
                "  args = [ \"-c\" " + nixString(buildScript) + " ]; }; };"));
    }

    private static int sessionsStarted(Path sshdLog) throws java.io.IOException {
        return Files.readString(sshdLog).split("Starting session: command", -1).length - 1;
    }

    @Test
    void onlyTheSelectedProfilesAreEvaluatedSoABrokenNodeElsewhereBlocksNothing() {
        Path flake = IT.flake("one-broken",
                webNode("profile \"selected\" " + nixString(GOOD), " tags = [ \"served\" ];"),
                "    deploy.nodes.broken = {",
                "      hostname = \"broken.invalid\";",
                "      profiles.system.path = throw \"the broken node was evaluated\";",
                "    };");

        Cmd.Result byName = IT.deployTo(flake, ".#web", "--skip-checks");
        Cmd.Result byTag = IT.deployTo(flake, ".", "--on", "@served", "--skip-checks");
        Cmd.Result broken = IT.deployTo(flake, ".#broken", "--skip-checks");

        assertThat(byName.exitCode()).as(byName.stdout()).isZero();
        assertThat(byName.stdout()).contains("| serving version selected");
        assertThat(byTag.exitCode()).as(byTag.stdout()).isZero();
        assertThat(IT.host().sh("cat /nix/var/nix/profiles/system/name").stdout().trim()).isEqualTo("selected");
        assertThat(broken.exitCode()).as(broken.stdout()).isEqualTo(ExitCode.BUILD_FAILED.code);
        assertThat(broken.stdout() + broken.stderr()).contains("the broken node was evaluated");
        assertThat(generations()).isEqualTo("1");
    }

    @Test
    void argumentsAfterADoubleDashReachTheEvaluationSoTheProfileBuiltIsTheOneDeployed() {
        Path flake = IT.flake("impure", webNode(
                "profile (\"variant-\" + builtins.getEnv \"NIXDEPLOY_TEST_VARIANT\") " + nixString(GOOD), ""));
        IT.deploy().env("NIXDEPLOY_TEST_VARIANT", "overridden");
        Cmd.Result result;
        try {
            result = IT.deploy().run(flake, ".#web", "--skip-checks", "--ssh-opts", DeployCli.sshOpts(IT.host()), "--",
                    "--impure");
        } finally {
            IT.deploy().env("NIXDEPLOY_TEST_VARIANT", null);
        }

        assertThat(result.exitCode()).as(result.stdout()).isZero();
        assertThat(result.stdout()).contains("| serving version variant-overridden");
        assertThat(IT.host().sh("cat /nix/var/nix/profiles/system/name").stdout().trim())
                .isEqualTo("variant-overridden");
    }

    @Test
    void withoutMagicRollbackTheProfileIsActivatedWithoutConfirmation() {
        Cmd.Result result = deployFlake(flake("v1", GOOD, ""), "--magic-rollback", "false");

        assertThat(result.exitCode()).as(result.stdout()).isZero();
        assertThat(result.stdout()).contains("activated (no confirmation asked)");
    }

    private String generations() {
        return IT.host().generations("/nix/var/nix/profiles/system");
    }

    private static String nixString(String s) {
        return DeployFixture.nixString(s);
    }
}
