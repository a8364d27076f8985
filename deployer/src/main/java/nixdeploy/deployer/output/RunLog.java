package nixdeploy.deployer.output;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code --log-dir}: one run's files in a folder, named after the run's start so runs never
 * overwrite each other: {@code deploy-<start>.log} holds every line the deployer printed, each
 * with its instant, and {@code deploy-<start>.<node.profile>.activation.log} what that profile's
 * activation (or build on the host) printed on the host, and, for a deployment that ended
 * unconfirmed, {@code deploy-<start>.<node.profile>.watcher.log} the end of the host watcher's log.
 */
public final class RunLog implements AutoCloseable {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final Path dir;
    private final String prefix;
    private final PrintWriter main;
    private final Map<String, PrintWriter> profiles = new LinkedHashMap<>();

    private RunLog(Path dir, String prefix) throws IOException {
        this.dir = dir;
        this.prefix = prefix;
        this.main = writer(dir.resolve(prefix + ".log"));
    }

    /** Creates {@code dir} if needed and opens this run's log in it. */
    public static RunLog open(Path dir) throws IOException {
        Files.createDirectories(dir);
        String prefix = "deploy-" + LocalDateTime.now().format(STAMP) + "-" + ProcessHandle.current().pid();
        return new RunLog(dir, prefix);
    }

    /** This run's main log file. */
    public Path mainLog() {
        return dir.resolve(prefix + ".log");
    }

    /** The file holding what {@code who}'s activation printed (a name safe in any file system). */
    public Path activationLog(String who) {
        return profileFile(who, "activation");
    }

    /** The file holding the end of {@code who}'s watcher log, fetched from the host. */
    public Path watcherLog(String who) {
        return profileFile(who, "watcher");
    }

    synchronized void saveWatcherLog(String who, String text) throws IOException {
        Files.writeString(watcherLog(who), text, StandardCharsets.UTF_8);
    }

    private Path profileFile(String who, String kind) {
        return dir.resolve(prefix + "." + who.replaceAll("[^A-Za-z0-9._-]", "_") + "." + kind + ".log");
    }

    synchronized void line(String text) {
        main.println(Instant.now() + " " + text);
        main.flush();
    }

    synchronized void output(String who, String text) {
        PrintWriter out = profiles.computeIfAbsent(who, w -> {
            try {
                return writer(activationLog(w));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        out.println(Instant.now() + " " + text);
        out.flush();
    }

    @Override
    public synchronized void close() {
        main.close();
        profiles.values().forEach(PrintWriter::close);
    }

    private static PrintWriter writer(Path file) throws IOException {
        return new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
    }
}
