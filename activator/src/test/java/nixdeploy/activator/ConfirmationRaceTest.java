package nixdeploy.activator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import nixdeploy.activator.profile.FakeClock;
import nixdeploy.activator.profile.Journal;
import nixdeploy.activator.profile.Profile;
import nixdeploy.activator.profile.ProfileLock;
import nixdeploy.activator.profile.StateDir;
import nixdeploy.activator.profile.Token;
import nixdeploy.protocol.ActivatorExit;
import nixdeploy.protocol.DeploymentState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A confirmation and the watcher's deadline meet, on an injected clock, a few milliseconds either
 * side of the deadline: exactly one wins every time, and what the confirmer hears agrees with the
 * journal and the profile. (The first deployment of a profile, so undoing it needs no Nix command.)
 */
class ConfirmationRaceTest {
    private static final String TOKEN = "a".repeat(64);

    @TempDir
    Path dir;

    private final FakeClock clock = new FakeClock();
    private final ExecutorService pool = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void exactlyOneOfConfirmationAndDeadlineWinsAroundTheDeadline() throws Exception {
        for (int round = 0; round < 50; round++) {
            long offsetMillis = round % 7 - 3;
            Invocation inv = awaitingFirstDeployment("round" + round);
            clock.monotonicNanos += offsetMillis * 1_000_000L;
            CountDownLatch start = new CountDownLatch(1);

            Future<Object> confirmer = pool.submit(() -> {
                start.await();
                try {
                    return Confirmation.confirm(inv, TOKEN, 10).state;
                } catch (ActivatorException e) {
                    return e.exit();
                }
            });
            Future<Object> watcher = pool.submit(settle(inv, start));
            start.countDown();
            Object heard = confirmer.get(10, TimeUnit.SECONDS);
            watcher.get(10, TimeUnit.SECONDS);

            Journal journal = inv.state.journal(inv.profile).read().orElseThrow();
            if (offsetMillis < 0) {
                assertThat(heard).as("round %d, %d ms before the deadline", round, -offsetMillis)
                        .isEqualTo(DeploymentState.CONFIRMED);
                assertThat(journal.state).isEqualTo(DeploymentState.CONFIRMED);
                assertThat(inv.profile.currentGeneration()).contains(1L);
            } else {
                assertThat(heard).as("round %d, %d ms after the deadline", round, offsetMillis)
                        .isEqualTo(ActivatorExit.ROLLED_BACK);
                assertThat(journal.state).isEqualTo(DeploymentState.ROLLED_BACK);
                assertThat(inv.profile.exists()).isFalse();
            }
        }
    }

    @Test
    void aConfirmationAfterTheWallClockSteppedBackHoursIsStillTooLate() throws Exception {
        Invocation inv = awaitingFirstDeployment("stepped");
        clock.wallMillis -= 5 * 3600_000L;
        clock.monotonicNanos += 1_000_000L;

        ActivatorExit heard;
        try {
            Confirmation.confirm(inv, TOKEN, 10);
            heard = ActivatorExit.OK;
        } catch (ActivatorException e) {
            heard = e.exit();
        }

        assertThat(heard).isEqualTo(ActivatorExit.ROLLED_BACK);
        assertThat(inv.profile.exists()).isFalse();
    }

    /** What the watcher and every later activator run do: settle under the lock. */
    private Callable<Object> settle(Invocation inv, CountDownLatch start) {
        return () -> {
            start.await();
            try (ProfileLock lock = inv.lockPatiently("watcher")) {
                return Recovery.settle(inv, 10).map(j -> j.state).orElse(null);
            }
        };
    }

    /** A profile at its first generation, awaiting confirmation; the clock then stands at the deadline. */
    private Invocation awaitingFirstDeployment(String name) throws IOException {
        Path profiles = Files.createDirectories(dir.resolve(name));
        Profile profile = new Profile(profiles.resolve("p"));
        Files.createSymbolicLink(profile.generationLink(1), Path.of("/nix/store/" + "b".repeat(32) + "-p"));
        Files.createSymbolicLink(profile.path(), profile.generationLink(1).getFileName());
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        PrintStream quiet = new PrintStream(sink, true);
        Invocation inv = new Invocation(profile, StateDir.open(profiles.resolve("state")), new Output(quiet, quiet),
                clock);
        Journal journal = new Journal();
        journal.deploymentId = "0123456789abcdef";
        journal.profile = profile.toString();
        journal.closure = "/nix/store/" + "b".repeat(32) + "-p";
        journal.newGeneration = 1L;
        journal.createdGeneration = true;
        journal.generationsBefore = new ArrayList<>();
        journal.tokenHash = Token.hash(TOKEN);
        journal.openWindow(clock, 30);
        inv.state.journal(profile).write(journal);
        clock.advanceMillis(30_000);
        return inv;
    }
}
