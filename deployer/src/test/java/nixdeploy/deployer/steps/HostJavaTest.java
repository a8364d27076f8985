package nixdeploy.deployer.steps;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostJavaTest {

    @Test
    void readsTheSystemThePathAndTheMajorVersionOfOpenJdk() {
        HostJava java = HostJava.parse("system=Linux x86_64\njava=/usr/bin/java\n"
                + "version=openjdk version \"17.0.13\" 2024-10-15\n");
        assertThat(java.system()).isEqualTo("x86_64-linux");
        assertThat(java.path()).contains("/usr/bin/java");
        assertThat(java.major()).isEqualTo(17);
        assertThat(java.suitable()).isTrue();
    }

    @Test
    void javaEightIsOneDotEightAndTooOld() {
        HostJava java = HostJava.parse("system=Linux aarch64\njava=/opt/jdk8/bin/java\n"
                + "version=java version \"1.8.0_392\"\n");
        assertThat(java.system()).isEqualTo("aarch64-linux");
        assertThat(java.major()).isEqualTo(8);
        assertThat(java.suitable()).isFalse();
        assertThat(java.found()).isEqualTo("/opt/jdk8/bin/java: java version \"1.8.0_392\"");
    }

    @Test
    void aVersionWithoutDotsOrWithASuffixCounts() {
        assertThat(HostJava.parse("system=Linux x86_64\njava=/j\nversion=openjdk version \"21\" 2023-09-19").major())
                .isEqualTo(21);
        assertThat(HostJava.parse("system=Linux x86_64\njava=/j\nversion=openjdk version \"25-ea\" 2025-09-16")
                .major()).isEqualTo(25);
    }

    @Test
    void whatALoginShellPrintsAroundTheAnswerIsIgnored() {
        HostJava java = HostJava.parse("Welcome to web1!\nsystem=Linux x86_64\nPicked up JAVA_TOOL_OPTIONS: -Xmx1g\n"
                + "java=/run/current-system/sw/bin/java\nversion=openjdk version \"21.0.5\" 2024-10-15\nbye\n");
        assertThat(java.system()).isEqualTo("x86_64-linux");
        assertThat(java.path()).contains("/run/current-system/sw/bin/java");
        assertThat(java.suitable()).isTrue();
    }

    @Test
    void macOsNamesMapToNixSystems() {
        assertThat(HostJava.parse("system=Darwin arm64").system()).isEqualTo("aarch64-darwin");
        assertThat(HostJava.parse("system=Darwin x86_64").system()).isEqualTo("x86_64-darwin");
    }

    @Test
    void noJavaOrTheMacOsStubIsNotSuitable() {
        HostJava none = HostJava.parse("system=Linux x86_64\n");
        assertThat(none.suitable()).isFalse();
        assertThat(none.path()).isEmpty();
        assertThat(none.found()).isEqualTo("no java on the PATH");
        // the stub prints no version line
        HostJava stub = HostJava.parse("system=Darwin arm64\njava=/usr/bin/java\n");
        assertThat(stub.major()).isZero();
        assertThat(stub.found()).isEqualTo("/usr/bin/java (its version is unknown)");
    }

    @Test
    void anEmptyAnswerIsAnUnknownSystemWithoutJava() {
        HostJava java = HostJava.parse("");
        assertThat(java.system()).isEqualTo("unknown");
        assertThat(java.suitable()).isFalse();
    }

    @Test
    void theProbeAsksForItsAnswersWithPrefixes() {
        assertThat(HostJava.probeCommand()).contains("system=").contains("java=").contains("version=")
                .contains("command -v java");
    }

    @Test
    void theProbeReadsTheVersionFromTheJdksReleaseFileWithoutStartingJava(@TempDir Path dir) throws Exception {
        Path jdk = Files.createDirectories(dir.resolve("jdk/bin"));
        Files.writeString(dir.resolve("jdk/release"), "IMPLEMENTOR=\"Eclipse\"\nJAVA_VERSION=\"21.0.2\"\n"
                + "OS_ARCH=\"" + uname("-m") + "\"\nOS_NAME=\"" + uname("-s") + "\"\n");
        Path java = Files.writeString(jdk.resolve("java"), "#!/bin/sh\ntouch \"$0.ran\"\n");
        java.toFile().setExecutable(true);
        Files.createDirectories(dir.resolve("bin"));
        Files.createSymbolicLink(dir.resolve("bin/java"), java);

        HostJava found = HostJava.parse(runProbe(dir.resolve("bin")));

        assertThat(found.path()).contains(dir.resolve("bin/java").toString());
        assertThat(found.major()).isEqualTo(21);
        assertThat(jdk.resolve("java.ran")).doesNotExist();
    }

    @Test
    void aReleaseFileForAnotherMachineIsNotBelievedTheProbeAsksJavaItself(@TempDir Path dir) throws Exception {
        Path jdk = Files.createDirectories(dir.resolve("jdk/bin"));
        Files.writeString(dir.resolve("jdk/release"), "JAVA_VERSION=\"21.0.2\"\nOS_ARCH=\"sparcv9\"\nOS_NAME=\""
                + uname("-s") + "\"\n");
        Path java = Files.writeString(jdk.resolve("java"), "#!/bin/sh\n"
                + "[ \"$1\" = -version ] && echo 'openjdk version \"11.0.2\" 2019-01-15' >&2\n");
        java.toFile().setExecutable(true);

        HostJava found = HostJava.parse(runProbe(jdk));

        assertThat(found.major()).isEqualTo(11);
    }

    @Test
    void withoutAReleaseFileTheProbeAsksJavaItself(@TempDir Path dir) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path java = Files.writeString(bin.resolve("java"), "#!/bin/sh\n"
                + "[ \"$1\" = -version ] && echo 'openjdk version \"17.0.9\" 2023-10-17' >&2\n");
        java.toFile().setExecutable(true);

        HostJava found = HostJava.parse(runProbe(bin));

        assertThat(found.major()).isEqualTo(17);
        assertThat(found.found()).isEqualTo(java + ": openjdk version \"17.0.9\" 2023-10-17");
    }

    private static String uname(String option) throws Exception {
        Process uname = new ProcessBuilder("uname", option).start();
        return new String(uname.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
    }

    /** Runs the probe's shell with {@code bin} first on the PATH. */
    private static String runProbe(Path bin) throws Exception {
        ProcessBuilder shell = new ProcessBuilder("sh", "-c", HostJava.SCRIPT).redirectErrorStream(true);
        shell.environment().put("PATH", bin + ":/usr/bin:/bin");
        Process process = shell.start();
        String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.waitFor()).isZero();
        return out;
    }

    @Test
    void theAnswerInFrontOfAnotherCommandEndsAtItsEndLineAndNotAByteLater() throws Exception {
        java.io.InputStream out = new java.io.ByteArrayInputStream(("motd\nsystem=Linux x86_64\njava=/j\n"
                + HostJava.END + "\n{\"type\":\"HELLO\"}\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));

        assertThat(HostJava.parse(HostJava.read(out)).path()).contains("/j");
        assertThat(new String(out.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("{\"type\":\"HELLO\"}\n");
    }

    @Test
    void aShellThatEndsBeforeItsAnswerIsAnErrorNotAHostWithoutJava() {
        java.io.InputStream out = new java.io.ByteArrayInputStream("system=Linux x86_64\n".getBytes());

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> HostJava.read(out))
                .isInstanceOf(java.io.EOFException.class);
    }
}
