package nixdeploy.deployer.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import nixdeploy.deployer.Background;
import nixdeploy.deployer.config.ProfilePlan;

/**
 * The profiles one host receives in a run, node by node and each node's in order: one task per
 * host, so a host never runs two deployments at once. Profiles are indexes into the run's plans.
 */
record HostTask(String hostname, List<Node> nodes) {
    /** One node's profiles; after one fails, the node's later ones are skipped. */
    record Node(String name, List<Integer> profiles) {
    }

    List<Integer> profiles() {
        return nodes.stream().flatMap(n -> n.profiles().stream()).toList();
    }

    static List<Integer> profiles(List<HostTask> hosts) {
        return hosts.stream().flatMap(h -> h.profiles().stream()).toList();
    }

    /**
     * {@code read} of each host's plans, all hosts at once and each host's plans together, as one
     * list in the hosts' order.
     */
    static <R> List<R> eachHostAtOnce(List<ProfilePlan> plans, Function<List<ProfilePlan>, List<R>> read) {
        List<CompletableFuture<List<R>>> hosts = of(plans).stream()
                .map(h -> Background.supply(() -> read.apply(h.profiles().stream().map(plans::get).toList())))
                .toList();
        return hosts.stream().flatMap(h -> h.join().stream()).toList();
    }

    /** {@code plans}' indexes grouped by host, then by node (of a flake), in the plans' order. */
    static List<HostTask> of(List<ProfilePlan> plans) {
        Map<String, Map<String, List<Integer>>> hosts = new LinkedHashMap<>();
        for (int i = 0; i < plans.size(); i++) {
            ProfilePlan plan = plans.get(i);
            hosts.computeIfAbsent(plan.hostname(), h -> new LinkedHashMap<>())
                    .computeIfAbsent(plan.flake() + "#" + plan.node(), n -> new ArrayList<>()).add(i);
        }
        return hosts.entrySet().stream().map(host -> new HostTask(host.getKey(), host.getValue().entrySet().stream()
                .map(node -> new Node(node.getKey(), List.copyOf(node.getValue()))).toList())).toList();
    }
}
