package nixdeploy.deployer.output;

import java.io.PrintStream;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/**
 * What people read while a deploy runs: one timestamped line per phase, prefixed by the profile
 * it concerns; the activation script's output indented under it. Debug lines only when asked for.
 */
public final class Console {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final PrintStream out;
    private final boolean debug;

    public Console(PrintStream out, boolean debug) {
        this.out = out;
        this.debug = debug;
    }

    public synchronized void info(String who, String message) {
        out.println("[" + LocalTime.now().format(TIME) + "] " + pad(who) + message);
        out.flush();
    }

    public synchronized void output(String who, String line) {
        out.println("           " + pad(who) + "  | " + line);
        out.flush();
    }

    public void warn(String who, String message) {
        info(who, "warning: " + message);
    }

    public void debug(String who, String message) {
        if (debug) {
            info(who, "debug: " + message);
        }
    }

    public boolean debugEnabled() {
        return debug;
    }

    public synchronized void plain(String line) {
        out.println(line);
        out.flush();
    }

    private static String pad(String who) {
        return who.isEmpty() ? "" : who + "  ";
    }
}
