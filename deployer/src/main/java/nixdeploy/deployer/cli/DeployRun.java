package nixdeploy.deployer.cli;

import com.google.gson.JsonElement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import nixdeploy.deployer.Background;
import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.ExitCode;
import nixdeploy.deployer.config.ConfigParser;
import nixdeploy.deployer.config.DeployConfig;
import nixdeploy.deployer.config.FlakeRef;
import nixdeploy.deployer.config.NodeSelector;
import nixdeploy.deployer.config.Planner;
import nixdeploy.deployer.config.ProfilePlan;
import nixdeploy.deployer.config.Settings;
import nixdeploy.deployer.health.HealthCheck;
import nixdeploy.deployer.health.HttpClient;
import nixdeploy.deployer.health.netty.NettyHttpClient;
import nixdeploy.deployer.nix.Builder;
import nixdeploy.deployer.nix.Closure;
import nixdeploy.deployer.nix.FlakeEvaluator;
import nixdeploy.deployer.output.Console;
import nixdeploy.deployer.remote.mina.MinaConnector;
import nixdeploy.deployer.steps.ActivatorRuntime;
import nixdeploy.deployer.steps.CachePushStep;
import nixdeploy.deployer.steps.EarlyConnections;
import nixdeploy.deployer.steps.Outcome;
import nixdeploy.deployer.steps.PendingRollbacks;
import nixdeploy.deployer.steps.PreparedHost;
import nixdeploy.deployer.steps.ProfileDeployer;

/** One invocation of {@code deploy}: plan, build, deploy each profile, summarize, pick the exit code. */
final class DeployRun {

    private final DeployCommand options;
    private final Console console;
    /** The derivations of profiles built on their hosts ({@code remoteBuild}), by profile name. */
    private final Map<String, String> derivations = new LinkedHashMap<>();
    /** The derivation output behind each profile's path ({@code <drv>^<output>}), by profile name, from the evaluation. */
    private final Map<String, String> derivationOutputs = new LinkedHashMap<>();

    DeployRun(DeployCommand options, Console console) {
        this.options = options;
        this.console = console;
    }

    ExitCode run() throws DeployException {
        // setting up the SSH client (Bouncy Castle, MINA) takes a while; do it while Nix evaluates
        CompletableFuture<MinaConnector> connector = Background.supply(() -> new MinaConnector(warning -> console.warn("ssh", warning)));
        try {
            return run(connector);
        } finally {
            connector.thenAccept(MinaConnector::close);
        }
    }

    private ExitCode run(CompletableFuture<MinaConnector> connector) throws DeployException {
        if (options.dryActivate && options.boot) {
            throw new nixdeploy.deployer.config.ConfigException("--dry-activate and --boot exclude each other");
        }
        Settings overrides = options.overrides();
        Fleet fleet = options.fleet();
        if ((options.dryActivate || options.boot) && !Boolean.FALSE.equals(overrides.magicRollback())) {
            console.warn("", "magic rollback cannot confirm a " + (options.dryActivate ? "dry activation"
                    : "boot-only activation") + "; it is off for this run");
        }
        // the activator jar goes into the store while Nix evaluates (unless nothing may be deployed yet)
        CompletableFuture<String> activatorPath = options.evaluateOnly || options.interactive ? null : Background.supply(() -> {
            try {
                return Closure.addFile(activatorJar());
            } catch (DeployException e) {
                throw new CompletionException(e);
            }
        });
        boolean connects = !options.evaluateOnly && !options.interactive && !options.dryRun;
        try (EarlyConnections early = new EarlyConnections(connector)) {
            return run(connector, fleet, overrides, activatorPath, connects ? early : EarlyConnections.none());
        }
    }

