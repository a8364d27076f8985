package nixdeploy.deployer.steps;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import nixdeploy.deployer.config.ProfilePlan;
import nixdeploy.deployer.config.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostCommandsTest {
    static final String JAR = "/nix/store/0123456789abcdfghijklmnpqrsvwxyz-activator.jar";
    static final ActivatorLaunch LAUNCH = ActivatorLaunch.with("java", JAR);
    static final String TOKEN = "Tok3n_with-the-format-of-a-token";
    static final String JAVA = "java -XX:+UseSerialGC -Xint -Xshare:auto -jar " + JAR + " status";
    static final String WITH_CDS = "/bin/sh -c " + nixdeploy.shell.ShellQuote.quote(HostCommands.WITH_CDS)
            + " nixdeploy-cds use /nix/var/nixdeploy " + JAR + " ";

    /*
     * A sudo that behaves like the real one where it matters: with -S it reads the password from
     * stdin a line at a time, up to three tries, and records each line it read; -v leaves a timestamp
     * for its parent process, which -n needs unless the rule is NOPASSWD.
     */
    static final String FAKE_SUDO = String.join("\n",
            "#!/bin/sh",
            "if [ \"$1\" = -S ]; then",
            "  [ \"$FAKE_RULE\" = nopasswd ] && exit 0",
            "  tries=0",
            "  while [ $tries -lt 3 ] && IFS= read -r line; do",
            "    printf '%s\\n' \"$line\" >> \"$FAKE_DIR/sudo-read\"",
            "    if [ \"$line\" = right-pass ]; then : > \"$FAKE_DIR/timestamp.$PPID\"; exit 0; fi",
            "    echo 'Sorry, try again.' >&2; tries=$((tries + 1))",
            "  done",
            "  echo \"sudo: $tries incorrect password attempts\" >&2; exit 1",
            "fi",
            "[ \"$1\" = -n ] && [ \"$2\" = -u ] || { echo \"unexpected: $*\" >&2; exit 64; }",
            "if [ \"$FAKE_RULE\" != nopasswd ] && [ ! -e \"$FAKE_DIR/timestamp.$PPID\" ]; then",
            "  echo 'sudo: a password is required' >&2; exit 1",
            "fi",
            "shift 3",
            "exec \"$@\"",
            "");
    static final String FAKE_JAVA = "#!/bin/sh\ncat > \"$FAKE_DIR/activator-stdin\"\n";

    @TempDir
    Path dir;

    static ProfilePlan plan(String sudo) {
        return new ProfilePlan("web", "system", "web.example.org", List.of(), "/nix/store/x-web", Optional.empty(),
                new Settings(null, null, null, null, null, null, null, null, null, true, sudo, null, null, null, null),
                null, "deploy.nodes.web.healthChecks");
    }

    static String activator(ProfilePlan plan, String sshUser, boolean password) {
        return HostCommands.activator(plan, sshUser, "root", LAUNCH, List.of("status"), password);
    }

    @Test
    void theSshUsersOwnProfileRunsWithoutSudoThroughTheClassDataShell() {
        assertThat(activator(plan(null), "root", false)).isEqualTo(WITH_CDS + JAVA);
        assertThat(HostCommands.activator(plan(null), "root", "root", LAUNCH, List.of("activate", "--closure", "x"),
                false)).startsWith(WITH_CDS.replace(" use ", " train "));
    }

    @Test
    void anotherUsersProfileRunsThroughTheSudoSettingAsBefore() {
        assertThat(activator(plan(null), "deploy", false)).isEqualTo("sudo -u root " + JAVA);
        assertThat(activator(plan("doas -u"), "deploy", false)).isEqualTo("doas -u root " + JAVA);
        assertThat(activator(plan("/run/wrappers/bin/sudo -H -u"), "deploy", false))
                .isEqualTo("/run/wrappers/bin/sudo -H -u root " + JAVA);
    }

    @Test
    void withAPasswordSudoRunsTheActivatorNonInteractivelyBehindAShellThatHandsThePasswordToSudoV() {
        String command = activator(plan("/run/wrappers/bin/sudo -H -u"), "deploy", true);

        assertThat(command).startsWith("sh -c ").endsWith(" nixdeploy-sudo /run/wrappers/bin/sudo -n -H -u root " + JAVA)
                .contains("| \"$1\" -S -p '\\'''\\'' -v || exit " + HostCommands.SUDO_PASSWORD_REFUSED);
    }

    @Test
    void theGateRunsTheSameCommandWithTheJavaItsGoNames() throws Exception {
        assertThat(HostCommands.gatedActivator(plan(null), "deploy", "root", JAR, List.of("status"), false, false))
                .startsWith("sh -c ").contains(" nixdeploy-gate ")
                .endsWith(" " + activator(plan(null), "deploy", false).replace(" java ", " " + HostCommands.JAVA_FROM_GO + " ")
                        .replace(" status", " " + HostCommands.AWAIT_GO + " status"));
        String gated = HostCommands.gatedActivator(plan(null), "root", "root", JAR, List.of("status"), false, false);
        Path bin = Files.createDirectories(dir.resolve("elsewhere"));
        write(bin.resolve("my java"), "#!/bin/sh\necho \"$@\" > \"$FAKE_DIR/java-args\"\n");
        assertThat(run(gated, "nopasswd", HostCommands.go(bin.resolve("my java").toString()))).isZero();
        assertThat(Files.readString(dir.resolve("java-args")))
                .isEqualTo("-XX:+UseSerialGC -Xint -Xshare:auto -jar " + JAR + " --await-go status\n");
    }

    @Test
    void withoutAGoTheGateRunsNothing() throws Exception {
        String gated = HostCommands.gatedActivator(plan(null), "root", "root", JAR, List.of("status"), false, false);

        assertThat(run(gated, "nopasswd", "")).isNotZero();
        assertThat(run(gated, "nopasswd", "go\ntoken\n")).isNotZero();
        assertThat(run(gated, "nopasswd", "stop java\n")).isNotZero();
        assertThat(dir.resolve("activator-stdin")).doesNotExist();
    }

    @Test
    void withTheProbeTheGateFirstSaysWhichJavaTheHostHas() throws Exception {
        String gated = HostCommands.gatedActivator(plan(null), "deploy", "root", JAR, List.of("status"), false, true);
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", gated);
        Process process = builder.start();
        process.getOutputStream().close();

        HostJava java = HostJava.parse(HostJava.read(process.getInputStream()));
        process.waitFor();

        assertThat(java.system()).isNotEqualTo("unknown");
        assertThat(java.path()).as("the JDK running this test is on the PATH").isPresent();
        assertThat(java.suitable()).isTrue();
    }

    @Test
    void withAJavaPathTheProbeOnlySaysWhetherTheJarAndThatJavaAreThere() throws Exception {
        Path jar = write(dir.resolve("activator.jar"), "");
        Path java = write(dir.resolve("bin/java"), "#!/bin/sh\n");

        assertThat(probeAnswer(withJavaPath(java.toString()), jar.toString())).isEqualTo(
                HostCommands.ACTIVATOR_THERE + "\n");
        assertThat(probeAnswer(withJavaPath(dir.resolve("elsewhere/java").toString()), jar.toString()))
                .as("the profile's java is not on the host (yet): the gate waits for the copy").isEmpty();
        assertThat(probeAnswer(withJavaPath(java.toString()), dir.resolve("no.jar").toString())).isEmpty();
        assertThat(probeAnswer(plan(null), jar.toString())).as("without one, the host's Java is probed")
                .contains("system=").contains(HostCommands.ACTIVATOR_THERE);
    }

    private static ProfilePlan withJavaPath(String javaPath) {
        return new ProfilePlan("web", "system", "web.example.org", List.of(), "/nix/store/x-web", Optional.empty(),
                new Settings(null, null, null, null, null, null, null, null, null, true, null, null, javaPath, null,
                        null), null, "deploy.nodes.web.healthChecks");
    }

    /** What the gated command says before its gate, for {@code jar}; its gate then gets no go. */
    private static String probeAnswer(ProfilePlan plan, String jar) throws Exception {
        Process process = new ProcessBuilder("/bin/sh", "-c", HostCommands.gatedActivator(plan, "root", "root", jar,
                List.of("status"), false, true)).start();
        process.getOutputStream().close();
        String answer = HostJava.read(process.getInputStream());
        process.waitFor();
        return answer;
    }

    @Test
    void underANopasswdRuleThePasswordNeverReachesTheActivator() throws Exception {
        // a password that would pass for a token, as one could have become the activator's token
        String password = "passwordLongEnoughToBeAToken";

        int status = runGated("nopasswd", password);

        assertThat(status).isZero();
        assertThat(Files.readString(dir.resolve("activator-stdin"))).isEqualTo("go\n" + TOKEN + "\n");
        assertThat(dir.resolve("sudo-read")).doesNotExist();
    }

    @Test
    void aRefusedPasswordStopsBeforeTheActivatorAndSudoNeverReadsTheToken() throws Exception {
        int status = runGated("password", "wrong-pass");

        assertThat(status).isEqualTo(HostCommands.SUDO_PASSWORD_REFUSED);
        assertThat(Files.readString(dir.resolve("sudo-read"))).isEqualTo("wrong-pass\n");
        assertThat(dir.resolve("activator-stdin")).doesNotExist();
    }

    @Test
    void anAcceptedPasswordGoesToSudoAloneAndTheTokenToTheActivator() throws Exception {
        int status = runGated("password", "right-pass");

        assertThat(status).isZero();
        assertThat(Files.readString(dir.resolve("sudo-read"))).isEqualTo("right-pass\n");
        assertThat(Files.readString(dir.resolve("activator-stdin"))).isEqualTo("go\n" + TOKEN + "\n");
    }

    @Test
    void withoutTheGateTheCommandsReadThePasswordThenTheToken() throws Exception {
        String command = activator(plan(null), "deploy", true);

        int status = run(command, "password", "right-pass\n" + TOKEN + "\n");

        assertThat(status).isZero();
        assertThat(Files.readString(dir.resolve("sudo-read"))).isEqualTo("right-pass\n");
        assertThat(Files.readString(dir.resolve("activator-stdin"))).isEqualTo(TOKEN + "\n");
    }

    /** The activation's stdin as the deployer writes it: the gate's go, the password, the token. */
    private int runGated(String rule, String password) throws IOException, InterruptedException {
        String command = HostCommands.gatedActivator(plan(null), "deploy", "root", JAR, List.of("status"), true, false);
        return run(command, rule, HostCommands.go("java") + password + "\n" + HostCommands.activatorGo() + TOKEN + "\n");
    }

    /** Runs {@code command} as sshd would ({@code sh -c}), with the fake sudo and java first on the PATH. */
    private int run(String command, String rule, String stdin) throws IOException, InterruptedException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        write(bin.resolve("sudo"), FAKE_SUDO);
        write(bin.resolve("java"), FAKE_JAVA);
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", command).redirectErrorStream(true);
        builder.environment().put("PATH", bin + ":/usr/bin:/bin");
        builder.environment().put("FAKE_DIR", dir.toString());
        builder.environment().put("FAKE_RULE", rule);
        Process process = builder.start();
        try (OutputStream in = process.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int status = process.waitFor();
        System.out.print(output);
        return status;
    }

    private static Path write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }
}
