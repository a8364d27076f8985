package nixdeploy.deployer.steps;

import java.util.List;
import java.util.Optional;
import nixdeploy.deployer.remote.RemoteHost;
import nixdeploy.protocol.Event;
import nixdeploy.protocol.EventType;
import nixdeploy.protocol.Events;

/** Reads what the activator answered a settling command (its result event, else its stderr). */
final class HostAnswers {
    private HostAnswers() {}

    static Optional<Event> resultEvent(RemoteHost.Result result) {
        return result.stdout().lines().map(Events::decode).flatMap(Optional::stream)
                .filter(e -> e.type == EventType.RESULT).findFirst();
    }

    static String message(RemoteHost.Result result) {
        String said = resultEvent(result).filter(e -> e.message != null).map(e -> e.message)
                .orElse(result.stderr().trim());
        return result.exitStatus() == HostCommands.SUDO_PASSWORD_REFUSED
                ? "the sudo password was refused" + sudoSaid(said) : said;
    }

    /** What sudo printed, on one line in parentheses; empty when it printed nothing. */
    static String sudoSaid(String stderr) {
        List<String> lines = stderr.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        return lines.isEmpty() ? "" : " (" + String.join("; ", lines) + ")";
    }
}
