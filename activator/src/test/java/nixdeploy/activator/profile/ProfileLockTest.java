package nixdeploy.activator.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileLockTest {
    @TempDir
    Path tmp;

    Process holder;

    @AfterEach
    void stopHolder() throws InterruptedException {
        if (holder != null) {
            holder.destroyForcibly().waitFor();
        }
    }

    // The holder text is read only after close: a process that opens and closes the lock file while
    // holding the lock loses it (POSIX fcntl semantics), so holder(Path) is for the waiting side.
    @Test
    void freeLockIsAcquiredAndNamesItsHolder() throws IOException {
        Path file = tmp.resolve("p.lock");

        ProfileLock.tryAcquire(file, "activate /nix/store/x").orElseThrow().close();

        assertThat(ProfileLock.holder(file))
                .startsWith("pid " + ProcessHandle.current().pid() + " (activate /nix/store/x) since ");
    }

    @Test
    void releasedLockCanBeTakenAgain() throws IOException {
        Path file = tmp.resolve("p.lock");
        ProfileLock.tryAcquire(file, "first").orElseThrow().close();

        ProfileLock.tryAcquire(file, "second").orElseThrow().close();

        assertThat(ProfileLock.holder(file)).contains("(second)").doesNotContain("(first)");
    }

    @Test
    void lockHeldByAnotherProcessIsRefusedAndItsHolderNamed() throws Exception {
        Path file = tmp.resolve("p.lock");
        holder = holdInChild(file, "confirm");

        assertThat(ProfileLock.tryAcquire(file, "activate")).isEmpty();
        assertThat(ProfileLock.holder(file)).startsWith("pid " + holder.pid() + " (confirm)");
    }

    @Test
    void acquireGivesUpAfterItsPatience() throws Exception {
        Path file = tmp.resolve("p.lock");
        holder = holdInChild(file, "confirm");
        long start = System.nanoTime();

        assertThat(ProfileLock.acquire(file, "activate", Duration.ofMillis(200))).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
    }

    @Test
    void acquireWaitsUntilTheHolderLetsGo() throws Exception {
        Path file = tmp.resolve("p.lock");
        holder = holdInChild(file, "confirm");

        holder.getOutputStream().close();
        Optional<ProfileLock> lock = ProfileLock.acquire(file, "activate", Duration.ofSeconds(20));

        assertThat(lock).isPresent();
        lock.get().close();
        assertThat(holder.waitFor()).as("exit status of the lock holder").isZero();
    }

    @Test
    void lockDiesWithAKilledHolder() throws Exception {
        Path file = tmp.resolve("p.lock");
        holder = holdInChild(file, "activate");

        holder.destroyForcibly();
        assertThat(holder.waitFor(20, TimeUnit.SECONDS)).isTrue();

        Optional<ProfileLock> lock = ProfileLock.tryAcquire(file, "recover");

        assertThat(lock).isPresent();
        lock.get().close();
    }

    @Test
    void holderOfAMissingOrEmptyLockFileIsAnotherProcess() throws IOException {
        assertThat(ProfileLock.holder(tmp.resolve("missing.lock"))).isEqualTo("another process");
        assertThat(ProfileLock.holder(Files.createFile(tmp.resolve("empty.lock"))))
                .isEqualTo("another process");
    }

    /** Starts a JVM that takes the lock, and returns once it holds it. */
    private static Process holdInChild(Path file, String purpose) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                LockHolder.class.getName(), file.toString(), purpose)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        assertThat(line).as("first line of the lock holder").isEqualTo(LockHolder.READY);
        return child;
    }
}
