package nixdeploy.deployer.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Picks the profiles a target names and resolves their settings (profile over node over deploy). */
public final class Planner {
    private Planner() {}

    public static List<ProfilePlan> plan(DeployConfig config, FlakeRef target, Settings cliOverrides,
            Optional<String> hostnameOverride) throws ConfigException {
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
        List<ProfilePlan> plans = new ArrayList<>();
        for (DeployConfig.Node node : nodes) {
            for (String profileName : profileNames(node, target.profile())) {
                DeployConfig.Profile profile = node.profiles().get(profileName);
                if (profile == null) {
                    throw new ConfigException("node '" + node.name() + "' has no profile '" + profileName
                            + "'; its profiles are: " + known(node.profiles().keySet()));
                }
                Settings merged = cliOverrides.over(profile.settings().over(node.settings().over(config.settings())));
                boolean own = profile.healthChecks() != null;
                plans.add(new ProfilePlan(node.name(), profileName, hostnameOverride.orElse(node.hostname()),
                        node.tags(), profile.path(), Optional.ofNullable(profile.profilePath()), merged,
                        own ? profile.healthChecks() : node.healthChecks(),
                        "deploy.nodes." + node.name() + (own ? ".profiles." + profileName : "") + ".healthChecks"));
            }
        }
        if (plans.isEmpty()) {
            throw new ConfigException("nothing to deploy: " + target + " selects nodes without profiles");
        }
        return plans;
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
