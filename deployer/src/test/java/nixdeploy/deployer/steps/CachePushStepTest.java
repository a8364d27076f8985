package nixdeploy.deployer.steps;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import nixdeploy.deployer.config.ProfilePlan;
import nixdeploy.deployer.config.Settings;
import org.junit.jupiter.api.Test;

class CachePushStepTest {
    static final String JAR = "/nix/store/00000000000000000000000000000000-activator.jar";
    static final String WEB = "/nix/store/11111111111111111111111111111111-web";
    static final String DB = "/nix/store/22222222222222222222222222222222-db";
    static final String TOOLS = "/nix/store/33333333333333333333333333333333-tools";

    static ProfilePlan plan(String node, String path, Settings settings) {
        return new ProfilePlan(node, "system", node, List.of(), path, Optional.empty(), settings, null, "");
    }

    static Settings remoteBuild() {
        return new Settings(null, null, null, null, null, null, null, null, null, null, null, true, null, null, null);
    }

    @Test
    void eachCacheGetsItsProfilesAndTheActivatorOnce() {
        List<ProfilePlan> plans = List.of(
                plan("web", WEB, Settings.EMPTY.withCache("file:///a")),
                plan("db", DB, Settings.EMPTY.withCache("s3://b")),
                plan("web2", WEB, Settings.EMPTY.withCache("file:///a")),
                plan("plain", TOOLS, Settings.EMPTY),
                plan("built-there", TOOLS, remoteBuild().withCache("file:///a")));

        assertThat(CachePushStep.rootsByCache(plans, JAR))
                .containsExactly(
                        java.util.Map.entry("file:///a", List.of(WEB, JAR)),
                        java.util.Map.entry("s3://b", List.of(DB, JAR)));
    }

    @Test
    void messagesShowTheUrlWithoutItsParameters() {
        assertThat(CachePushStep.shown("file:///srv/cache?secret-key=/etc/nix/k.sec&compression=zstd"))
                .isEqualTo("file:///srv/cache");
        assertThat(CachePushStep.shown("https://cache.example.org")).isEqualTo("https://cache.example.org");
    }

    @Test
    void pathsStillSentDespiteACacheAreExplainedOnlyWhenTheyShouldHaveComeFromIt() {
        ProfileDeployer.Mode deploy = new ProfileDeployer.Mode(false, false, false);

        assertThat(CachePushStep.notSubstituted(plan("web", WEB, Settings.EMPTY.withCache("http://c")), deploy, 3))
                .hasValueSatisfying(w -> assertThat(w).contains("3 path(s)").contains("http://c")
                        .contains("substituters").contains("trusted-public-keys"));
        assertThat(CachePushStep.notSubstituted(plan("web", WEB, Settings.EMPTY), deploy, 3)).isEmpty();
        assertThat(CachePushStep.notSubstituted(plan("web", WEB, remoteBuild().withCache("http://c")), deploy, 3))
                .isEmpty();
        assertThat(CachePushStep.notSubstituted(plan("web", WEB, Settings.EMPTY.withCache("http://c")),
                ProfileDeployer.Mode.rollbackTo("previous"), 1)).isEmpty();
    }
}
