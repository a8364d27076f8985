package nixdeploy.deployer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.ExitCode;
import nixdeploy.deployer.config.ProfilePlan;
import nixdeploy.deployer.config.Settings;
import org.junit.jupiter.api.Test;

/** --interactive: only an explicit yes deploys; without a terminal it refuses instead of hanging. */
class DeployPromptTest {
    static final Settings ROOT = new Settings("admin", "root", null, null, null, null, null, null, null, null, null,
            null, null, null, null);
    static final List<ProfilePlan> PLANS = List.of(
            new ProfilePlan("web", "system", "web.example.com", List.of(), "/nix/store/aaa-system", Optional.empty(),
                    ROOT, null, ""),
            new ProfilePlan("web", "app", "web.example.com", List.of(), "/nix/store/bbb-app", Optional.empty(),
                    ROOT, null, ""));

    @Test
    void onlyYOrYesIsYes() {
        assertThat(List.of("y", "Y", "yes", " YES \n")).allMatch(DeployPrompt::isYes);
        assertThat(new ArrayList<>(List.of("", "n", "no", "yess", "ok", "sure"))).noneMatch(DeployPrompt::isYes);
        assertThat(DeployPrompt.isYes(null)).as("end of input").isFalse();
    }

    @Test
    void showsEachProfilesStorePathHostAndProfilePathBeforeAsking() throws DeployException {
        List<String> shown = new ArrayList<>();
        List<String> asked = new ArrayList<>();

        boolean yes = DeployPrompt.confirm(PLANS, shown::add, q -> {
            asked.add(q);
            return "yes";
        });

        assertThat(yes).isTrue();
        assertThat(asked).containsExactly("Deploy these profiles? [y/N] ");
        assertThat(String.join("\n", shown)).contains("web.system  /nix/store/aaa-system")
                .contains("to admin@web.example.com, profile /nix/var/nix/profiles/system of user root")
                .contains("web.app  /nix/store/bbb-app").contains("/nix/var/nix/profiles/per-user/root/app");
    }

    @Test
    void anythingButYesDeclines() throws DeployException {
        assertThat(DeployPrompt.confirm(PLANS, s -> { }, q -> "")).isFalse();
        assertThat(DeployPrompt.confirm(PLANS, s -> { }, q -> null)).isFalse();
    }

    @Test
    void withoutATerminalItRefusesAsBadInput() {
        assertThatThrownBy(() -> DeployPrompt.confirm(PLANS, s -> { }, null))
                .isInstanceOfSatisfying(DeployException.class,
                        e -> assertThat(e.exitCode()).isEqualTo(ExitCode.BAD_INPUT))
                .hasMessageContaining("--interactive").hasMessageContaining("terminal")
                .hasMessageContaining("Nothing was changed");
    }

    @Test
    void anExplicitProfilePathIsShownAsItIs() {
        ProfilePlan plan = new ProfilePlan("n", "p", "h", List.of(), "/nix/store/x", Optional.of("/home/u/.p"),
                Settings.EMPTY, null, "");

        assertThat(DeployPrompt.profilePath(plan)).isEqualTo("/home/u/.p");
        assertThat(DeployPrompt.describe(List.of(plan)).get(2)).contains("to h,").contains("of the SSH user");
    }
}
