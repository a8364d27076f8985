package nixdeploy.deployer.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.config.ProfilePlan;
import nixdeploy.deployer.health.HealthCheck;
import nixdeploy.deployer.health.HealthCheckParser;
import nixdeploy.deployer.output.Console;

/**
 * Each profile's health checks, for {@code deploy} and {@code deploy rollback} alike: its own, else
 * its node's, plus the command line's ({@code --check-http}, {@code --check-cmd}), validated
 * against the confirmation window before anything changes.
 */
final class ProfileChecks {
    private ProfileChecks() {}

    /**
     * The checks by profile name; {@code confirmable} is false when this run cannot confirm at all
     * ({@code --dry-activate}, {@code --boot}), so checks, which gate the confirmation, are skipped.
     */
    static Map<String, List<HealthCheck>> of(List<ProfilePlan> plans, List<String> http, List<String> cmd,
            boolean confirmable, Console console) throws DeployException {
        Map<String, List<HealthCheck>> all = new LinkedHashMap<>();
        for (ProfilePlan plan : plans) {
            List<HealthCheck> checks = new ArrayList<>();
            if (plan.healthChecks() != null) {
                checks.addAll(HealthCheckParser.parse(plan.healthChecks(), plan.healthChecksAt(), plan.hostname()));
            }
            for (String url : http) {
                checks.add(HealthCheckParser.http(url, "--check-http"));
            }
            for (String line : cmd) {
                checks.add(HealthCheckParser.command(ShellWords.split(line), "--check-cmd"));
            }
            if (checks.isEmpty()) {
                continue;
            }
            if (!plan.magicRollback() || !confirmable) {
                console.warn(plan.name(), "health checks gate the confirmation, which needs magic rollback; "
                        + "they are skipped for this profile");
                continue;
            }
            HealthCheckParser.requireFits(checks, plan.confirmTimeout(), plan.healthChecksAt());
            all.put(plan.name(), checks);
        }
        return all;
    }
}
