package nixdeploy.deployer.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import nixdeploy.testhosts.Poll;
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
        state = privateFolder(dir.resolve("state"));
        // records its arguments; as the trainer, writes the archive unless $FAKE_TRAINING_FAILS; exits $FAKE_EXIT
        java = dir.resolve("java");
        Files.writeString(java, "#!/bin/sh\necho \"$@\" >> \"$FAKE_DIR/java-args\"\n"
                + "for a in \"$@\"; do case $a in -XX:ArchiveClassesAtExit=*)\n"
                + "  [ -z \"$FAKE_TRAINING_FAILS\" ] || exit 1; sleep \"${FAKE_TRAINING_SECONDS:-0}\"\n"
                + "  echo classes > \"${a#*=}\"; exit 0 ;; esac; done\n"
                + "exit ${FAKE_EXIT:-0}\n");
        java.toFile().setExecutable(true);
    }

    private boolean trainingFails;
    private int trainingSeconds;

    private int launch(String mode, int exit) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", HostCommands.WITH_CDS, "nixdeploy-cds", mode,
                state.toString(), JAR, java.toString(), "-Xshare:auto", "-jar", JAR, "activate"));
        ProcessBuilder shell = new ProcessBuilder(argv).redirectErrorStream(true);
        shell.environment().put("FAKE_DIR", dir.toString());
        shell.environment().put("FAKE_EXIT", Integer.toString(exit));
        if (trainingFails) {
            shell.environment().put("FAKE_TRAINING_FAILS", "1");
        }
        shell.environment().put("FAKE_TRAINING_SECONDS", Integer.toString(trainingSeconds));
        Process process = shell.start();
        process.getInputStream().readAllBytes();
        return process.waitFor();
    }

    private List<String> javaRuns() throws IOException {
        return Files.readAllLines(dir.resolve("java-args"));
    }

    /** The training runs in the background: waits until {@code runs} java runs are recorded and it is done. */
    private void awaitJavaRuns(int runs) throws IOException, InterruptedException {
        for (int i = 0; i < 500; i++) {
            boolean training = Files.exists(state.resolve("cds/training"));
            if (!training && Files.exists(dir.resolve("java-args")) && javaRuns().size() >= runs) {
                return;
            }
            Thread.sleep(10);
        }
    }

    private static Path privateFolder(Path path) throws IOException {
        return Files.createDirectory(path, PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
    }

    private List<Path> archives() throws IOException {
        try (Stream<Path> files = Files.list(state.resolve("cds"))) {
            return files.toList();
        }
    }

    @Test
    void aSucceededActivationIsFollowedByATrainingWhoseArchiveTheNextRunsMap() throws Exception {
        assertThat(launch("train", 0)).isZero();
        awaitJavaRuns(2);
        assertThat(Files.getPosixFilePermissions(state.resolve("cds"))).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(archives()).hasSize(1).allMatch(a -> a.getFileName().toString().matches("activator-\\d+\\.jsa"));
        Path archive = archives().get(0);

        assertThat(launch("use", 0)).isZero();
        assertThat(launch("train", 0)).isZero();

        assertThat(javaRuns().get(0)).isEqualTo("-Xshare:auto -jar " + JAR + " activate");
        assertThat(javaRuns().get(1)).startsWith("-XX:ArchiveClassesAtExit=" + state.resolve("cds/training/activator.jsa"))
                .endsWith("-jar " + JAR + " load-classes " + state.resolve("cds/training/rehearsal"));
        assertThat(javaRuns().subList(2, 4)).allSatisfy(run -> assertThat(run).isEqualTo("-XX:SharedArchiveFile="
                + archive + " -XX:+VerifySharedSpaces -Xlog:cds=off -Xlog:cds+dynamic=off -Dnixdeploy.cds=" + archive
                + " -Xshare:auto -jar " + JAR + " activate"));
        assertThat(archives()).containsExactly(archive);
    }

    /** A training's lock, owned by process {@code pid} in the boot {@code boot}. */
    private Path lock(long pid, String boot) throws IOException {
        Path lock = privateFolder(state.resolve("cds")).resolve("training");
        Files.createDirectories(lock.resolve("rehearsal"));
        Files.writeString(lock.resolve("owner"), pid + " " + boot + "\n");
        return lock;
    }

    private static String thisBoot() throws IOException {
        Path id = Path.of("/proc/sys/kernel/random/boot_id");
        return Files.exists(id) ? Files.readString(id).strip() : "";
    }

    private static long goneProcess() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        return gone.pid();
    }

    @Test
    void aTrainingOwnsItsLockByItsProcessAndTheBoot() throws Exception {
        trainingSeconds = 2;

        assertThat(launch("train", 0)).isZero();
        Path owner = state.resolve("cds/training/owner");
        Poll.until(() -> Files.exists(owner), "the training's owner file", Duration.ofSeconds(1));
        String[] pidAndBoot = (Files.readString(owner).strip() + " ").split(" ", 2);

        assertThat(ProcessHandle.of(Long.parseLong(pidAndBoot[0])).map(ProcessHandle::isAlive)).contains(true);
        assertThat(pidAndBoot[1].strip()).isEqualTo(thisBoot());
        awaitJavaRuns(2);
        assertThat(state.resolve("cds/training")).doesNotExist();
        assertThat(archives()).hasSize(1);
    }

    @Test
    void anActivationWhileATrainingRunsStartsNoOtherTrainingHoweverLongItTakes() throws Exception {
        Path lock = lock(ProcessHandle.current().pid(), thisBoot());
        Files.setLastModifiedTime(lock, FileTime.from(Instant.now().minus(Duration.ofHours(2))));

        assertThat(launch("train", 0)).isZero();
        Thread.sleep(200);

        assertThat(javaRuns()).containsExactly("-Xshare:auto -jar " + JAR + " activate");
        assertThat(lock.resolve("rehearsal")).isDirectory();
    }

    @Test
    void aLockWhoseTrainingIsGoneIsClearedAndTheActivationTrains() throws Exception {
        lock(goneProcess(), thisBoot());

        assertThat(launch("train", 0)).isZero();
        awaitJavaRuns(2);

        assertThat(javaRuns().get(1)).contains("load-classes");
        assertThat(archives()).hasSize(1).allMatch(a -> a.getFileName().toString().matches("activator-\\d+\\.jsa"));
    }

    @Test
    void aLockFromBeforeTheHostRestartedIsClearedWhateverItsProcessNumberNowNames() throws Exception {
        assumeTrue(!thisBoot().isEmpty(), "Linux's boot id");
        lock(ProcessHandle.current().pid(), "an-earlier-boot");

        assertThat(launch("train", 0)).isZero();
        awaitJavaRuns(2);

        assertThat(javaRuns().get(1)).contains("load-classes");
    }

    @Test
    void aLockWithoutOwnerIsClearedOnlyOnceTenMinutesOld() throws Exception {
        Path lock = privateFolder(state.resolve("cds")).resolve("training");
        Files.createDirectory(lock);

        assertThat(launch("train", 0)).isZero();
        Thread.sleep(200);
        assertThat(javaRuns()).hasSize(1);
        Files.setLastModifiedTime(lock, FileTime.from(Instant.now().minus(Duration.ofMinutes(11))));
        assertThat(launch("train", 0)).isZero();
        awaitJavaRuns(3);

        assertThat(javaRuns().get(2)).contains("load-classes");
    }

    @Test
    void aTrainingThatFailsChangesNotTheActivationsExitAndIsNotRetried() throws Exception {
        trainingFails = true;

        assertThat(launch("train", 0)).isZero();
        awaitJavaRuns(2);
        assertThat(launch("train", 0)).isZero();

        assertThat(javaRuns()).hasSize(3);
        assertThat(javaRuns().get(2)).isEqualTo("-Xshare:auto -jar " + JAR + " activate");
        assertThat(archives()).allMatch(a -> a.getFileName().toString().endsWith(".jsa.failed"));
    }

    @Test
    void aTrainingThatFailedADayAgoIsTriedAgain() throws Exception {
        trainingFails = true;
        assertThat(launch("train", 0)).isZero();
        awaitJavaRuns(2);
        Path failed = archives().get(0);
        Files.setLastModifiedTime(failed, FileTime.from(Instant.now().minus(Duration.ofHours(23))));
        assertThat(launch("train", 0)).isZero();
        assertThat(javaRuns()).hasSize(3);

        trainingFails = false;
        Files.setLastModifiedTime(failed, FileTime.from(Instant.now().minus(Duration.ofHours(25))));
        assertThat(launch("train", 0)).isZero();
        awaitJavaRuns(5);

        assertThat(javaRuns().get(4)).contains("load-classes");
        assertThat(archives()).singleElement().matches(a -> a.getFileName().toString().endsWith(".jsa"));
    }

    @Test
    void aFailedActivationKeepsItsExitStatusAndStartsNoTraining() throws Exception {
        assertThat(launch("train", 4)).isEqualTo(4);
        Thread.sleep(200);

        assertThat(archives()).isEmpty();
        assertThat(javaRuns()).containsExactly("-Xshare:auto -jar " + JAR + " activate");
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
        awaitJavaRuns(2);
        Files.setPosixFilePermissions(state.resolve("cds"), PosixFilePermissions.fromString("rwxrwxrwx"));

        assertThat(launch("use", 0)).isZero();

        assertThat(javaRuns().get(2)).isEqualTo("-Xshare:auto -jar " + JAR + " activate");
    }
}
