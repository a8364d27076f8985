package nixdeploy.activator;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import nixdeploy.activator.profile.Journal;
import nixdeploy.activator.profile.ProfileLock;
import nixdeploy.protocol.ActivatorExit;
import nixdeploy.protocol.DeploymentState;

/**
 * The process that rolls a deployment back when its deadline passes unconfirmed. It runs detached
 * from the SSH session (own session where {@code setsid} exists, SIGHUP ignored, stdio in a log
 * file) and polls the journal, so it needs neither inotify nor anything but POSIX sh and Java.
 */
final class Watcher {
    private static final long POLL_MILLIS = 100;
    private static final long READY_TIMEOUT_SECONDS = 20;
    private static final String DETACH = "trap '' HUP INT; "
            + "if command -v setsid >/dev/null 2>&1; then exec setsid \"$@\"; fi; exec \"$@\"";

    private Watcher() {}

    /** Starts the watcher for {@code deploymentId} and returns its pid once it runs. */
    static long launch(Invocation inv, String deploymentId, long activationTimeout) throws IOException {
        Path ready = inv.state.watcherReady(inv.profile, deploymentId);
        Files.deleteIfExists(ready);
        List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", DETACH, "nixdeploy-watcher",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx48m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "watch",
                "--profile", inv.profile.toString(), "--state-dir", inv.state.path().toString(),
                "--deployment", deploymentId, "--activation-timeout", Long.toString(activationTimeout)));
        File log = inv.state.watcherLog(inv.profile).toFile();
        Process process = new ProcessBuilder(argv)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log))
                .redirectErrorStream(true)
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_TIMEOUT_SECONDS);
        while (!Files.exists(ready)) {
            if (!process.isAlive()) {
                throw new IOException("the watcher exited with status " + process.exitValue() + "; see " + log);
            }
            if (System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IOException("the watcher did not start within " + READY_TIMEOUT_SECONDS + " s; see " + log);
            }
            sleep(5);
        }
        return process.pid();
    }

    /** The watcher's own loop: returns when the deployment is confirmed, rolled back, or replaced. */
    static ActivatorExit watch(Invocation inv, String deploymentId, long activationTimeout)
            throws ActivatorException, IOException {
        Path ready = inv.state.watcherReady(inv.profile, deploymentId);
        Files.writeString(ready, Long.toString(ProcessHandle.current().pid()));
        inv.out.say("watching deployment " + deploymentId + " of " + inv.profile);
        try {
            while (true) {
                Optional<Journal> journal = Recovery.readJournal(inv.state.journal(inv.profile));
                if (journal.isEmpty() || !deploymentId.equals(journal.get().deploymentId)
                        || journal.get().state != DeploymentState.AWAITING) {
                    inv.out.say("deployment " + deploymentId + " is "
                            + journal.map(j -> j.state.toString()).orElse("gone") + "; watcher done");
                    return ActivatorExit.OK;
                }
                long left = journal.get().deadline - System.currentTimeMillis();
                if (left <= 0) {
                    return rollBackIfStillPending(inv, deploymentId, activationTimeout);
                }
                sleep(Math.min(POLL_MILLIS, left));
            }
        } finally {
            Files.deleteIfExists(ready);
        }
    }

    private static ActivatorExit rollBackIfStillPending(Invocation inv, String deploymentId, long activationTimeout)
            throws ActivatorException, IOException {
        try (ProfileLock lock = inv.lockPatiently("watcher of deployment " + deploymentId)) {
            Optional<Journal> journal = Recovery.readJournal(inv.state.journal(inv.profile));
            if (journal.isPresent() && deploymentId.equals(journal.get().deploymentId)
                    && journal.get().awaitingPast(System.currentTimeMillis())) {
                String done = Recovery.rollBack(inv, journal.get(), activationTimeout,
                        "not confirmed before the deadline " + Instant.ofEpochMilli(journal.get().deadline));
                inv.out.say(done);
                return ActivatorExit.ROLLED_BACK;
            }
            inv.out.say("deployment " + deploymentId + " was settled by someone else");
            return ActivatorExit.OK;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
