package nixdeploy.deployer.nix;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import nixdeploy.deployer.config.ProfilePlan;
import nixdeploy.deployer.config.Settings;
import org.junit.jupiter.api.Test;

/** What the deployer asks Nix to evaluate (the evaluations themselves run in DeployIT). */
class FlakeEvaluatorTest {
    static ProfilePlan plan(String node, String profile) {
        return new ProfilePlan(node, profile, node, List.of(), null, Optional.empty(), Settings.EMPTY, null, "");
    }

    @Test
    void theSettingsProjectionPutsTrueForEachProfilesPathWithoutReadingIt() {
        assertThat(FlakeEvaluator.SETTINGS)
                .contains("profile = each (n: v: if n == \"path\" then true else walk v)")
                .contains("if n == \"profiles\" then each (p: profile) v")
                .contains("if n == \"nodes\" then each (name: node) v");
    }

    @Test
    void theSelectionNamesEachSelectedProfileOnceAndNothingElse() {
        String selection = FlakeEvaluator.selection(List.of(plan("web", "system"), plan("web", "app"),
                plan("db", "system"), plan("web", "system")));

        assertThat(selection)
                .startsWith("deploy: let walk = v:")
                .contains("path = n: p: let v = deploy.nodes.${n}.profiles.${p}.path; w = walk v; in"
                        + " { path = w; derivation = derivation v w; };")
                .endsWith("in { \"web\" = { \"system\" = path \"web\" \"system\"; \"app\" = path \"web\" \"app\"; };"
                        + " \"db\" = { \"system\" = path \"db\" \"system\"; }; }");
    }

    @Test
    void namesAreWrittenAsNixStringsThatInterpolateNothing() {
        assertThat(FlakeEvaluator.nixString("a\"b${c}\\d")).isEqualTo("\"a\\\"b\\${c}\\\\d\"");
    }

    @Test
    void theSettingsAreReadFromTheFlakesDeployOutput() {
        assertThat(FlakeEvaluator.settingsArgv(NixSource.flake("path:/x"), List.of()))
                .containsExactly("nix", "eval", "--json", "path:/x#deploy", "--apply", FlakeEvaluator.SETTINGS);
    }
}
