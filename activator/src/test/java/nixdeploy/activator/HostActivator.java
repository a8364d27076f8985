package nixdeploy.activator;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import nixdeploy.protocol.Event;
import nixdeploy.protocol.EventType;
import nixdeploy.protocol.Events;
import nixdeploy.testhosts.Cmd;
import nixdeploy.testhosts.TestHost;

/** Runs the packaged activator jar as its own process inside a test host, as the deployer would. */
final class HostActivator {
    static final String JAR = System.getProperty("nixdeploy.activatorJar");

    /**
     * What one activator run printed and returned. {@code otherStdout}: stdout lines that are not
     * events, which the deployer would only log at debug level; kept so a failure shows them.
     */
    record Run(int exitCode, List<Event> events, List<String> otherStdout, String stderr) {
        Optional<Event> first(EventType type) {
            return events.stream().filter(e -> e.type == type).findFirst();
        }

        Event result() {
            return first(EventType.RESULT).orElseThrow(() -> new AssertionError("no RESULT event in " + this));
        }

        String output() {
            return events.stream().filter(e -> e.type == EventType.OUTPUT).map(e -> e.line)
                    .collect(Collectors.joining("\n"));
        }
    }

    private final TestHost host;

    HostActivator(TestHost host) {
        this.host = host;
    }

    Run run(String stdin, String... args) {
        List<String> argv = new ArrayList<>(List.of("java", "-jar", JAR));
        argv.addAll(List.of(args));
        return parse(host.execWithInput(stdin, argv));
    }

    /** Runs with only {@code sh}, {@code nix-env}, {@code nix-store} and {@code java} on PATH. */
    Run runWithMinimalPath(String pathDir, String stdin, String... args) {
        List<String> argv = new ArrayList<>(List.of("env", "-i", "PATH=" + pathDir, "HOME=/root", "USER=root",
                pathDir + "/java", "-jar", JAR));
        argv.addAll(List.of(args));
        return parse(host.execWithInput(stdin, argv));
    }

    static Run parse(Cmd.Result result) {
        List<Event> events = new ArrayList<>();
        List<String> other = new ArrayList<>();
        result.stdout().lines().forEach(line -> Events.decode(line).ifPresentOrElse(events::add, () -> other.add(line)));
        other.forEach(line -> System.out.println("activator stdout, not an event: " + line));
        return new Run(result.exitCode(), List.copyOf(events), List.copyOf(other), result.stderr());
    }
}
