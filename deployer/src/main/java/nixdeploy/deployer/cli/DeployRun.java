package nixdeploy.deployer.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
import nixdeploy.deployer.health.HealthCheckParser;
import nixdeploy.deployer.health.HttpClient;
import nixdeploy.deployer.health.netty.NettyHttpClient;
import nixdeploy.deployer.nix.Builder;
import nixdeploy.deployer.nix.Closure;
import nixdeploy.deployer.nix.FlakeEvaluator;
import nixdeploy.deployer.output.Console;
import nixdeploy.deployer.remote.mina.MinaConnector;
import nixdeploy.deployer.steps.ActivatorRuntime;
import nixdeploy.deployer.steps.Outcome;
import nixdeploy.deployer.steps.PendingRollbacks;
import nixdeploy.deployer.steps.PreparedHost;
import nixdeploy.deployer.steps.ProfileDeployer;

/** One invocation of {@code deploy}: plan, build, deploy each profile, summarize, pick the exit code. */
final class DeployRun {
    /** How long Ctrl-C waits for the hosts' answers to the rollback requests before exiting. */
    private static final Duration ROLLBACK_WAIT = Duration.ofSeconds(60);

    private final DeployCommand options;
    private final Console console;
    /** The derivations of profiles built on their hosts ({@code remoteBuild}), by profile name. */
    private final Map<String, String> derivations = new LinkedHashMap<>();

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
        Map<String, List<ProfilePlan>> byFlake = plan(overrides);
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
        String activator = Closure.addFile(activatorJar());
        PendingRollbacks pending = new PendingRollbacks();
        List<List<List<Integer>>> hosts = hosts(byFlake);
        try (HttpClient http = new NettyHttpClient()) {
            ProfileDeployer deployer = new ProfileDeployer(connector.join(), console, activator,
                    ActivatorRuntime.configured(), mode(), pending, askingPassword(), http);
            // the hosts deployed first are made ready while Nix builds; the others when their turn comes
            Map<Integer, PreparedHost> prepared = new java.util.concurrent.ConcurrentHashMap<>();
            List<List<List<Integer>>> firstBatch = fleet.batches(hosts).get(0);
            for (List<List<Integer>> host : firstBatch.subList(0, Math.min(fleet.parallel(), firstBatch.size()))) {
                int first = host.get(0).get(0);
                prepared.put(first, deployer.prepare(plans.get(first)));
            }
            try {
                build(byFlake);
            } catch (DeployException | RuntimeException e) {
                prepared.values().forEach(PreparedHost::close);
                throw e;
            }
            return summarize(deploy(deployer, pending, fleet, prepared, plans, hosts, checks));
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
                Builder.build(options.source(entry.getKey()), local, options.extraBuildArgs, keepResultIn());
            }
            for (ProfilePlan plan : entry.getValue()) {
                if (plan.remoteBuild()) {
                    derivations.put(plan.name(), Builder.derivation(options.source(entry.getKey()), plan, options.extraBuildArgs));
                }
            }
        }
    }

    /**
     * The indexes of {@code byFlake}'s plans (flattened, in order), grouped by node, and the nodes
     * grouped by the host they go to: one host never runs two deployments at once.
     */
    private static List<List<List<Integer>>> hosts(Map<String, List<ProfilePlan>> byFlake) {
        Map<String, Map<String, List<Integer>>> hosts = new LinkedHashMap<>();
        int index = 0;
        for (Map.Entry<String, List<ProfilePlan>> entry : byFlake.entrySet()) {
            for (ProfilePlan plan : entry.getValue()) {
                hosts.computeIfAbsent(plan.hostname(), h -> new LinkedHashMap<>())
                        .computeIfAbsent(entry.getKey() + "#" + plan.node(), n -> new ArrayList<>()).add(index++);
            }
        }
        return hosts.values().stream().map(nodes -> List.copyOf(nodes.values())).toList();
    }

    /**
     * Evaluates every node's settings, picks the profiles the targets and {@code --on} select, then
     * evaluates the paths of those profiles only.
     */
    private Map<String, List<ProfilePlan>> plan(Settings overrides) throws DeployException {
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
        for (Map.Entry<String, List<ProfilePlan>> entry : byFlake.entrySet()) {
            console.info("", "evaluating " + entry.getValue().size() + " profile(s) from " + entry.getKey());
            entry.setValue(Planner.withPaths(entry.getValue(),
                    FlakeEvaluator.paths(options.source(entry.getKey()), entry.getValue(), options.extraBuildArgs)));
        }
        return byFlake;
    }

    /** Each profile's checks (its own, else its node's, plus the command line's), validated up front. */
    private Map<String, List<HealthCheck>> healthChecks(List<ProfilePlan> plans) throws DeployException {
        Map<String, List<HealthCheck>> all = new LinkedHashMap<>();
        if (options.skipHealthChecks) {
            return all;
        }
        for (ProfilePlan plan : plans) {
            List<HealthCheck> checks = new ArrayList<>();
            if (plan.healthChecks() != null) {
                checks.addAll(HealthCheckParser.parse(plan.healthChecks(), plan.healthChecksAt(), plan.hostname()));
            }
            for (String url : options.checkHttp) {
                checks.add(HealthCheckParser.http(url, "--check-http"));
            }
            for (String cmd : options.checkCmd) {
                checks.add(HealthCheckParser.command(ShellWords.split(cmd), "--check-cmd"));
            }
            if (checks.isEmpty()) {
                continue;
            }
            if (!plan.magicRollback() || options.dryActivate || options.boot) {
                console.warn(plan.name(), "health checks gate the confirmation, which needs magic rollback; "
                        + "they are skipped for this profile");
                continue;
            }
            HealthCheckParser.requireFits(checks, plan.confirmTimeout(), plan.healthChecksAt());
            all.put(plan.name(), checks);
        }
        return all;
    }

    /**
     * Deploys node by node, at most {@code fleet.parallel()} nodes at once and batch after batch; a
     * node's profiles go one after another, and stop at the first that fails. A batch with a failure
     * stops the batches after it.
     */
    private List<Outcome> deploy(ProfileDeployer deployer, PendingRollbacks pending, Fleet fleet,
            Map<Integer, PreparedHost> prepared, List<ProfilePlan> plans, List<List<List<Integer>>> hosts,
            Map<String, List<HealthCheck>> checks) {
        Thread hook = new Thread(() -> {
            if (!pending.isEmpty()) {
                console.plain("interrupted: asking hosts with pending deployments to roll back now");
                for (PendingRollbacks.Report report : pending.rollBackAll(ROLLBACK_WAIT)) {
                    console.info(report.name(), report.message());
                }
                Runtime.getRuntime().halt(ExitCode.INTERRUPTED.code);
            }
        }, "rollback-on-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        Outcome[] outcomes = new Outcome[plans.size()];
        ExecutorService pool = Executors.newFixedThreadPool(fleet.parallel(), task -> {
            Thread thread = new Thread(task, "deploy-host");
            thread.setDaemon(true);
            return thread;
        });
        try {
            boolean batchFailed = false;
            for (List<List<List<Integer>>> batch : fleet.batches(hosts)) {
                List<Integer> inBatch = batch.stream().flatMap(List::stream).flatMap(List::stream).toList();
                if (batchFailed) {
                    inBatch.forEach(i -> outcomes[i] = report(new Outcome(plans.get(i), Outcome.Status.SKIPPED,
                            "an earlier batch failed")));
                    continue;
                }
                List<Future<?>> running = new ArrayList<>();
                for (List<List<Integer>> host : batch) {
                    running.add(pool.submit(() -> host.forEach(node ->
                            deployNode(deployer, prepared, plans, node, checks, outcomes))));
                }
                for (Future<?> done : running) {
                    done.get();
                }
                batchFailed = inBatch.stream().anyMatch(i -> !outcomes[i].ok());
            }
            List<Outcome> all = new ArrayList<>(List.of(outcomes));
            if (all.stream().anyMatch(o -> !o.ok()) && !Boolean.FALSE.equals(options.rollbackSucceeded)) {
                rollBackSucceeded(deployer, all);
            }
            return all;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while deploying", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("deploying a host failed unexpectedly", e.getCause());
        } finally {
            pool.shutdownNow();
            prepared.values().forEach(PreparedHost::close);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running
            }
        }
    }

    /** One node's profiles in order; after a failure, the node's remaining profiles are skipped. */
    private void deployNode(ProfileDeployer deployer, Map<Integer, PreparedHost> prepared, List<ProfilePlan> plans,
            List<Integer> node, Map<String, List<HealthCheck>> checks, Outcome[] outcomes) {
        boolean failed = false;
        for (int i : node) {
            ProfilePlan plan = plans.get(i);
            if (failed) {
                outcomes[i] = report(new Outcome(plan, Outcome.Status.SKIPPED,
                        "an earlier profile of node " + plan.node() + " failed"));
                continue;
            }
            PreparedHost host = prepared.remove(i);
            try {
                outcomes[i] = report(deployer.deploy(host != null ? host : deployer.prepare(plan),
                        checks.getOrDefault(plan.name(), List.of()),
                        java.util.Optional.ofNullable(derivations.get(plan.name()))));
            } catch (RuntimeException e) {
                // a bug must not take the other hosts down with it
                console.debug(plan.name(), nixdeploy.deployer.Causes.stackTrace(e));
                outcomes[i] = report(new Outcome(plan, Outcome.Status.STATE_UNKNOWN, "unexpected failure (" + e
                        + "); check the profile on the host, and please report it with --debug-logs"));
            }
            failed = !outcomes[i].ok();
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

    private Outcome report(Outcome outcome) {
        console.done(outcome.plan().name(), outcome.status().label + ": " + outcome.message());
        return outcome;
    }

    /** As deploy-rs: when any profile failed, undo the ones this run already confirmed. */
    private void rollBackSucceeded(ProfileDeployer deployer, List<Outcome> outcomes) {
        for (int i = 0; i < outcomes.size(); i++) {
            Outcome o = outcomes.get(i);
            if (o.status() == Outcome.Status.CONFIRMED) {
                String name = o.plan().name();
                java.util.Optional<String> done = deployer.rollBackConfirmed(name,
                        "another profile of this run failed (--rollback-succeeded)");
                if (done.isPresent()) {
                    console.done(name, done.get());
                    outcomes.set(i, new Outcome(o.plan(), Outcome.Status.UNDONE,
                            "rolled back because another profile failed: " + done.get()));
                }
            }
        }
    }

    private java.util.Optional<Path> keepResultIn() {
        if (!options.keepResult && options.resultPath == null) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(Path.of(options.resultPath == null ? ".deploy-gc" : options.resultPath));
    }

    private ExitCode summarize(List<Outcome> outcomes) {
        console.endLive();
        console.plain("");
        console.plain("Summary:");
        int width = outcomes.stream().mapToInt(o -> o.plan().name().length()).max().orElse(10);
        for (Outcome o : outcomes) {
            console.plain(String.format("  %-" + width + "s  %-4s %s", o.plan().name(), o.ok() ? "ok" : "FAIL",
                    o.status().label));
            console.report("result", o.plan().name(), Map.of("node", o.plan().node(), "status",
                    o.status().name().toLowerCase(java.util.Locale.ROOT), "ok", o.ok(), "message", o.message()), null);
        }
        // a profile undone because another failed does not hide the failure that caused it
        return outcomes.stream().filter(o -> !o.ok() && o.status() != Outcome.Status.UNDONE
                        && o.status() != Outcome.Status.SKIPPED)
                .map(o -> o.status().exitCode).max(Comparator.comparingInt(e -> e.code))
                .orElse(outcomes.stream().anyMatch(o -> !o.ok()) ? ExitCode.ROLLED_BACK : ExitCode.OK);
    }

    private static Path activatorJar() throws DeployException {
        String configured = System.getProperty("nixdeploy.activator");
        if (configured != null && Files.isRegularFile(Path.of(configured))) {
            return Path.of(configured);
        }
        throw new DeployException(ExitCode.INTERNAL_ERROR, "the activator jar is missing"
                + (configured == null ? "" : " at " + configured) + "; run deploy through its launcher (bin/deploy)");
    }
}
