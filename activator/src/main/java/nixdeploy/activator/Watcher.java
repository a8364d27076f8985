package nixdeploy.activator;

import java.io.File;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import nixdeploy.activator.profile.Journal;
import nixdeploy.activator.profile.ProfileLock;
import nixdeploy.activator.profile.Token;
import nixdeploy.protocol.ActivatorExit;
import nixdeploy.protocol.DeploymentState;
import nixdeploy.protocol.Event;
import nixdeploy.protocol.EventType;
import nixdeploy.protocol.Events;

/**
 * The process that rolls a deployment back when its deadline passes unconfirmed. It runs detached
 * from the SSH session ({@link WatcherLaunch}: a systemd unit of its own, or a new session with
 * SIGHUP ignored; stdio in a log file) and polls the journal, so it needs neither inotify nor
 * anything but POSIX sh and Java.
 *
 * <p>It is started while the activation still runs, or before it while the deployer copies, so its
 * JVM start costs nothing; until the activator records the deployment it stands by, and leaves
 * when the activator exits without doing so. If the activator dies during the activation, the
 * watcher notices (it can take the profile's lock) and undoes the deployment at once. While it
 * waits for the confirmation it also takes one on a Unix socket in the private state directory,
 * which spares the deployer a JVM start on the host.
 */
final class Watcher {
    private static final long POLL_MILLIS = 100;
    private static final long STANDBY_POLL_MILLIS = 500;
    private static final AtomicInteger LAUNCHES = new AtomicInteger();
    private static final long READY_TIMEOUT_SECONDS = 20;
    private static final int MAX_TOKEN_BYTES = 1024;
    /** A client that connects but sends no token must not hold the watcher up. */
    private static final long READ_TIMEOUT_MILLIS = 10_000;

    /** A started watcher of {@code deploymentId}, not yet known to be ready. */
    record Launched(Path ready, File log, String deploymentId, long launchedNanos) {
    }

    /** A watcher that runs (its process, which a reused pid is not), and its confirmation socket when it has one. */
    record Ready(ProcessHandle process, Optional<String> socket) {
        long pid() {
            return process.pid();
        }
    }

    private Watcher() {}

    /** Starts the watcher for {@code deploymentId}; it waits in standby while the activation runs. */
    static Launched launch(Invocation inv, String deploymentId, long activationTimeout) throws IOException {
        long activatorPid = ProcessHandle.current().pid();
        Path ready = readyFile(inv, deploymentId, activatorPid);
        Files.deleteIfExists(ready);
        List<String> watcher = Main.command("watch",
                "--profile", inv.profile.toString(), "--state-dir", inv.runtime.path().toString(),
                "--deployment", deploymentId, "--activation-timeout", Long.toString(activationTimeout),
                "--activator-pid", Long.toString(activatorPid));
        File log = inv.state.watcherLog(inv.profile).toFile();
        boolean unit = WatcherLaunch.systemdUnitPossible(System.getProperty("user.name"),
                Path.of("/run/systemd/system"), System.getenv("PATH"));
        // a unit name of its own per launch: a restarted activation's watcher, or one that replaces a
        // watcher started before the go, must not clash with the other's
        boolean started = unit && start(WatcherLaunch.command(true, "nixdeploy-watcher-" + deploymentId + "-"
                + activatorPid + "-" + LAUNCHES.incrementAndGet(), System.getenv(), log.toPath(), watcher), log);
        if (unit && !started) {
            inv.out.say("systemd-run could not start the watcher (see " + log + "); starting it in a session of its own");
        }
        if (!started && !start(WatcherLaunch.command(false, "", System.getenv(), log.toPath(), watcher), log)) {
            throw new IOException("could not start the watcher; see " + log);
        }
        return new Launched(ready, log, deploymentId, System.nanoTime());
    }

    /**
     * Whether {@code watcher} guards this invocation's deployment {@code deploymentId}: the same
     * deployment, profile and runtime folder (a profile named by {@code --profile-name} may resolve
     * to another path at the go than before it, once Nix made the per-user profile folder).
     */
    static boolean guards(Launched watcher, Invocation inv, String deploymentId) {
        return watcher.deploymentId().equals(deploymentId)
                && watcher.ready().equals(readyFile(inv, deploymentId, ProcessHandle.current().pid()));
    }

