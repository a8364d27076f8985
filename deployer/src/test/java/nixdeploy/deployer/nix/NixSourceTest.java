package nixdeploy.deployer.nix;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import nixdeploy.deployer.config.ProfilePlan;
import nixdeploy.deployer.config.Settings;
import org.junit.jupiter.api.Test;

/** --file: the same nix eval/build commands as for a flake, with attribute paths of the file. */
class NixSourceTest {
    static final NixSource FILE = NixSource.file(".");
    static final List<ProfilePlan> PLANS = List.of(
            new ProfilePlan("web.eu", "system", "h", List.of(), null, Optional.empty(), Settings.EMPTY, null, ""),
            new ProfilePlan("db", "app", "h", List.of(), null, Optional.empty(), Settings.EMPTY, null, ""));

    @Test
    void aFileIsEvaluatedWithNixEvalFileAndTheSameProjection() {
        assertThat(FlakeEvaluator.settingsArgv(FILE, List.of("--arg", "x", "1")))
                .containsExactly("nix", "eval", "--json", "--file", ".", "deploy", "--apply", FlakeEvaluator.SETTINGS,
                        "--arg", "x", "1");
        assertThat(FlakeEvaluator.pathsArgv(FILE, PLANS, List.of()))
                .containsExactly("nix", "eval", "--json", "--file", ".", "deploy", "--apply",
                        FlakeEvaluator.selection(PLANS));
    }

    @Test
    void aFilesProfilesAreBuiltInOneNixBuildFileWithQuotedAttributePaths() {
        assertThat(Builder.buildArgv(FILE, PLANS, List.of("--offline"), Optional.empty()))
                .containsExactly("nix", "build", "--json", "--no-link", "--file", ".",
                        "deploy.nodes.\"web.eu\".profiles.\"system\".path", "deploy.nodes.\"db\".profiles.\"app\".path",
                        "--offline");
        assertThat(Builder.derivationArgv(FILE, PLANS.get(1), List.of()))
                .containsExactly("nix", "eval", "--raw", "--file", ".", "deploy.nodes.\"db\".profiles.\"app\".path.drvPath");
    }

    @Test
    void aFlakeKeepsItsInstallables() {
        assertThat(Builder.buildArgv(NixSource.flake("path:/x"), PLANS.subList(0, 1), List.of(), Optional.empty()))
                .containsExactly("nix", "build", "--json", "--no-link", "path:/x#deploy.nodes.\"web.eu\".profiles.\"system\".path");
        assertThat(Builder.checkArgv(NixSource.flake("."), List.of())).containsExactly("nix", "flake", "check", ".");
    }

    @Test
    void aFilesChecksAreItsChecksForThisSystemAsDeployRsBuildsThem() {
        List<String> argv = Builder.checkArgv(FILE, List.of("--offline"));

        assertThat(argv).startsWith("nix", "build", "--no-link", "--impure", "--expr").endsWith("--offline");
        assertThat(argv.get(5)).contains("import \"" + Path.of(".").toAbsolutePath().normalize() + "\"")
                .contains("builtins.isFunction r then r { }").contains("x.checks.${builtins.currentSystem} or { }");
    }
}
