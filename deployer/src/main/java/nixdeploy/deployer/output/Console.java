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
    private StatusBoard board;
    /** Prompts in progress; while there are any, lines wait in {@link #held}. */
    private int prompts;
    private final java.util.List<String> held = new java.util.ArrayList<>();
    private java.util.concurrent.ScheduledExecutorService ticker;
    /** {@code --log-dir}: every line printed, and each profile's host output, also go there. */
    private volatile RunLog log;

    public Console(PrintStream out, boolean debug, boolean json) {
        this.out = out;
        this.debug = debug;
        this.json = json;
    }

    /** Also writes every line, and each profile's host output in a file of its own, to {@code log}. */
    public void logTo(RunLog log) {
        this.log = log;
    }

    /** Whether a run log is kept ({@code --log-dir}). */
    public boolean keepsLog() {
        return log != null;
    }

    /** Puts the end of {@code who}'s watcher log, fetched from the host, beside the run log. */
    public void saveWatcherLog(String who, String text) {
        RunLog runLog = log;
        if (runLog == null) {
            return;
        }
        try {
            runLog.saveWatcherLog(who, text);
            debug(who, "the host's watcher log is in " + runLog.watcherLog(who));
        } catch (java.io.IOException e) {
            warn(who, "cannot write the host's watcher log into the log folder: " + e.getMessage());
        }
    }

    /**
     * On a terminal: keeps one live line per profile at the bottom, with its latest phase and how
     * long it has run, redrawn every second, on a terminal of {@code rows} by {@code columns}.
     */
    public synchronized void live(int rows, int columns) {
        if (json || board != null) {
            return;
        }
        board = new StatusBoard(columns, rows);
        ticker = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "status-board");
            thread.setDaemon(true);
            return thread;
        });
        ticker.scheduleAtFixedRate(this::redraw, 1, 1, java.util.concurrent.TimeUnit.SECONDS);
    }

    /**
     * Runs {@code prompt} (a question on the terminal) with the live lines erased; other threads'
     * lines are held back, without waiting, and printed when it returns.
     */
    public <T> T withoutLive(java.util.function.Supplier<T> prompt) {
        boolean live;
        synchronized (this) {
            live = board != null;
            if (live) {
                prompts++;
                board.hide(out);
            }
        }
        if (!live) {
            return prompt.get();
        }
        try {
            return prompt.get();
        } finally {
            synchronized (this) {
                if (prompts > 0 && --prompts == 0) {
                    held.forEach(this::line);
                    held.clear();
                    redraw();
                }
            }
        }
    }

    /** Ends the live lines (before the summary); the log lines above them stay. */
    public synchronized void endLive() {
        held.forEach(out::println);
        held.clear();
        prompts = 0;
        if (board != null) {
            ticker.shutdownNow();
            board.close(out);
            board = null;
        }
    }

    public void info(String who, String message) {
        progress(who, message, false);
    }

    /** A profile's final word: a progress line, and on a terminal its live line stops its clock. */
    public void done(String who, String message) {
        progress(who, message, true);
    }

    private void progress(String who, String message, boolean done) {
        if (json) {
            event("progress", who, Map.of("message", message));
        } else {
            updateBoard(who, message, done);
            line("[" + LocalTime.now().format(TIME) + "] " + pad(who) + message);
        }
    }

    /** Progress shown only on a terminal's live line (such as bytes copied so far), never logged. */
    public synchronized void status(String who, String text) {
        updateBoard(who, text, false);
        redraw();
    }

    private synchronized void updateBoard(String who, String text, boolean done) {
        if (board != null && !who.isEmpty()) {
            board.update(who, text, done, System.currentTimeMillis());
        }
    }

    private synchronized void redraw() {
        if (board != null && !board.isEmpty() && prompts == 0) {
            board.redraw(out, System.currentTimeMillis());
        }
    }

    public void output(String who, String text) {
        RunLog runLog = log;
        if (runLog != null) {
            try {
                runLog.output(who, text);
            } catch (java.io.UncheckedIOException e) {
                // a full disk must not stop a deployment half-way; the terminal still has the line
            }
        }
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
                line("[" + LocalTime.now().format(TIME) + "] " + pad(who) + "debug: " + message);
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
        RunLog runLog = log;
        if (runLog != null) {
            runLog.line(text);
        }
        if (prompts > 0) {
            held.add(text);
            return;
        }
        if (board != null) {
            board.printAbove(out, text, System.currentTimeMillis());
        } else {
            out.println(text);
        }
        out.flush();
    }

    private static String pad(String who) {
        return who.isEmpty() ? "" : who + "  ";
    }
}
