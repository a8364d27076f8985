package nixdeploy.protocol;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.util.Optional;

/** Encodes and decodes {@link Event}s as single JSON lines. */
public final class Events {
    /** Bumped whenever a message changes incompatibly. */
    public static final int PROTOCOL_VERSION = 1;

    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private Events() {}

    public static String encode(Event event) {
        return GSON.toJson(event);
    }

    /** The event on a line, or empty when the line is not an event (for example a stray log line). */
    public static Optional<Event> decode(String line) {
        String trimmed = line.trim();
        if (!trimmed.startsWith("{")) {
            return Optional.empty();
        }
        try {
            Event event = GSON.fromJson(trimmed, Event.class);
            return event == null || event.type == null ? Optional.empty() : Optional.of(event);
        } catch (JsonParseException e) {
            return Optional.empty();
        }
    }
}
