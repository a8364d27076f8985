package nixdeploy.deployer.output;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.PrintStream;
import java.time.Instant;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What people (or, with {@code --json}, programs) read while a deploy runs. For people: one
 * timestamped line per phase, prefixed by the profile it concerns, the activation script's output
 * indented under it. For programs: one JSON object per line with a {@code type} field.
 */
public final class Console {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

    private final PrintStream out;
    private final boolean debug;
    private final boolean json;

    public Console(PrintStream out, boolean debug, boolean json) {
        this.out = out;
        this.debug = debug;
        this.json = json;
    }

    public void info(String who, String message) {
        if (json) {
            event("progress", who, Map.of("message", message));
        } else {
            line("[" + LocalTime.now().format(TIME) + "] " + pad(who) + message);
        }
    }

    public void output(String who, String text) {
        if (json) {
            event("output", who, Map.of("line", text));
        } else {
            line("           " + pad(who) + "  | " + text);
        }
    }

    public void warn(String who, String message) {
        if (json) {
            event("warning", who, Map.of("message", message));
        } else {
            info(who, "warning: " + message);
        }
    }

    public void debug(String who, String message) {
        if (debug) {
            if (json) {
                event("debug", who, Map.of("message", message));
            } else {
                info(who, "debug: " + message);
            }
        }
    }

    /** A structured event: a JSON line with {@code type}, or for people {@code human} as a progress line. */
    public void report(String type, String who, Map<String, Object> fields, String human) {
        if (json) {
            event(type, who, fields);
        } else if (human != null) {
            info(who, human);
        }
    }

    /** Text for people only (the summary table); programs get {@link #report} events instead. */
    public void plain(String text) {
        if (!json) {
            line(text);
        }
    }

    /** An error that ended the run, in either form. */
    public void error(String message) {
        if (json) {
            event("error", "", Map.of("message", message));
        } else {
            line("error: " + message);
        }
    }

    public boolean debugEnabled() {
        return debug;
    }

    private void event(String type, String who, Map<String, ?> fields) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", type);
        event.put("time", Instant.now().toString());
        if (!who.isEmpty()) {
            event.put("profile", who);
        }
        event.putAll(fields);
        line(GSON.toJson(event));
    }

    private synchronized void line(String text) {
        out.println(text);
        out.flush();
    }

    private static String pad(String who) {
        return who.isEmpty() ? "" : who + "  ";
    }
}