    private ExitCode run(CompletableFuture<MinaConnector> connector, Fleet fleet, Settings overrides,
            CompletableFuture<String> activatorPath, EarlyConnections early) throws DeployException {
        Map<String, List<ProfilePlan>> byFlake = plan(overrides, unpathed -> early.start(firstBatch(fleet, unpathed)));
        List<ProfilePlan> plans = byFlake.values().stream().flatMap(List::stream).toList();
        Map<String, List<HealthCheck>> checks = healthChecks(plans);
        if (options.evaluateOnly) {
            plans.forEach(p -> console.info(p.name(), p.storePath() + " to " + p.hostname()));
            return ExitCode.OK;
        }
        if (options.interactive && !askToDeploy(plans)) {
            console.plain("Not deployed: the answer was not yes. Nothing was built, copied or changed.");
            console.report("declined", "", Map.of("message", "not answered yes; nothing was changed"), null);
            return ExitCode.DECLINED;
        }
        String activator = activatorPath != null ? joined(activatorPath) : Closure.addFile(activatorJar());
        if (options.dryRun) {
            build(byFlake);
            return new DryRun(new nixdeploy.deployer.steps.DryRunStep(connector.join(), console, activator,
                    ActivatorRuntime.configured()), console, options.output.json).run(plans);
        }
        PendingRollbacks pending = new PendingRollbacks();
        List<HostTask> hosts = HostTask.of(plans);
        showPlan(plans);
        try (HttpClient http = new NettyHttpClient()) {
            ProfileDeployer deployer = new ProfileDeployer(connector.join(), console, activator,
                    ActivatorRuntime.configured(), mode(), pending, askingPassword(), http, early,
                    Math.min(fleet.parallel(), hosts.size()) == 1);
            // the hosts deployed first are made ready while Nix builds; the others when their turn comes
            Map<Integer, PreparedHost> prepared = new java.util.concurrent.ConcurrentHashMap<>();
            List<HostTask> firstBatch = fleet.batches(hosts).get(0);
            for (HostTask host : firstBatch.subList(0, Math.min(fleet.parallel(), firstBatch.size()))) {
                int first = host.profiles().get(0);
                prepared.put(first, deployer.prepare(plans.get(first)));
            }
            try {
                build(byFlake);
                // once for the whole run, before any host is copied to or changed
                new CachePushStep(console, mode().localKey()).push(plans, activator);
            } catch (DeployException | RuntimeException e) {
                prepared.values().forEach(PreparedHost::close);
                throw e;
            }
            FleetDeploy fleetDeploy = new FleetDeploy(deployer, pending, console, plans, checks, derivations, prepared);
            return summarize(fleetDeploy.deploy(fleet, hosts, Optional.ofNullable(options.rollbackSucceeded)));
        }
    }

    /** The first profile of each host the first batch deploys at once: those are made ready during the build. */
    private static List<ProfilePlan> firstBatch(Fleet fleet, List<ProfilePlan> plans) {
        List<HostTask> batch = fleet.batches(HostTask.of(plans)).get(0);
        return batch.subList(0, Math.min(fleet.parallel(), batch.size())).stream()
                .map(host -> plans.get(host.profiles().get(0))).toList();
    }

