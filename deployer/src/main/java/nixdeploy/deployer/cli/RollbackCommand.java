package nixdeploy.deployer.cli;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.config.ConfigException;
import nixdeploy.deployer.config.ConfigParser;
import nixdeploy.deployer.config.FlakeRef;
import nixdeploy.deployer.config.Planner;
import nixdeploy.deployer.config.ProfilePlan;
import nixdeploy.deployer.health.HealthCheck;
import nixdeploy.deployer.health.HttpClient;
import nixdeploy.deployer.health.netty.NettyHttpClient;
import nixdeploy.deployer.nix.Closure;
import nixdeploy.deployer.nix.FlakeEvaluator;
import nixdeploy.deployer.nix.NixSource;
import nixdeploy.deployer.output.Console;
import nixdeploy.deployer.remote.mina.MinaConnector;
import nixdeploy.deployer.steps.ActivatorRuntime;
import nixdeploy.deployer.steps.PendingRollbacks;
import nixdeploy.deployer.steps.ProfileDeployer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code deploy rollback}: back to the previous generation of a node's profiles, or to the one
 * given, with its activation run again, as a deployment of that generation: the same activator,
 * journal and watcher, magic rollback (confirmed over a new connection, else the host returns to
 * where it was) and health checks. Nothing is built; only the activator is copied if the host
 * lacks it. Switching to an existing generation makes no generation and deletes none.
 */
@Command(name = "rollback", sortOptions = false,
        description = {"Go back to the previous generation of a node's profiles, or to --to GENERATION,",
            "and re-run its activation. As with a deploy, it must pass the health checks",
            "and be confirmed over a new connection in time, or the host goes back to",
            "where it was."})
final class RollbackCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "TARGET", description = "'.#node' or '.#node.profile'.")
    String target;

    @Option(names = "--to", paramLabel = "GENERATION",
            description = "The generation to go back to (default: the newest one older than the current one).")
    Long to;

    @Mixin
    SettingsOverrides overrides;

    @Mixin
    HealthCheckOptions healthChecks;

    @Mixin
    OutputOptions output;

    @Mixin
    HelpOptions help;

    @Override
    public Integer call() throws Exception {
        Console console = output.console();
        try {
            List<ProfilePlan> plans = plans(console);
            Map<String, List<HealthCheck>> checks = healthChecks.of(plans, true, console);
            String generation = to == null ? "previous" : Long.toString(to);
            plans.forEach(p -> console.report("plan", p.name(), Map.of("node", p.node(), "hostname", p.hostname(),
                    "generation", generation), "rolling back profile " + p.profile() + " of node " + p.node() + " on "
                    + p.hostname() + " to " + (to == null ? "its previous generation" : "generation " + to)));
            String activator = Closure.addFile(DeployRun.activatorJar());
            PendingRollbacks pending = new PendingRollbacks();
            try (MinaConnector connector = new MinaConnector(warning -> console.warn("ssh", warning));
                    HttpClient http = new NettyHttpClient()) {
                SudoPassword password = new SudoPassword();
                ProfileDeployer deployer = new ProfileDeployer(connector, console, activator,
                        ActivatorRuntime.configured(), ProfileDeployer.Mode.rollbackTo(generation), pending,
                        () -> console.withoutLive(password), http);
                // each rollback stands on its own: a later profile failing does not undo an earlier one
                FleetDeploy fleet = new FleetDeploy(deployer, pending, console, plans, checks, Map.of(),
                        new ConcurrentHashMap<>());
                return Summary.print(console, fleet.deploy(new Fleet(1, Optional.empty()), HostTask.of(plans),
                        Optional.of(false))).code;
            }
        } catch (DeployException e) {
            return output.failed(console, e);
        }
    }

    private List<ProfilePlan> plans(Console console) throws DeployException {
        FlakeRef ref;
        try {
            ref = FlakeRef.parse(target);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
        if (ref.node().isEmpty()) {
            throw new ConfigException("deploy rollback takes one node (FLAKE#node or FLAKE#node.profile), not '"
                    + target + "'");
        }
        if (to != null && to < 1) {
            throw new ConfigException("--to takes a generation number from 1, not " + to);
        }
        console.info("", "evaluating " + ref.flake() + "#deploy");
        List<ProfilePlan> plans = Planner.plan(ConfigParser.parse(FlakeEvaluator.settings(NixSource.flake(ref.flake()),
                List.of())), ref, overrides.settings(null, null), overrides.hostname(), Optional.empty());
        if (to != null && plans.size() > 1) {
            throw new ConfigException("--to names a generation of one profile, but " + target + " has "
                    + plans.size() + " (" + String.join(", ", plans.stream().map(ProfilePlan::profile).toList())
                    + "); name one: " + ref.flake() + "#" + ref.node().get() + "." + plans.get(0).profile());
        }
        return plans;
    }
}
