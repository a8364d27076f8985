package nixdeploy.deployer.output;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The live lines at the bottom of a terminal, one per profile being deployed: its latest phase and
 * how long it has been running. Log lines scroll above it; it is erased and drawn again around
 * each. Not thread-safe: {@link Console} calls it under its own lock.
 */
final class StatusBoard {
    private static final String UP = "\033[%dA";
    private static final String CLEAR_DOWN = "\033[J";

    private record Entry(String text, long startedAt, long endedAt, boolean done) {
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final int width;
    /** The most lines drawn: more than the terminal has rows could not be erased. */
    private final int height;
    private int drawn;

    StatusBoard(int width, int rows) {
        this.width = width;
        this.height = Math.max(2, rows - 2);
    }

    void update(String who, String text, boolean done, long now) {
        Entry old = entries.get(who);
        long started = old == null ? now : old.startedAt();
        // one terminal line each, and nothing a host sent may move the cursor
        String line = text.lines().findFirst().orElse("").replaceAll("\\p{Cntrl}", "?");
        entries.put(who, new Entry(line, started, now, done));
    }

    /** Prints {@code text} where the board was, then the board below it. */
    void printAbove(PrintStream out, String text, long now) {
        erase(out);
        out.println(text);
        draw(out, now);
    }

    void redraw(PrintStream out, long now) {
        erase(out);
        draw(out, now);
    }

    /** Erases the board until the next redraw. */
    void hide(PrintStream out) {
        erase(out);
        out.flush();
    }

    /** Removes the board for good (before the summary). */
    void close(PrintStream out) {
        hide(out);
        entries.clear();
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    private void erase(PrintStream out) {
        if (drawn > 0) {
            out.print("\r" + String.format(UP, drawn) + CLEAR_DOWN);
            drawn = 0;
        }
    }

    private void draw(PrintStream out, long now) {
        List<Map.Entry<String, Entry>> shown = new ArrayList<>(entries.entrySet());
        String more = null;
        if (shown.size() > height) {
            // the running ones first; the rest in one line
            shown.sort(Comparator.comparing(e -> e.getValue().done()));
            long running = shown.stream().filter(e -> !e.getValue().done()).count();
            List<Map.Entry<String, Entry>> hidden = shown.subList(height - 1, shown.size());
            long hiddenRunning = hidden.stream().filter(e -> !e.getValue().done()).count();
            more = "  ... " + hidden.size() + " more (" + hiddenRunning + " running); " + running + " running, "
                    + (entries.size() - running) + " done in all";
            shown = shown.subList(0, height - 1);
        }
        int nameWidth = shown.stream().mapToInt(e -> e.getKey().length()).max().orElse(0);
        for (Map.Entry<String, Entry> e : shown) {
            Entry entry = e.getValue();
            long seconds = ((entry.done() ? entry.endedAt() : now) - entry.startedAt()) / 1000;
            print(out, String.format("%s %-" + nameWidth + "s  %2d:%02d  %s", entry.done() ? " " : "*",
                    e.getKey(), seconds / 60, seconds % 60, entry.text()));
        }
        if (more != null) {
            print(out, more);
        }
        out.flush();
    }

    private void print(PrintStream out, String line) {
        // a line that wraps would throw off the count of lines to erase
        out.println(line.length() < width ? line : line.substring(0, Math.max(1, width - 1)));
        drawn++;
    }
}
