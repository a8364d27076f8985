package nixdeploy.deployer.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.config.ProfilePlan;
import nixdeploy.deployer.health.HealthCheck;
import nixdeploy.deployer.output.Console;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The health checks a run adds or skips, for {@code deploy} and {@code deploy rollback}. */
@Command
final class HealthCheckOptions {
    @Option(names = "--check-http", order = 33, paramLabel = "URL",
            description = "An extra health check: GET URL must answer 2xx/3xx before confirming (repeatable).")
    List<String> checkHttp = new ArrayList<>();

    @Option(names = "--check-cmd", order = 34, paramLabel = "CMD",
            description = "An extra health check: CMD must exit 0 on the host before confirming (repeatable).")
    List<String> checkCmd = new ArrayList<>();

    @Option(names = "--skip-health-checks", order = 35, description = "Do not run health checks; confirm at once.")
    boolean skip;

    /** Each profile's checks (see {@link ProfileChecks#of}), or none with {@code --skip-health-checks}. */
    Map<String, List<HealthCheck>> of(List<ProfilePlan> plans, boolean confirmable, Console console)
            throws DeployException {
        return skip ? new LinkedHashMap<>() : ProfileChecks.of(plans, checkHttp, checkCmd, confirmable, console);
    }
}
