package nixdeploy.deployer.nix;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import nixdeploy.deployer.config.ProfilePlan;
import org.junit.jupiter.api.Test;

/**
 * The arguments after {@code --} reach every Nix command that evaluates the flake, as with
 * deploy-rs: with {@code --impure} or {@code --override-input} in the build only, the deployer would
 * build one profile and deploy another.
 */
class ExtraNixArgsTest {
    static final List<String> EXTRA = List.of("--impure", "--override-input", "nixpkgs", "path:/tmp/np");
    static final List<ProfilePlan> PLANS = List.of(FlakeEvaluatorTest.plan("web", "system"));

    @Test
    void theSettingsEvaluationGetsThem() {
        assertThat(FlakeEvaluator.settingsArgv(NixSource.flake("."), EXTRA)).containsSubsequence(EXTRA);
    }

    @Test
    void thePathsEvaluationGetsThem() {
        assertThat(FlakeEvaluator.pathsArgv(NixSource.flake("."), PLANS, EXTRA)).startsWith("nix", "eval").containsSubsequence(EXTRA);
    }

    @Test
    void theBuildGetsThem() {
        assertThat(Builder.buildArgv(NixSource.flake("."), PLANS, EXTRA, Optional.empty())).startsWith("nix", "build")
                .containsSubsequence(EXTRA);
        assertThat(Builder.buildArgv(NixSource.flake("."), PLANS, EXTRA, Optional.of(Path.of("/tmp/gc"))))
                .containsSubsequence(EXTRA);
    }

    @Test
    void theChecksGetThem() {
        assertThat(Builder.checkArgv(NixSource.flake("."), EXTRA)).startsWith("nix", "flake", "check").containsSubsequence(EXTRA);
    }

    @Test
    void theDerivationForABuildOnTheHostGetsThem() {
        assertThat(Builder.derivationArgv(NixSource.flake("."), PLANS.get(0), EXTRA)).startsWith("nix", "eval")
                .containsSubsequence(EXTRA);
    }
}
