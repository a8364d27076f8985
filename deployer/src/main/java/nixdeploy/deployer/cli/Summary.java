package nixdeploy.deployer.cli;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import nixdeploy.deployer.ExitCode;
import nixdeploy.deployer.output.Console;
import nixdeploy.deployer.steps.Outcome;

/** The table that ends a run, one line and one {@code result} event per profile, and the run's exit code. */
final class Summary {
    private Summary() {}

    /** Prints the outcomes and returns the run's exit code ({@link Outcome#exitCode}). */
    static ExitCode print(Console console, List<Outcome> outcomes) {
        console.endLive();
        console.plain("");
        console.plain("Summary:");
        int width = outcomes.stream().mapToInt(o -> o.plan().name().length()).max().orElse(10);
        for (Outcome o : outcomes) {
            console.plain(String.format("  %-" + width + "s  %-4s %s", o.plan().name(), o.ok() ? "ok" : "FAIL",
                    o.status().label));
            console.report("result", o.plan().name(), Map.of("node", o.plan().node(), "status",
                    o.status().name().toLowerCase(Locale.ROOT), "ok", o.ok(), "message", o.message()), null);
        }
        return Outcome.exitCode(outcomes);
    }
}
