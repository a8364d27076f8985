package nixdeploy.activator;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import nixdeploy.activator.profile.CommandRunner;
import nixdeploy.activator.profile.HostClock;
import nixdeploy.activator.profile.Journal;
import nixdeploy.activator.profile.Profile;
import nixdeploy.activator.profile.ProfileLock;
import nixdeploy.activator.profile.StateDir;
import nixdeploy.activator.profile.Token;
import nixdeploy.protocol.DeploymentId;
import nixdeploy.protocol.DeploymentState;
import nixdeploy.protocol.Event;
import nixdeploy.protocol.EventType;

/**
 * What the class-data archive's training JVM ({@code load-classes}) runs after loading the jar: the
 * paths an activation and its watcher take through the JDK (a profile read and locked, a journal
 * written and read, a command run, random numbers and a digest, the boot's id, a watcher standing
 * up and leaving, a line over a local socket), so that their classes and lambdas come from the
 * archive as well. All of it on a throwaway profile and state folder in a private folder of its
 * own, deleted after; no other profile, journal or state is read or changed.
 */
final class Rehearsal {
    private Rehearsal() {}

    /** Rehearses in {@code folder}, which must not exist (made private, then deleted), or in a new temporary one. */
    static void run(Optional<Path> folder) throws IOException, ActivatorException {
        FileAttribute<?> private0700 = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
        Path dir = folder.isPresent() ? Files.createDirectory(folder.get(), private0700)
                : Files.createTempDirectory("nixdeploy-rehearsal-", private0700);
        try {
            rehearse(dir);
        } finally {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }

    private static void rehearse(Path dir) throws IOException, ActivatorException {
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        Profile profile = new Profile(dir.resolve("profile"));
        Files.createSymbolicLink(profile.generationLink(1), Files.createDirectory(dir.resolve("generation-1")));
        Files.createSymbolicLink(profile.path(), profile.generationLink(1).getFileName());
        StateDir state = StateDir.open(dir.resolve("state"));
        Invocation inv = new Invocation(profile, state, new Output(nowhere, nowhere), HostClock.SYSTEM);
        String deploymentId = DeploymentId.random();
        try (ProfileLock lock = inv.lockNow("rehearsal")) {
            Journal journal = new Journal();
            journal.deploymentId = deploymentId;
            journal.profile = profile.toString();
            journal.previousGeneration = profile.currentGeneration().orElse(null);
            journal.previousTarget = profile.generationTarget(1).orElse(null);
            journal.generationsBefore = new ArrayList<>(profile.generations());
            journal.state = DeploymentState.ACTIVATING;
            state.journal(profile).write(journal);
            inv.recordState();
            CommandRunner.run(List.of("/bin/sh", "-c", "echo rehearsal"), Map.of(), dir, 10, line -> { });
            journal.tokenHash = Token.hash(DeploymentId.random() + DeploymentId.random());
            journal.openWindow(inv.clock, 30);
            state.journal(profile).write(journal);
            journal.state = DeploymentState.CONFIRMED;
            state.journal(profile).write(journal);
            inv.out.report(Event.of(EventType.SWITCHED).generation(1L).previousGeneration(1L), "rehearsal");
        }
        // the watcher of a deployment that has ended stands up (socket, ready file) and leaves; its
        // activator is a pid no process has, so that it never stands by for one
        Watcher.watch(inv, deploymentId, 30, Long.MAX_VALUE);
        ProcessHandle.current().info().arguments();
        exchangeLine(dir.resolve("socket"));
    }

    /** A line over a local socket, as a confirmation arrives at its watcher. */
    private static void exchangeLine(Path socket) throws IOException {
        try (Selector selector = Selector.open();
                ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                client.write(ByteBuffer.wrap("rehearsal\n".getBytes(StandardCharsets.UTF_8)));
                selector.select(1000);
                try (SocketChannel accepted = server.accept()) {
                    if (accepted != null) {
                        accepted.read(ByteBuffer.allocate(64));
                    }
                }
            }
        } finally {
            Files.deleteIfExists(socket);
        }
    }
}
