package nixdeploy.deployer.steps;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import nixdeploy.deployer.output.Console;
import nixdeploy.protocol.Event;

/**
 * With {@code --log-dir}: after a deployment that ended unconfirmed, fetches the end of the host
 * watcher's log (what it saw and did at the deadline) over a fresh connection, beside the run log.
 */
final class WatcherLogStep {
    private static final long REACH_MILLIS = 15_000;

    private final Console console;
    private final FreshConnections connections;

    WatcherLogStep(Console console, FreshConnections connections) {
        this.console = console;
        this.connections = connections;
    }

    /** Returns {@code outcome} unchanged; fetching is best effort and never changes the result. */
    Outcome keep(Invocation inv, Outcome outcome) {
        if (!console.keepsLog() || outcome.ok() || inv.profilePath() == null) {
            return outcome;
        }
        String who = inv.plan().name();
        Optional<String> log = connections.run(inv.target(), System.currentTimeMillis() + REACH_MILLIS, host ->
                HostAnswers.resultEvent(host.run(inv.settle("status", List.of("--watcher-log")), inv.stdin(false),
                        Duration.ofSeconds(60))).map((Event e) -> e.watcherLog)).flatMap(answer -> answer);
        if (log.isPresent()) {
            console.saveWatcherLog(who, log.get());
        } else {
            console.debug(who, "no watcher log to keep: the host had none, or could not be reached");
        }
        return outcome;
    }
}
