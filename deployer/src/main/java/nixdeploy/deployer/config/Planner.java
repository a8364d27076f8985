package nixdeploy.deployer.config;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Picks the profiles a target names and resolves their settings (profile over node over deploy,
 * the command line over all). Settings are checked once merged, for the selected profiles only:
 * a flake's value the command line overrides is never used (deploy-rs's own test flake has
 * {@code confirmTimeout = 0}, deployed with {@code --confirm-timeout 30}).
 */
public final class Planner {
    private Planner() {}

    public static List<ProfilePlan> plan(DeployConfig config, FlakeRef target, Settings cliOverrides,
            Optional<String> hostnameOverride) throws ConfigException {
        return plan(config, target, cliOverrides, hostnameOverride, Optional.empty());
    }

    /**
     * The plans of {@code target}'s nodes that {@code on} matches; with {@code on}, matching none of
     * them gives no plans (the caller reports a selection that matched nothing in any target).
     */
    public static List<ProfilePlan> plan(DeployConfig config, FlakeRef target, Settings cliOverrides,
            Optional<String> hostnameOverride, Optional<NodeSelector> on) throws ConfigException {
        if (hostnameOverride.isPresent() && !Names.isHost(hostnameOverride.get())) {
            throw new ConfigException("--hostname '" + Names.printable(hostnameOverride.get())
                    + "' is not a host name or address");
        }
        List<DeployConfig.Node> nodes = new ArrayList<>();
        if (target.node().isPresent()) {
            DeployConfig.Node node = config.nodes().get(target.node().get());
            if (node == null) {
                throw new ConfigException("no node '" + target.node().get() + "' in " + target.flake()
                        + "; its nodes are: " + known(config.nodes().keySet()));
            }
            nodes.add(node);
        } else {
            nodes.addAll(config.nodes().values());
        }
        if (nodes.isEmpty()) {
            throw new ConfigException("the flake " + target.flake() + " defines no nodes under deploy.nodes");
        }
        nodes.removeIf(n -> on.isPresent() && !on.get().matches(n.name(), n.tags()));
        List<ProfilePlan> plans = new ArrayList<>();
        for (DeployConfig.Node node : nodes) {
            if (hostnameOverride.isEmpty() && !Names.isHost(node.hostname())) {
                throw new ConfigException(Names.nodeAt(node.name()) + ".hostname '" + Names.printable(node.hostname())
                        + "' is not a host name or address");
            }
            for (String profileName : profileNames(node, target.profile())) {
                DeployConfig.Profile profile = node.profiles().get(profileName);
                if (profile == null) {
                    throw new ConfigException("node '" + node.name() + "' has no profile '" + profileName
                            + "'; its profiles are: " + known(node.profiles().keySet()));
                }
                Settings merged = cliOverrides.over(profile.settings().over(node.settings().over(config.settings())));
                List<Settings> levels = List.of(cliOverrides, profile.settings(), node.settings(), config.settings());
                List<String> where = List.of("--", Names.profileAt(node.name(), profileName) + ".",
                        Names.nodeAt(node.name()) + ".", "deploy.");
                checkSeconds("confirmTimeout", Settings::confirmTimeout, levels, where);
                checkSeconds("activationTimeout", Settings::activationTimeout, levels, where);
                boolean own = profile.healthChecks() != null;
                plans.add(new ProfilePlan(node.name(), profileName, hostnameOverride.orElse(node.hostname()),
                        node.tags(), profile.path(), Optional.ofNullable(profile.profilePath()), merged,
                        own ? profile.healthChecks() : node.healthChecks(),
                        "deploy.nodes." + node.name() + (own ? ".profiles." + profileName : "") + ".healthChecks"));
            }
        }
        if (plans.isEmpty() && !nodes.isEmpty()) {
            throw new ConfigException("nothing to deploy: " + target + " selects nodes without profiles");
        }
        return plans;
    }

    /**
     * {@code plans} with their store paths, from {@code paths} ({@code {node: {profile: {path, ...}}}},
     * what FlakeEvaluator gives for the selected profiles), each checked as the flake's {@code path}.
     */
    public static List<ProfilePlan> withPaths(List<ProfilePlan> plans, JsonElement paths) throws ConfigException {
        List<ProfilePlan> out = new ArrayList<>();
        for (ProfilePlan plan : plans) {
            String where = Names.profileAt(plan.node(), plan.profile());
            JsonElement path = paths.isJsonObject() && paths.getAsJsonObject().get(plan.node()) instanceof JsonObject n
                    && n.get(plan.profile()) instanceof JsonObject evaluated ? evaluated.get("path") : null;
            if (path == null || path.isJsonNull()) {
                throw new ConfigException(where + " has no 'path', which is required");
            }
            out.add(plan.withStorePath(ConfigParser.storePath(path, where + ".path")));
        }
        return out;
    }

    /**
     * The timeout {@code key} from the first of {@code levels} (command line, profile, node, deploy)
     * that sets it must be in range; the error names that level ({@code where}, a prefix each).
     */
    private static void checkSeconds(String key, Function<Settings, Integer> get, List<Settings> levels,
            List<String> where) throws ConfigException {
        for (int i = 0; i < levels.size(); i++) {
            Integer value = get.apply(levels.get(i));
            if (value != null) {
                if (value < 1 || value > 86_400) {
                    String name = i == 0 ? key.replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT) : key;
                    throw new ConfigException(where.get(i) + name + " must be whole seconds from 1 to 86400, not "
                            + value);
                }
                return;
            }
        }
    }

    /** {@code profilesOrder} first, then the other profiles by name, as deploy-rs does. */
    private static List<String> profileNames(DeployConfig.Node node, Optional<String> only) {
        if (only.isPresent()) {
            return List.of(only.get());
        }
        Set<String> names = new LinkedHashSet<>(node.profilesOrder());
        names.addAll(new TreeSet<>(node.profiles().keySet()));
        return List.copyOf(names);
    }

    private static String known(Set<String> names) {
        return names.isEmpty() ? "(none)" : String.join(", ", new TreeSet<>(names));
    }
}
