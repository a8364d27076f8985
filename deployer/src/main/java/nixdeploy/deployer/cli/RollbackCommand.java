package nixdeploy.deployer.cli;

import java.util.ArrayList;
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
import nixdeploy.deployer.config.Settings;
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
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code deploy rollback}: back to the previous generation of a node's profiles, or to the one
 * given, with its activation run again, as a deployment of that generation: the same activator,
 * journal and watcher, magic rollback (confirmed over a new connection, else the host returns to
 * where it was) and health checks. Nothing is built; only the activator is copied if the host
 * lacks it. Switching to an existing generation makes no generation and deletes none.
 */
@Command(name = "rollback", mixinStandardHelpOptions = true, sortOptions = false,
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

    @Option(names = "--ssh-user", paramLabel = "USER", description = "Override sshUser.")
    String sshUser;

    @Option(names = "--profile-user", paramLabel = "USER", description = "Override user (the profile's owner).")
    String profileUser;

    @Option(names = "--hostname", paramLabel = "HOST", description = "Override the node's hostname.")
    String hostname;

    @Option(names = "--ssh-opts", paramLabel = "OPTS", parameterConsumer = DeployCommand.NextArgument.class,
            description = "Override sshOpts, as for deploy.")
    String sshOpts;

    @Option(names = "--magic-rollback", paramLabel = "BOOL", arity = "1",
            description = "Return to where the host was unless confirmed over a new connection in time (default true).")
    Boolean magicRollback;

    @Option(names = "--auto-rollback", paramLabel = "BOOL", arity = "1",
            description = "Return to where the host was when the activation fails (default true).")
    Boolean autoRollback;

    @Option(names = "--confirm-timeout", paramLabel = "SECONDS", description = "Seconds to confirm (default 30).")
    Integer confirmTimeout;

    @Option(names = "--activation-timeout", paramLabel = "SECONDS",
            description = "Seconds the activation may take (default 240).")
    Integer activationTimeout;

    @Option(names = "--temp-path", paramLabel = "DIR", description = "The activator's state directory on the host.")
    String tempPath;

    @Option(names = "--sudo", paramLabel = "CMD", description = "Privilege command (default 'sudo -u').")
    String sudo;

    @Option(names = "--interactive-sudo", paramLabel = "BOOL", arity = "1",
            description = "Ask for the sudo password once and feed it to sudo on the host.")
    Boolean interactiveSudo;

    @Option(names = "--check-http", paramLabel = "URL", description = "An extra health check (repeatable).")
    List<String> checkHttp = new ArrayList<>();

    @Option(names = "--check-cmd", paramLabel = "CMD", description = "An extra health check on the host (repeatable).")
    List<String> checkCmd = new ArrayList<>();

    @Option(names = "--skip-health-checks", description = "Do not run health checks; confirm at once.")
    boolean skipHealthChecks;

    @Option(names = "--json", description = "Print machine-readable events (JSON lines) instead of text.")
    boolean json;

    @Option(names = {"-d", "--debug-logs"}, description = "Print debug logs and stack traces.")
    boolean debug;

    @Override
    public Integer call() throws Exception {
        Console console = new Console(System.out, debug, json);
        try {
            List<ProfilePlan> plans = plans(console);
            Map<String, List<HealthCheck>> checks = skipHealthChecks ? Map.of()
                    : ProfileChecks.of(plans, checkHttp, checkCmd, true, console);
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
            console.error(e.getMessage());
            if (debug) {
                e.printStackTrace(System.err);
            }
            return e.exitCode().code;
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
                List.of())), ref, overrides(), Optional.ofNullable(hostname), Optional.empty());
        if (to != null && plans.size() > 1) {
            throw new ConfigException("--to names a generation of one profile, but " + target + " has "
                    + plans.size() + " (" + String.join(", ", plans.stream().map(ProfilePlan::profile).toList())
                    + "); name one: " + ref.flake() + "#" + ref.node().get() + "." + plans.get(0).profile());
        }
        return plans;
    }

    private Settings overrides() throws ConfigException {
        if (confirmTimeout != null && (confirmTimeout < 1 || confirmTimeout > 86_400)
                || activationTimeout != null && (activationTimeout < 1 || activationTimeout > 86_400)) {
            throw new ConfigException("--confirm-timeout and --activation-timeout take seconds from 1 to 86400");
        }
        try {
            return new Settings(sshUser, profileUser, sshOpts == null ? null : ShellWords.split(sshOpts), null,
                    autoRollback, magicRollback, confirmTimeout, activationTimeout, tempPath, interactiveSudo, sudo,
                    null, null, null, null);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--ssh-opts: " + e.getMessage());
        }
    }

}