    /** Runs a launch command, which returns once the watcher is on its own; true when it succeeded. */
    private static boolean start(List<String> argv, File log) throws IOException {
        Process launcher = new ProcessBuilder(argv)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log))
                .redirectErrorStream(true)
                .start();
        try {
            if (!launcher.waitFor(10, TimeUnit.SECONDS)) {
                launcher.destroyForcibly();
                return false;
            }
            return launcher.exitValue() == 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting the watcher", e);
        }
    }

    /** Waits until the watcher runs and says where it takes confirmations. */
    static Ready awaitReady(Launched watcher) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_TIMEOUT_SECONDS);
        Optional<Ready> ready;
        while ((ready = ready(watcher)).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IOException("the watcher did not start within " + READY_TIMEOUT_SECONDS + " s; see "
                        + watcher.log());
            }
            sleep(5);
        }
        return ready.get();
    }

    /**
     * The watcher if it is ready now; empty while it may still be starting; an error when it is
     * gone, or was started long enough ago that it should have been ready.
     */
    static Optional<Ready> readyNow(Launched watcher) throws IOException {
        Optional<Ready> ready = ready(watcher);
        if (ready.isPresent()) {
            return ready;
        }
        if (System.nanoTime() - watcher.launchedNanos() > TimeUnit.SECONDS.toNanos(READY_TIMEOUT_SECONDS)) {
            throw new IOException("it did not start within " + READY_TIMEOUT_SECONDS + " s; see " + watcher.log());
        }
        return Optional.empty();
    }

    /**
     * The watcher that this activator started, once its ready file is there; empty before, and
     * while the file is another activator's (a first attempt's watcher of the same deployment).
     */
    private static Optional<Ready> ready(Launched watcher) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(watcher.ready());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        if (lines.size() < 3 || !lines.get(2).trim().equals(Long.toString(ProcessHandle.current().pid()))) {
            return Optional.empty();
        }
        long pid = Long.parseLong(lines.get(0).trim());
        ProcessHandle process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(p -> watches(p, watcher.deploymentId()))
                .orElseThrow(() -> new IOException("the watcher (pid " + pid + ") exited; see " + watcher.log()));
        return Optional.of(new Ready(process, lines.get(1).isBlank() ? Optional.empty()
                : Optional.of(lines.get(1).trim())));
    }

    /** The same watcher still runs (its handle knows its start time, so a reused pid does not pass). */
    static Ready stillRunning(Ready ready, Launched watcher) throws IOException {
        if (!ready.process().isAlive() || !watches(ready.process(), watcher.deploymentId())) {
            throw new IOException("the watcher (pid " + ready.pid() + ") is gone; see " + watcher.log());
        }
        return ready;
    }

    /**
     * Whether {@code process} is a watcher of {@code deploymentId}. Where its arguments cannot be
     * read, whether it has a command at all: a zombie (killed, not yet reaped by a lax init) has
     * neither, and counts as gone, as ProcessHandle.isAlive alone would not.
     */
    private static boolean watches(ProcessHandle process, String deploymentId) {
        ProcessHandle.Info info = process.info();
        return info.arguments().map(args -> List.of(args).contains(deploymentId))
                .orElse(info.command().isPresent());
    }

    /** The watcher's own loop: returns when the deployment is confirmed, rolled back, or replaced. */
    static ActivatorExit watch(Invocation inv, String deploymentId, long activationTimeout, long activatorPid)
            throws ActivatorException, IOException {
        // taken first: its handle knows the activator's start time, so a reused pid never passes for it
        Optional<ProcessHandle> activator = ProcessHandle.of(activatorPid);
        Path ready = readyFile(inv, deploymentId, activatorPid);
        Path socketPath = inv.runtime.confirmSocket(inv.profile, deploymentId);
        long pid = ProcessHandle.current().pid();
        List<Thread> handlers = new ArrayList<>();
        Object socketFile = null;
        try (Selector selector = Selector.open(); ServerSocketChannel server = listen(inv, socketPath, selector)) {
            socketFile = server == null ? null : fileKey(socketPath);
            Path temp = ready.resolveSibling(ready.getFileName() + "." + pid + ".tmp");
            Files.writeString(temp, pid + "\n" + (server == null ? "" : socketPath) + "\n" + activatorPid + "\n");
            Files.move(temp, ready, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            inv.out.say("watching deployment " + deploymentId + " of " + inv.profile);
            return loop(inv, deploymentId, activationTimeout, activator, selector, handlers);
        } catch (IOException | RuntimeException | ActivatorException e) {
            inv.out.say("the watcher failed (" + e + "); rolling back what it guards before it exits");
            return rollBackIfStillPending(inv, deploymentId, activationTimeout, true);
        } finally {
            // a confirmation being answered may be rolling back a late deployment: never cut it short
            joinAll(handlers);
            // only its own: another watcher of the same deployment (a restarted activation's) may own them now
            if (socketFile != null && socketFile.equals(fileKey(socketPath))) {
                Files.deleteIfExists(socketPath);
            }
            if (firstLine(ready).equals(Long.toString(pid))) {
                Files.deleteIfExists(ready);
            }
        }
    }

    /**
     * Where a watcher says it runs: one file per deployment and activator, so the watcher of a
     * restarted activation (a first attempt's may still be about) never shares it.
     */
    private static Path readyFile(Invocation inv, String deploymentId, long activatorPid) {
        return inv.runtime.watcherReady(inv.profile, deploymentId + "." + activatorPid);
    }

    private static String firstLine(Path file) {
        try {
            return Files.readAllLines(file).stream().findFirst().orElse("").trim();
        } catch (IOException e) {
            return "";
        }
    }

    /** The file's identity (device and inode), or null when it is gone. */
    private static Object fileKey(Path file) {
        try {
            return Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class,
                    java.nio.file.LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    private static ActivatorExit loop(Invocation inv, String deploymentId, long activationTimeout,
            Optional<ProcessHandle> activator, Selector selector, List<Thread> handlers)
            throws ActivatorException, IOException {
        boolean begun = false;
        while (true) {
            // alive before the journal is read: an activator that records the deployment and then dies
            // is seen as having recorded it
            boolean activatorAlive = !begun && activator.map(ProcessHandle::isAlive).orElse(false);
            Optional<Journal> journal = Recovery.readJournal(inv.state.journal(inv.profile));
            boolean mine = journal.isPresent() && deploymentId.equals(journal.get().deploymentId);
            if (!mine && !begun && activatorAlive) {
                // started before the activator recorded the deployment (perhaps before its go, while the
                // deployer copies): stand by; its death during the activation is found through the lock
                acceptConfirmations(inv, selector, STANDBY_POLL_MILLIS, activationTimeout, handlers);
                continue;
            }
            begun = true;
            if (!mine || journal.get().state.isFinal()) {
                inv.out.say("deployment " + deploymentId + " is "
                        + journal.map(j -> j.state.toString()).orElse("gone") + "; watcher done");
                return ActivatorExit.OK;
            }
            long wait = POLL_MILLIS;
            if (journal.get().state == DeploymentState.ACTIVATING) {
                // only the activator's death (decided under the lock) ends the wait: never a timer
                if (activatorDied(inv, activationTimeout)) {
                    return ActivatorExit.OK;
                }
            } else {
                long left = journal.get().millisLeft(inv.clock);
                if (left <= 0) {
                    return rollBackIfStillPending(inv, deploymentId, activationTimeout, false);
                }
                wait = Math.min(POLL_MILLIS, left);
            }
            acceptConfirmations(inv, selector, wait, activationTimeout, handlers);
        }
    }

    private static void joinAll(List<Thread> handlers) {
        for (Thread handler : handlers) {
            try {
                handler.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static ServerSocketChannel listen(Invocation inv, Path socketPath, Selector selector) {
        try {
            Files.deleteIfExists(socketPath);
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socketPath));
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
            return server;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            inv.out.say("no confirmation socket (" + e.getMessage() + "); confirm through the confirm command");
            return null;
        }
    }

    private static void acceptConfirmations(Invocation inv, Selector selector, long waitMillis,
            long activationTimeout, List<Thread> handlers) throws IOException {
        if (selector.select(Math.max(1, waitMillis)) == 0) {
            return;
        }
        for (SelectionKey key : selector.selectedKeys()) {
            SocketChannel client = ((ServerSocketChannel) key.channel()).accept();
            if (client != null) {
                Thread handler = new Thread(() -> answer(inv, client, activationTimeout), "confirmation");
                handlers.add(handler);
                handler.start();
            }
        }
        selector.selectedKeys().clear();
    }

    /** Reads a token line, confirms with it, and answers with the RESULT event as one JSON line. */
    private static void answer(Invocation inv, SocketChannel client, long activationTimeout) {
        try (client) {
            client.configureBlocking(true);
            Event result;
            try {
                String token = readLine(client);
                if (token == null) {
                    throw new ActivatorException(ActivatorExit.BAD_INPUT, "no token on the confirmation socket");
                }
                result = Confirmation.confirm(inv, validToken(token), activationTimeout);
                inv.out.say(result.message + " (through the confirmation socket)");
            } catch (ActivatorException e) {
                result = Event.of(EventType.RESULT).exitCode(e.exit().code).message(e.getMessage());
                inv.out.say("confirmation refused: " + e.getMessage());
            }
            client.write(ByteBuffer.wrap((Events.encode(result) + "\n").getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            inv.out.say("confirmation connection failed: " + e.getMessage());
        }
    }

    private static String validToken(String line) throws ActivatorException {
        try {
            return Token.parse(line);
        } catch (IOException e) {
            throw new ActivatorException(ActivatorExit.BAD_INPUT, e.getMessage());
        }
    }

    /** The first line a client sends, or null when it sends none within {@link #READ_TIMEOUT_MILLIS}. */
    private static String readLine(SocketChannel client) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(MAX_TOKEN_BYTES);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READ_TIMEOUT_MILLIS);
        client.configureBlocking(false);
        try (Selector selector = Selector.open()) {
            client.register(selector, SelectionKey.OP_READ);
            while (buffer.hasRemaining()) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return null;
                }
                selector.select(left);
                selector.selectedKeys().clear();
                if (client.read(buffer) < 0) {
                    break;
                }
                for (int i = 0; i < buffer.position(); i++) {
                    if (buffer.get(i) == '\n') {
                        return new String(buffer.array(), 0, i, StandardCharsets.UTF_8);
                    }
                }
            }
        } finally {
            client.configureBlocking(true);
        }
        return null;
    }

    /** True when the activation's own process is gone (its lock is free) and its deployment was settled. */
    private static boolean activatorDied(Invocation inv, long activationTimeout)
            throws ActivatorException, IOException {
        Optional<ProfileLock> lock = ProfileLock.tryAcquire(inv.lockFile(), "watcher");
        if (lock.isEmpty()) {
            return false;
        }
        try (ProfileLock held = lock.get()) {
            Optional<Journal> journal = Recovery.readJournal(inv.state.journal(inv.profile));
            if (journal.isPresent() && journal.get().state == DeploymentState.ACTIVATING) {
                inv.out.say("the activator died while activating; settling its deployment");
                Recovery.settle(inv, activationTimeout);
                return true;
            }
            return false;
        }
    }

    /**
     * Rolls the deployment back if it still awaits confirmation and its window has closed, or, when
     * the watcher cannot go on guarding it ({@code evenBeforeDeadline}), if it is still pending at
     * all. Waits for the lock as long as it takes: the watcher is the host's last line of defence.
     */
    private static ActivatorExit rollBackIfStillPending(Invocation inv, String deploymentId, long activationTimeout,
            boolean evenBeforeDeadline) throws ActivatorException, IOException {
        try (ProfileLock lock = lockEventually(inv, "watcher of deployment " + deploymentId)) {
            Optional<Journal> found = Recovery.readJournal(inv.state.journal(inv.profile));
            if (found.isEmpty() || !deploymentId.equals(found.get().deploymentId) || found.get().state.isFinal()) {
                inv.out.say("deployment " + deploymentId + " was settled by someone else");
                return ActivatorExit.OK;
            }
            Journal journal = found.get();
            String why;
            if (journal.awaitingPast(inv.clock)) {
                why = "not confirmed before the deadline " + Instant.ofEpochMilli(journal.deadline);
            } else if (evenBeforeDeadline) {
                why = "its watcher failed and could not guard it any longer";
            } else {
                return ActivatorExit.OK;
            }
            inv.out.say(Recovery.rollBack(inv, journal, activationTimeout, why));
            return ActivatorExit.ROLLED_BACK;
        }
    }

    private static ProfileLock lockEventually(Invocation inv, String purpose) throws ActivatorException, IOException {
        while (true) {
            try {
                return inv.lockPatiently(purpose);
            } catch (ActivatorException e) {
                if (e.exit() != ActivatorExit.LOCKED) {
                    throw e;
                }
                inv.out.say(e.getMessage() + "; still waiting for it");
            }
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
