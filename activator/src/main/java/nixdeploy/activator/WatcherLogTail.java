package nixdeploy.activator;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** The end of a watcher's log, for a deployer that keeps logs ({@code --log-dir}). */
final class WatcherLogTail {
    static final int MAX_BYTES = 64 * 1024;

    private WatcherLogTail() {}

    /** The last {@link #MAX_BYTES} of {@code log}, marked when cut; null when there is no log. */
    static String read(Path log) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long length = file.length();
            long from = Math.max(0, length - MAX_BYTES);
            byte[] tail = new byte[(int) (length - from)];
            file.seek(from);
            file.readFully(tail);
            String text = new String(tail, StandardCharsets.UTF_8);
            return from == 0 ? text : "[first " + from + " bytes left out]\n" + text;
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            return null;
        }
    }
}