    private static String joined(CompletableFuture<String> future) throws DeployException {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof DeployException deploy) {
                throw deploy;
            }
            throw e;
        }
    }

    /** The run's copy and activation mode; {@code LOCAL_KEY} names a key to sign copied paths with, as in deploy-rs. */
    private ProfileDeployer.Mode mode() {
        Optional<String> localKey = Optional.ofNullable(System.getenv("LOCAL_KEY")).filter(k -> !k.isBlank());
        return new ProfileDeployer.Mode(options.dryActivate, options.boot, options.checkSigs, localKey);
    }

    private void build(Map<String, List<ProfilePlan>> byFlake) throws DeployException {
        for (Map.Entry<String, List<ProfilePlan>> entry : byFlake.entrySet()) {
            if (!options.skipChecks) {
                console.info("", "checking " + entry.getKey() + " (skip with --skip-checks)");
                Builder.check(options.source(entry.getKey()), options.extraBuildArgs);
            }
            List<ProfilePlan> local = entry.getValue().stream().filter(p -> !p.remoteBuild()).toList();
            if (!local.isEmpty()) {
                console.info("", "building " + local.size() + " profile(s) from " + entry.getKey());
                Builder.build(options.source(entry.getKey()), local, derivationOutputs, options.extraBuildArgs,
                        keepResultIn());
            }
            for (ProfilePlan plan : entry.getValue()) {
                if (plan.remoteBuild()) {
                    derivations.put(plan.name(), Builder.derivation(options.source(entry.getKey()), plan, options.extraBuildArgs));
                }
            }
        }
    }

    /**
     * Evaluates every node's settings, picks the profiles the targets and {@code --on} select, then
     * evaluates the paths of those profiles only.
     */
    private Map<String, List<ProfilePlan>> plan(Settings overrides, Consumer<List<ProfilePlan>> hostsKnown)
            throws DeployException {
        Optional<NodeSelector> on = options.on == null ? Optional.empty() : Optional.of(NodeSelector.parse(options.on));
        Map<String, DeployConfig> configs = new LinkedHashMap<>();
        Map<String, List<ProfilePlan>> byFlake = new LinkedHashMap<>();
        for (FlakeRef ref : options.flakeRefs()) {
            DeployConfig config = configs.get(ref.flake());
            if (config == null) {
                console.info("", "evaluating " + (options.file != null ? "deploy in the file " + ref.flake()
                        : ref.flake() + "#deploy"));
                config = ConfigParser.parse(FlakeEvaluator.settings(options.source(ref.flake()), options.extraBuildArgs));
                configs.put(ref.flake(), config);
            }
            byFlake.computeIfAbsent(ref.flake(), f -> new ArrayList<>())
                    .addAll(Planner.plan(config, ref, overrides, options.hostnameOverride(), on));
        }
        byFlake.values().removeIf(List::isEmpty);
        if (byFlake.isEmpty()) {
            // only --on can select nothing: Planner refuses a target without profiles
            Map<String, List<String>> nodes = new LinkedHashMap<>();
            configs.values().forEach(c -> c.nodes().values().forEach(n -> nodes.put(n.name(), n.tags())));
            throw on.orElseThrow().matchedNothing(nodes);
        }
        // the hosts are known: connecting to them can overlap the evaluation of the paths
        hostsKnown.accept(byFlake.values().stream().flatMap(List::stream).toList());
        boolean severalFlakes = byFlake.size() > 1;
        for (Map.Entry<String, List<ProfilePlan>> entry : byFlake.entrySet()) {
            console.info("", "evaluating " + entry.getValue().size() + " profile(s) from " + entry.getKey());
            JsonElement paths = FlakeEvaluator.paths(options.source(entry.getKey()), entry.getValue(),
                    options.extraBuildArgs);
            List<ProfilePlan> withPaths = Planner.withPaths(entry.getValue(), paths);
            // two flakes may both have a node "web": name each profile with its flake then
            entry.setValue(severalFlakes ? withPaths.stream().map(p -> p.inFlake(entry.getKey())).toList() : withPaths);
            entry.getValue().forEach(p -> FlakeEvaluator.derivation(paths, p)
                    .ifPresent(drv -> derivationOutputs.put(p.name(), drv)));
        }
        return byFlake;
    }

    /** Each profile's checks (its own, else its node's, plus the command line's), validated up front. */
    private Map<String, List<HealthCheck>> healthChecks(List<ProfilePlan> plans) throws DeployException {
        return options.healthChecks.of(plans, !options.dryActivate && !options.boot, console);
    }

    /** Shows what goes where before anything is copied, as deploy-rs does. */
    private void showPlan(List<ProfilePlan> plans) {
        for (ProfilePlan p : plans) {
            String user = p.profileUser().orElse("the SSH user");
            String sshUser = p.sshUser().orElse("from ssh_config, else " + System.getProperty("user.name"));
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("node", p.node());
            fields.put("user", p.profileUser().orElse(null));
            fields.put("sshUser", p.sshUser().orElse(null));
            fields.put("hostname", p.hostname());
            fields.put("path", p.storePath());
            fields.values().removeIf(java.util.Objects::isNull);
            console.report("plan", p.name(), fields, "deploying profile " + p.profile() + " of node " + p.node()
                    + ": user " + user + ", SSH user " + sshUser + ", host " + p.hostname());
        }
    }

    /** --interactive: shows the plans and asks on the terminal (refused without one). */
    private boolean askToDeploy(List<ProfilePlan> plans) throws DeployException {
        java.io.Console terminal = System.console();
        return DeployPrompt.confirm(plans, console::plain, terminal == null ? null
                : question -> console.withoutLive(() -> terminal.readLine("%s", question)));
    }

    /** The sudo password, asked once, with the terminal's live lines out of the way of the prompt. */
    private java.util.function.Supplier<String> askingPassword() {
        SudoPassword password = new SudoPassword();
        return () -> console.withoutLive(password);
    }

    private java.util.Optional<Path> keepResultIn() {
        if (!options.keepResult && options.resultPath == null) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(Path.of(options.resultPath == null ? ".deploy-gc" : options.resultPath));
    }

    private ExitCode summarize(List<Outcome> outcomes) {
        if (outcomes.stream().anyMatch(o -> o.status() == Outcome.Status.CONFIRMED)) {
            ClassDataArchive.trained();
        }
        return Summary.print(console, outcomes);
    }

    static Path activatorJar() throws DeployException {
        String configured = System.getProperty("nixdeploy.activator");
        if (configured != null && Files.isRegularFile(Path.of(configured))) {
            return Path.of(configured);
        }
        throw new DeployException(ExitCode.INTERNAL_ERROR, "the activator jar is missing"
                + (configured == null ? "" : " at " + configured) + "; run deploy through its launcher (bin/deploy)");
    }
}
