package nixdeploy.deployer.cli;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.ExitCode;
import nixdeploy.deployer.config.ConfigException;
import nixdeploy.deployer.config.ConfigParser;
import nixdeploy.deployer.config.DeployConfig;
import nixdeploy.deployer.config.FlakeRef;
import nixdeploy.deployer.config.NodeSelector;
import nixdeploy.deployer.config.Planner;
import nixdeploy.deployer.config.ProfilePlan;
import nixdeploy.deployer.config.Settings;
import nixdeploy.deployer.nix.Closure;
import nixdeploy.deployer.nix.FlakeEvaluator;
import nixdeploy.deployer.nix.NixSource;
import nixdeploy.deployer.output.Console;
import nixdeploy.deployer.remote.mina.MinaConnector;
import nixdeploy.deployer.steps.ActivatorRuntime;
import nixdeploy.deployer.steps.StatusStep;
import nixdeploy.protocol.DeploymentState;
import nixdeploy.protocol.Event;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code deploy status}: what runs on each selected profile's host now, its last deployment, and
 * any confirmation it awaits, read from all hosts side by side. Reading settles a deployment whose
 * deadline passed with its watcher gone, as any activator run does, and says so.
 */
@Command(name = "status", sortOptions = false,
        description = {"Show each profile's current generation, its last deployment and any pending confirmation,",
            "read from the hosts. An expired deployment whose watcher is gone is settled (rolled back), and the",
            "output says so."})
final class StatusCommand implements Callable<Integer> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    @Parameters(arity = "0..*", paramLabel = "TARGET", description = "'.', '.#node' or '.#node.profile' (default '.').")
    List<String> targets = new ArrayList<>();

    @Option(names = "--on", paramLabel = "SELECTORS", description = "Only nodes matching these @tags or name globs.")
    String on;

    @Option(names = "--ssh-opts", paramLabel = "OPTS", parameterConsumer = NextArgument.class,
            description = "Override sshOpts, as for deploy.")
    String sshOpts;

    @Mixin
    OutputOptions output;

    @Mixin
    HelpOptions help;

    @Override
    public Integer call() throws Exception {
        Console console = output.console();
        try {
            List<ProfilePlan> plans = plans(console);
            String activator = Closure.addFile(DeployRun.activatorJar());
            List<StatusStep.ProfileStatus> all;
            try (MinaConnector connector = new MinaConnector(warning -> console.warn("ssh", warning))) {
                StatusStep step = new StatusStep(connector, console, activator, ActivatorRuntime.configured());
                all = HostTask.eachHostAtOnce(plans, step::read);
            }
            all.forEach(s -> show(console, s));
            return all.stream().map(StatusStep.ProfileStatus::code).min(Comparator.comparingInt(ExitCode::urgency))
                    .orElse(ExitCode.OK).code;
        } catch (DeployException e) {
            return output.failed(console, e);
        }
    }

    private List<ProfilePlan> plans(Console console) throws DeployException {
        Optional<NodeSelector> selector = on == null ? Optional.empty() : Optional.of(NodeSelector.parse(on));
        Map<String, DeployConfig> configs = new LinkedHashMap<>();
        List<ProfilePlan> plans = new ArrayList<>();
        List<FlakeRef> refs = new ArrayList<>();
        for (String target : targets.isEmpty() ? List.of(".") : targets) {
            try {
                refs.add(FlakeRef.parse(target));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(e.getMessage());
            }
        }
        boolean severalFlakes = refs.stream().map(FlakeRef::flake).distinct().count() > 1;
        for (FlakeRef ref : refs) {
            DeployConfig config = configs.get(ref.flake());
            if (config == null) {
                console.debug("", "evaluating " + ref.flake() + "#deploy");
                config = ConfigParser.parse(FlakeEvaluator.settings(NixSource.flake(ref.flake()), List.of()));
                configs.put(ref.flake(), config);
            }
            for (ProfilePlan plan : Planner.plan(config, ref, overrides(), Optional.empty(), selector)) {
                plans.add(severalFlakes ? plan.inFlake(ref.flake()) : plan);
            }
        }
        if (plans.isEmpty()) {
            throw new ConfigException("no profile matches " + String.join(" ", targets) + (on == null ? "" : " --on " + on));
        }
        return plans;
    }

    private Settings overrides() throws ConfigException {
        if (sshOpts == null) {
            return Settings.EMPTY;
        }
        return new Settings(null, null, SettingsOverrides.sshOpts(sshOpts), null, null, null, null, null, null, null,
                null, null, null, null, null);
    }

    private static void show(Console console, StatusStep.ProfileStatus s) {
        String who = s.plan().name();
        s.settled().forEach(m -> console.report("settled", who, Map.of("message", m), "settled now: " + m));
        if (s.status().isEmpty()) {
            console.report("status", who, Map.of("node", s.plan().node(), "error",
                    s.failure().orElse("")), "state unknown: " + s.failure().orElse(""));
            return;
        }
        Event e = s.status().get();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("node", s.plan().node());
        fields.put("profilePath", e.profile);
        fields.put("generation", e.generation);
        fields.put("storePath", e.storePath);
        fields.put("generationTime", e.generationTime);
        fields.put("deploymentId", e.deploymentId);
        fields.put("state", e.state == null ? null : e.state.name().toLowerCase(java.util.Locale.ROOT));
        fields.put("deployedAt", e.time);
        fields.put("deadline", e.state == DeploymentState.AWAITING ? e.deadline : null);
        fields.put("watcherAlive", e.watcherAlive);
        fields.put("settledNow", !s.settled().isEmpty());
        fields.values().removeIf(java.util.Objects::isNull);
        console.report("status", who, fields, human(e));
    }

    private static String human(Event e) {
        String now = e.generation == null ? "no generation" : "generation " + e.generation + " " + e.storePath
                + (e.generationTime == null ? "" : " (made " + TIME.format(Instant.ofEpochMilli(e.generationTime)) + ")");
        if (e.state == null) {
            return now + "; no deployment recorded";
        }
        String last = "; last deployment " + e.deploymentId + ": " + e.state
                + (e.time == null ? "" : " at " + TIME.format(Instant.ofEpochMilli(e.time)));
        String pending = e.state == DeploymentState.AWAITING ? "; awaiting confirmation until "
                + TIME.format(Instant.ofEpochMilli(e.deadline)) + ", watcher " + (Boolean.TRUE.equals(e.watcherAlive)
                ? "alive" : "NOT running") : "; nothing pending";
        return now + last + pending;
    }
}
