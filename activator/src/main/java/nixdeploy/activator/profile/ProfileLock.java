package nixdeploy.activator.profile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An exclusive lock on one profile, held while its profile link or journal changes. It is an
 * OS file lock, so it dies with its holder: a crashed activator never leaves a stale lock.
 *
 * <p>POSIX drops every lock a process holds on a file when the process closes <em>any</em>
 * descriptor of that file. So within one JVM (the watcher answers confirmations on other threads)
 * an in-process lock is taken first, and the file is never opened while another thread holds it.
 */
public final class ProfileLock implements AutoCloseable {
    private static final Map<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private final ReentrantLock inProcess;
    private final FileChannel channel;
    private final FileLock lock;

    private ProfileLock(ReentrantLock inProcess, FileChannel channel, FileLock lock) {
        this.inProcess = inProcess;
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock, or empty when another process or thread holds it (then {@link #holder(Path)} says who). */
    public static Optional<ProfileLock> tryAcquire(Path file, String purpose) throws IOException {
        ReentrantLock inProcess = IN_PROCESS.computeIfAbsent(file.toAbsolutePath().normalize(),
                p -> new ReentrantLock());
        if (inProcess.isHeldByCurrentThread() || !inProcess.tryLock()) {
            return Optional.empty();
        }
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
            if (lock == null) {
                channel.close();
                inProcess.unlock();
                return Optional.empty();
            }
            writeHolder(channel, purpose);
            return Optional.of(new ProfileLock(inProcess, channel, lock));
        } catch (IOException | RuntimeException e) {
            inProcess.unlock();
            throw e;
        }
    }

    /** Says who holds the lock, for others' error messages; a full disk must not cost the lock itself. */
    private static void writeHolder(FileChannel channel, String purpose) {
        String holder = "pid " + ProcessHandle.current().pid() + " (" + purpose + ") since " + Instant.now() + "\n";
        try {
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(holder.getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(false);
        } catch (IOException e) {
            // the lock holds all the same; only the note of who holds it is missing
        }
    }

    /** Waits up to {@code patience} for the lock. */
    public static Optional<ProfileLock> acquire(Path file, String purpose, Duration patience) throws IOException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            Optional<ProfileLock> lock = tryAcquire(file, purpose);
            if (lock.isPresent() || System.nanoTime() >= deadline) {
                return lock;
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }

    /** Who holds (or last held) the lock, as its holder wrote it. */
    public static String holder(Path file) {
        ReentrantLock inProcess = IN_PROCESS.computeIfAbsent(file.toAbsolutePath().normalize(),
                p -> new ReentrantLock());
        // opening the file would release the lock if a thread of this process held it: read it only
        // while no thread here can take it
        if (inProcess.isHeldByCurrentThread() || !inProcess.tryLock()) {
            return "pid " + ProcessHandle.current().pid() + " (this process)";
        }
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).trim();
            return text.isEmpty() ? "another process" : text;
        } catch (IOException e) {
            return "another process";
        } finally {
            inProcess.unlock();
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            try {
                channel.close();
            } finally {
                inProcess.unlock();
            }
        }
    }
}
