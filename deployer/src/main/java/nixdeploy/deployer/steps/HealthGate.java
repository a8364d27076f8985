package nixdeploy.deployer.steps;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import nixdeploy.deployer.health.CheckContext;
import nixdeploy.deployer.health.HealthChecks;
import nixdeploy.deployer.health.HttpClient;
import nixdeploy.deployer.output.Console;
import nixdeploy.deployer.remote.RemoteConnector;

/** Runs a profile's health checks before its confirmation, and reports each one's result. */
final class HealthGate {
    private final RemoteConnector connector;
    private final Console console;
    private final HttpClient http;

    HealthGate(RemoteConnector connector, Console console, HttpClient http) {
        this.connector = connector;
        this.console = console;
        this.http = http;
    }

    /** The failed checks, described; empty when all passed. */
    Optional<String> failures(Invocation inv) {
        if (inv.checks().isEmpty()) {
            return Optional.empty();
        }
        String who = inv.plan().name();
        console.info(who, "running " + inv.checks().size() + " health check(s)");
        List<HealthChecks.Result> results = HealthChecks.run(inv.checks(),
                new CheckContext(inv.hostAddress(), connector, inv.target(), http));
        List<String> failed = new ArrayList<>();
        for (HealthChecks.Result r : results) {
            String human = "health check " + r.name() + ": " + (r.healthy() ? "healthy" : "FAILED") + " after "
                    + r.attempts() + " attempt(s), last: " + r.lastStatus()
                    + (r.snippet().isEmpty() || r.healthy() ? "" : "; body: " + r.snippet());
            console.report("health", who, Map.of("check", r.name(), "healthy", r.healthy(), "attempts", r.attempts(),
                    "lastStatus", r.lastStatus(), "snippet", r.snippet()), human);
            if (!r.healthy()) {
                failed.add(r.name() + " (" + r.lastStatus() + ")");
            }
        }
        return failed.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", failed));
    }
}
