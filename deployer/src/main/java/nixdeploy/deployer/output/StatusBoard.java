package nixdeploy.deployer.output;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The live lines at the bottom of a terminal, one per profile being deployed: its latest phase and
 * how long it has been running. Log lines scroll above it; it is erased and drawn again around
 * each. Not thread-safe: {@link Console} calls it under its own lock.
 */
final class StatusBoard {
    private static final String UP = "\033[%dA";
    private static final String CLEAR_DOWN = "\033[J";

    private record Entry(String text, long startedAt, long endedAt) {
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final int width;
    private int drawn;

    StatusBoard(int width) {
        this.width = width;
    }

    void update(String who, String text, boolean done, long now) {
        Entry old = entries.get(who);
        long started = old == null ? now : old.startedAt();
        entries.put(who, new Entry(text, started, done ? now : 0));
    }

    /** Prints {@code text} where the board was, then the board below it. */
    void printAbove(PrintStream out, String text, long now) {
        erase(out);
        out.println(text);
        draw(out, now);
    }

    void redraw(PrintStream out, long now) {
        redraw(out, now, true);
    }

    /** Erases the board, and draws it again unless {@code visible} is false (until the next redraw). */
    void redraw(PrintStream out, long now, boolean visible) {
        erase(out);
        if (visible) {
            draw(out, now);
        } else {
            out.flush();
        }
    }

    /** Removes the board for good (before the summary). */
    void close(PrintStream out) {
        erase(out);
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
        int nameWidth = entries.keySet().stream().mapToInt(String::length).max().orElse(0);
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            Entry entry = e.getValue();
            long seconds = ((entry.endedAt() == 0 ? now : entry.endedAt()) - entry.startedAt()) / 1000;
            String line = String.format("%s %-" + nameWidth + "s  %2d:%02d  %s", entry.endedAt() == 0 ? "*" : " ",
                    e.getKey(), seconds / 60, seconds % 60, entry.text());
            // a line that wraps would throw off the count of lines to erase
            out.println(line.length() < width ? line : line.substring(0, Math.max(1, width - 1)));
            drawn++;
        }
        out.flush();
    }
}
