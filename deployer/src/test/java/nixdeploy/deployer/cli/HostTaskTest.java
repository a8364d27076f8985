package nixdeploy.deployer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import nixdeploy.deployer.config.ProfilePlan;
import nixdeploy.deployer.config.Settings;
import org.junit.jupiter.api.Test;

/** Profiles grouped into one task per host, node by node. */
class HostTaskTest {
    private static ProfilePlan plan(String node, String profile, String host) {
        return new ProfilePlan(node, profile, host, List.of(), null, Optional.empty(), Settings.EMPTY, null, "");
    }

    @Test
    void nodesThatShareAHostGoInOneTaskInTheirOrder() {
        List<HostTask> tasks = HostTask.of(List.of(plan("a", "system", "h1"), plan("b", "system", "h2"),
                plan("a", "app", "h1"), plan("c", "system", "h1")));

        assertThat(tasks).containsExactly(
                new HostTask("h1", List.of(new HostTask.Node("#a", List.of(0, 2)), new HostTask.Node("#c", List.of(3)))),
                new HostTask("h2", List.of(new HostTask.Node("#b", List.of(1)))));
        assertThat(HostTask.profiles(tasks)).containsExactly(0, 2, 3, 1);
    }

    @Test
    void theSameNodeNameInTwoFlakesIsTwoNodes() {
        List<HostTask> tasks = HostTask.of(List.of(plan("web", "app", "h").inFlake("./a"),
                plan("web", "app", "h").inFlake("./b")));

        assertThat(tasks.get(0).nodes()).extracting(HostTask.Node::name).containsExactly("./a#web", "./b#web");
        assertThat(List.of(plan("web", "app", "h").inFlake("./a").name(), plan("web", "app", "h").name()))
                .containsExactly("./a#web.app", "web.app");
    }
}
