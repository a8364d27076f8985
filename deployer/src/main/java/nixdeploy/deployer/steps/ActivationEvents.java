package nixdeploy.deployer.steps;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import nixdeploy.deployer.output.Console;
import nixdeploy.protocol.Event;
import nixdeploy.protocol.EventType;
import nixdeploy.protocol.Events;

/**
 * Follows the activator's events (JSON lines on its stdout) while it activates: shows its output
 * and progress, and keeps what the deployer needs next: where the profile is, whether the
 * activator started at all, the confirmation it awaits, and its result.
 */
final class ActivationEvents {
    private final Console console;
    private final String who;
    private final AtomicReference<String> profilePath;
    private final AtomicBoolean started = new AtomicBoolean();
    private final CompletableFuture<Event> awaiting = new CompletableFuture<>();
    private final AtomicLong awaitingSeenAt = new AtomicLong();
    private final AtomicReference<Event> result = new AtomicReference<>();
    private final Runnable onActivated;

    /** {@code onActivated} runs when the activator reports the activation finished (quickly: it reads on). */
    ActivationEvents(Console console, String who, String profilePath, Runnable onActivated) {
        this.console = console;
        this.who = who;
        this.profilePath = new AtomicReference<>(profilePath);
        this.onActivated = onActivated;
    }

    void accept(String line) {
        Events.decode(line).ifPresentOrElse(e -> accept(e, line), () -> console.debug(who, "activator: " + line));
    }

    private void accept(Event e, String line) {
        switch (e.type) {
            case HELLO -> started.set(true);
            case OUTPUT -> console.output(who, e.line);
            case SWITCHED, ACTIVATED, RECOVERED -> {
                if (e.profile != null) {
                    profilePath.set(e.profile);
                }
                console.info(who, e.message);
                if (e.type == EventType.ACTIVATED) {
                    onActivated.run();
                }
            }
            case AWAITING_CONFIRMATION -> {
                awaitingSeenAt.set(System.currentTimeMillis());
                awaiting.complete(e);
            }
            case RESULT -> result.set(e);
            default -> console.debug(who, "activator: " + line);
        }
    }

    /** Completes when the activator reports that it awaits confirmation. */
    CompletableFuture<Event> awaiting() {
        return awaiting;
    }

    /** When this side read that the activation awaits confirmation (epoch millis). */
    long awaitingSeenAt() {
        return awaitingSeenAt.get();
    }

    /** Where the profile is: as planned, or as the activator reported it. */
    String profilePath() {
        return profilePath.get();
    }

    /** Whether the activator said hello: it ran, rather than the shell or sudo failing before it. */
    boolean started() {
        return started.get();
    }

    /** The result event's message, else {@code otherwise}. */
    String resultMessage(String otherwise) {
        Event e = result.get();
        return e != null && e.message != null ? e.message : otherwise;
    }
}
