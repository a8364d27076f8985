package nixdeploy.deployer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import nixdeploy.testhosts.Cmd;
import nixdeploy.testhosts.TestHosts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy-rs's end-to-end tests (its nix/tests/default.nix), each with its exact command line, on a
 * test host standing in for its "server": as there, the client's key is the default one
 * (~/.ssh/id_ed25519) and the host key is checked nowhere (the nodes' sshOpts say so). Then the
 * flags only deploy-rs users pass: --interactive, --log-dir.
 */
class DeployRsScenariosIT {
    @RegisterExtension
    static final DeployFixture IT = DeployFixture.hosts(1)
            .cleanedWith(DeployFixture.CLEAN + " /nix/var/nix/profiles/per-user/root/*; true");
    static final String USER = TestHosts.TEST_USER;

    /** deploy-rs's test client: the default key, no known_hosts. */
    static DeployCli client;
    @BeforeAll
    static void setUp(@TempDir Path clientHome) throws Exception {
        IT.hosts().ensureTestUser(null);
        client = new DeployCli(clientHome);
        Path key = client.home().resolve(".ssh/id_ed25519");
        Files.copy(IT.host().clientKey(), key);
        Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }

    /** deploy-rs's node "server" (nix/tests/deploy-flake.nix), its system profile activating {@code script}. */
    private String server(String name, String script) {
        return DeployFixture.node("server", IT.host(),
                "sshOpts = [",
                "  \"-o\" \"StrictHostKeyChecking=no\"",
                "  \"-o\" \"StrictHostKeyChecking=no\"",
                "];",
                "profiles.system.path = profile \"" + name + "\" \"" + script + "\";");
    }

    /** deploy-rs's node "profile": a non-root user's hello-world profile, activated as that user. */
    private String userProfile(String name) {
        return DeployFixture.nodeAs("profile", IT.host(), USER,
                "sshOpts = [",
                "  \"-o\" \"UserKnownHostsFile=/dev/null\"",
                "  \"-o\" \"StrictHostKeyChecking=no\"",
                "];",
                "profiles.\"hello-world\".path = profile \"" + name + "\" "
                        + "\"echo hello-world for $(id -un) at $PROFILE && echo " + name + " > $HOME/.deployrs-hello\";");
    }

    private String systemProfile() {
        return IT.host().sh("cat /nix/var/nix/profiles/system/name").stdout().trim();
    }

    @Test
    void deployRsLocalBuildTest() {
        Path flake = IT.flake("local", server("local-build", "echo activated locally built"));

        // local-build: deploy -s .#server -- --offline
        Cmd.Result result = client.run(flake, "-s", ".#server", "--", "--offline");

        assertThat(result.exitCode()).as(result.stdout()).isZero();
        assertThat(result.stdout()).contains("| activated locally built").contains("confirmed over a new connection");
        assertThat(systemProfile()).isEqualTo("local-build");
    }

    @Test
    void deployRsRemoteBuildTest() {
        String name = "remote-build-" + System.nanoTime();
        Path flake = IT.flake("remote", server(name, "echo activated remotely built"));

        // remote-build: deploy -s .#server --remote-build -- --offline
        Cmd.Result result = client.run(flake, "-s", ".#server", "--remote-build", "--", "--offline");

        assertThat(result.exitCode()).as(result.stdout()).isZero();
        assertThat(result.stdout()).contains("| activated remotely built");
        String target = IT.host().sh("readlink -f /nix/var/nix/profiles/system").stdout().trim();
        assertThat(target).endsWith("-" + name);
        assertThat(Cmd.run("nix-store", "--check-validity", target).ok()).as("never built here").isFalse();
    }

    @Test
    void deployRsProfileTestDeploysANonRootUsersProfile() {
        String name = "hello-" + System.nanoTime();
        Path flake = IT.flake("profile", userProfile(name));

        // profile: deploy -s .#profile -- --offline
        Cmd.Result result = client.run(flake, "-s", ".#profile", "--", "--offline");

        assertThat(result.exitCode()).as(result.stdout()).isZero();
        assertUserProfileDeployed(result, name);
    }

    @Test
    void deployRsHyphenSshOptsRegressionTest() {
        String name = "hyphen-" + System.nanoTime();
        Path flake = IT.flake("hyphen", userProfile(name));

        // hyphen-ssh-opts-regression: the value of --ssh-opts starts with a hyphen
        Cmd.Result result = client.run(flake, "-s", ".#profile", "--ssh-opts",
                "-p 22 -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null", "--", "--offline");

        assertThat(result.exitCode()).as(result.stdout()).isZero();
        assertUserProfileDeployed(result, name);
    }

    private void assertUserProfileDeployed(Cmd.Result result, String name) {
        assertThat(result.stdout()).contains("connected to " + USER + "@");
        Matcher at = Pattern.compile("\\| hello-world for " + Pattern.quote(USER) + " at (\\S+)")
                .matcher(result.stdout());
        assertThat(at.find()).as("activated as " + USER + ": " + result.stdout()).isTrue();
        assertThat(at.group(1)).endsWith("/hello-world");
        assertThat(IT.host().sh("cat \"" + at.group(1) + "/name\"").stdout().trim()).isEqualTo(name);
        assertThat(IT.host().sh("cat \"$(getent passwd " + USER + " | cut -d: -f6)/.deployrs-hello\"").stdout().trim())
                .isEqualTo(name);
    }

    @Test
    void deployRsNonFlakeWithFlakesTestDeploysFromAFile() {
        Path dir = TestFlake.writeFile(IT.work().resolve("file"), server("from-file", "echo activated from a file"));

        // non-flake-with-flakes: deploy --file . --targets server (checks not skipped: the file has none)
        Cmd.Result result = client.run(dir, "--file", ".", "--targets", "server");

        assertThat(result.exitCode()).as(result.stdout()).isZero();
        assertThat(result.stdout()).contains("evaluating deploy in the file .").contains("| activated from a file");
        assertThat(systemProfile()).isEqualTo("from-file");
    }

    @Test
    void aFilesChecksRunBeforeDeployingAndAFailingOneStopsIt() {
        Path dir = TestFlake.writeFile(IT.work().resolve("file-checks"), server("never", "true") + "\n"
                + "    checks.${system}.fails = builtins.derivation { name = \"check-fails-" + System.nanoTime()
                + "\"; inherit system; builder = sh; args = [ \"-c\" \"echo check says no; exit 1\" ]; };");

        Cmd.Result result = client.run(dir, "-f", ".", "server.system");

        assertThat(result.exitCode()).as(result.stdout()).isEqualTo(ExitCode.BUILD_FAILED.code);
        assertThat(result.stdout()).contains("checks failed");
        assertThat(IT.host().sh("test -e /nix/var/nix/profiles/system").ok()).isFalse();
    }

    private Path webFlake(String dir, String name, String script) {
        return IT.flake(dir, DeployFixture.node("web", IT.host(),
                "profiles.system.path = profile \"" + name + "\" \"" + script + "\";"));
    }

    @Test
    void interactiveDeploysOnlyAfterYes() {
        Path flake = webFlake("ask", "asked", "echo deployed after yes");
        List<String> args = List.of(".#web", "-s", "--interactive", "--ssh-opts", DeployCli.sshOpts(IT.host()));

        Cmd.Result declined = IT.deploy().runInTerminalTyping("n\n", flake, args.toArray(String[]::new));
        boolean untouched = !IT.host().sh("test -e /nix/var/nix/profiles/system").ok();
        Cmd.Result accepted = IT.deploy().runInTerminalTyping("y\n", flake, args.toArray(String[]::new));

        assertThat(declined.exitCode()).as(declined.stdout()).isEqualTo(ExitCode.DECLINED.code);
        assertThat(declined.stdout()).contains("web.system").contains("/nix/var/nix/profiles/system")
                .contains(IT.host().address()).contains("Deploy these profiles? [y/N]").contains("Not deployed")
                .doesNotContain("connected to");
        assertThat(untouched).as("declined: nothing on the host").isTrue();
        assertThat(accepted.exitCode()).as(accepted.stdout()).isZero();
        assertThat(accepted.stdout()).contains("deployed after yes");
        assertThat(systemProfile()).isEqualTo("asked");
    }

    @Test
    void interactiveWithoutATerminalRefusesInsteadOfWaiting() {
        Path flake = webFlake("no-tty", "no-tty", "true");

        Cmd.Result result = IT.deploy().runWithInput("y\n", flake, ".#web", "-s", "-i", "--ssh-opts",
                DeployCli.sshOpts(IT.host()));

        assertThat(result.exitCode()).as(result.stdout()).isEqualTo(ExitCode.BAD_INPUT.code);
        assertThat(result.stdout()).contains("--interactive asks on a terminal");
        assertThat(IT.host().sh("test -e /nix/var/nix/profiles/system").ok()).isFalse();
    }

    @Test
    void logDirKeepsTheRunsLogAndTheActivationsOutput() throws Exception {
        Path flake = webFlake("logs", "logged", "echo activation line for the log");
        Path logs = IT.work().resolve("logs-out");

        Cmd.Result result = IT.deploy().run(flake, ".#web", "-s", "--log-dir", logs.toString(), "--ssh-opts",
                DeployCli.sshOpts(IT.host()));

        assertThat(result.exitCode()).as(result.stdout()).isZero();
        List<Path> files;
        try (var list = Files.list(logs)) {
            files = list.sorted().toList();
        }
        assertThat(files).as(files.toString()).hasSize(2);
        Path activation = files.stream().filter(f -> f.toString().endsWith(".web.system.activation.log")).findFirst()
                .orElseThrow();
        Path main = files.stream().filter(f -> !f.equals(activation)).findFirst().orElseThrow();
        assertThat(Files.readString(activation)).contains("activation line for the log");
        assertThat(Files.readString(main)).contains("web.system").contains("confirmed").contains("Summary:")
                .contains("| activation line for the log");
    }

    @Test
    void logDirKeepsTheHostWatchersLogWhenADeploymentIsNotConfirmed() throws Exception {
        assertThat(IT.deploy().run(webFlake("base", "base", DeployIT.GOOD), ".#web", "-s", "--ssh-opts",
                DeployCli.sshOpts(IT.host())).exitCode()).isZero();
        Path logs = IT.work().resolve("logs-lockout");

        Cmd.Result result = IT.deploy().run(webFlake("lockout", "lockout", DeployIT.LOCKOUT), ".#web", "-s",
                "--confirm-timeout", "5", "--log-dir", logs.toString(), "--ssh-opts", DeployCli.sshOpts(IT.host()));

        assertThat(result.exitCode()).as(result.stdout()).isEqualTo(ExitCode.ROLLED_BACK.code);
        Path watcher;
        try (var list = Files.list(logs)) {
            watcher = list.filter(f -> f.toString().endsWith(".web.system.watcher.log")).findFirst().orElseThrow();
        }
        assertThat(Files.readString(watcher)).as("the watcher's own account of the deadline")
                .containsIgnoringCase("roll");
    }
}
