package nixdeploy.deployer.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The activator's launch with its class-data archive ({@link HostCommands#WITH_CDS}), run by a real shell. */
class ActivatorClassDataTest {
    private static final String JAR = "/nix/store/0123456789abcdfghijklmnpqrsvwxyz-activator.jar";

    @TempDir
    Path dir;
    private Path state;
    private Path java;

    @BeforeEach
    void fakeJava() throws IOException, InterruptedException {
        Process id = new ProcessBuilder("id", "-u").start();
        assumeTrue(new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip().equals("0"),
                "archives are root's only: run as root, as CI does");
        state = Files.createDirectory(dir.resolve("state"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        // records its arguments; writes the archive it is asked to write at exit; exits $FAKE_EXIT
        java = dir.resolve("java");
        Files.writeString(java, "#!/bin/sh\necho \"$@\" >> \"$FAKE_DIR/java-args\"\n"
                + "for a in \"$@\"; do case $a in -XX:ArchiveClassesAtExit=*) echo classes > \"${a#*=}\" ;; esac; done\n"
                + "exit ${FAKE_EXIT:-0}\n");
        java.toFile().setExecutable(true);
    }

    private int launch(String mode, int exit) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", HostCommands.WITH_CDS, "nixdeploy-cds", mode,
                state.toString(), JAR, java.toString(), "-Xshare:auto", "-jar", JAR, "activate"));
        ProcessBuilder shell = new ProcessBuilder(argv).redirectErrorStream(true);
        shell.environment().put("FAKE_DIR", dir.toString());
        shell.environment().put("FAKE_EXIT", Integer.toString(exit));
        Process process = shell.start();
        process.getInputStream().readAllBytes();
        return process.waitFor();
    }

    private List<String> javaRuns() throws IOException {
        return Files.readAllLines(dir.resolve("java-args"));
    }

    private List<Path> archives() throws IOException {
        try (Stream<Path> files = Files.list(state.resolve("cds"))) {
            return files.toList();
        }
    }

    @Test
    void anActivationWritesTheArchiveThatTheNextRunsMap() throws Exception {
        assertThat(launch("train", 0)).isZero();
        assertThat(Files.getPosixFilePermissions(state.resolve("cds"))).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(archives()).hasSize(1).allMatch(a -> a.getFileName().toString().matches("activator-\\d+\\.jsa"));
        Path archive = archives().get(0);

        assertThat(launch("use", 0)).isZero();
        assertThat(launch("train", 0)).isZero();

        assertThat(javaRuns().get(0)).startsWith("-XX:ArchiveClassesAtExit=" + archive + ".")
                .endsWith("-Xshare:auto -jar " + JAR + " activate");
        assertThat(javaRuns().subList(1, 3)).allSatisfy(run -> assertThat(run).startsWith("-XX:SharedArchiveFile="
                + archive + " -XX:+VerifySharedSpaces -Xlog:cds=off -Xlog:cds+dynamic=off -Dnixdeploy.cds=" + archive
                + " -Xshare:auto -jar " + JAR + " activate"));
        assertThat(archives()).containsExactly(archive);
    }

    @Test
    void aFailedActivationKeepsNoArchiveAndItsExitStatus() throws Exception {
        assertThat(launch("train", 4)).isEqualTo(4);

        assertThat(archives()).isEmpty();
    }

    @Test
    void otherCommandsNeitherMakeTheFolderNorWriteAnArchive() throws Exception {
        assertThat(launch("use", 0)).isZero();

        assertThat(state.resolve("cds")).doesNotExist();
        assertThat(javaRuns()).containsExactly("-Xshare:auto -jar " + JAR + " activate");
    }

    @Test
    void aStateFolderOthersCanEnterIsNotTrustedWithArchives() throws Exception {
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxr-xr-x"));

        assertThat(launch("train", 0)).isZero();
        assertThat(launch("train", 0)).isZero();

        assertThat(state.resolve("cds")).doesNotExist();
        assertThat(javaRuns()).containsOnly("-Xshare:auto -jar " + JAR + " activate");
    }

    @Test
    void anArchiveFolderOthersCanWriteIsNotUsed() throws Exception {
        assertThat(launch("train", 0)).isZero();
        Files.setPosixFilePermissions(state.resolve("cds"), PosixFilePermissions.fromString("rwxrwxrwx"));

        assertThat(launch("use", 0)).isZero();

        assertThat(javaRuns().get(1)).isEqualTo("-Xshare:auto -jar " + JAR + " activate");
    }
}
