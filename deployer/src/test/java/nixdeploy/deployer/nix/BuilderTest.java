package nixdeploy.deployer.nix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import nixdeploy.deployer.config.ProfilePlan;
import org.junit.jupiter.api.Test;

/** The build of the evaluated derivations, which spares the paths a second evaluation. */
class BuilderTest {
    static final String WEB = "/nix/store/0f9k2yd3ffzmmqd6yrwfh9n9dfxgkm2d-web.drv";
    static final String DB = "/nix/store/9k6l2cc1fjp1wmnbcbasyzkvn4c4ayk6-db.drv";

    @Test
    void buildsEachDerivationsOutputInThePlansOrderWithTheExtraArguments() {
        List<ProfilePlan> plans = List.of(FlakeEvaluatorTest.plan("web", "system"), FlakeEvaluatorTest.plan("db",
                "system"));
        Map<String, String> derivations = Map.of(plans.get(0).name(), WEB + "^out", plans.get(1).name(), DB + "^bin");

        assertThat(Builder.derivationsArgv(plans, derivations, List.of("--max-jobs", "2"), Optional.empty()))
                .containsExactly("nix", "build", "--json", "--no-link", WEB + "^out", DB + "^bin", "--max-jobs", "2");
    }

    @Test
    void aNixThatCannotBuildADerivationsOutputOrAMissingDerivationMeansBuildTheAttributes() throws Exception {
        assumeTrue(PathInfoTest.onPath("nix"), "nix is not on PATH");
        String absent = "/nix/store/00000000000000000000000000000000-nixdeploy-absent.drv";

        // Nix before 2.13: "not a valid URL"; later: a missing derivation (as when collected)
        NixCli.Output output = NixCli.run(List.of("nix", "build", "--json", "--no-link", absent + "^out"));

        assertThat(output.exitCode()).isNotZero();
        assertThat(Builder.refusesDerivationOutputs(output.stderr())).as(output.stderr()).isTrue();
        assertThat(Builder.refusesDerivationOutputs("error: builder for '" + WEB + "' failed with exit code 1"))
                .isFalse();
    }

    @Test
    void whatIsBuiltIsWhatWasEvaluatedWithoutEvaluatingItAgain(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        assumeTrue(PathInfoTest.onPath("nix"), "nix is not on PATH");
        java.nio.file.Path name = java.nio.file.Files.writeString(dir.resolve("name"), "nixdeploy-evaluated-once");
        java.nio.file.Files.writeString(dir.resolve("flake.nix"), "{ outputs = { self }: { deploy.nodes.web.profiles"
                + ".system.path = derivation { name = builtins.readFile " + name + "; system = builtins.currentSystem;"
                + " builder = \"/bin/sh\"; args = [ \"-c\" \"echo $name > $out\" ]; }; }; }");
        NixSource flake = NixSource.flake("path:" + dir);
        List<ProfilePlan> plans = List.of(FlakeEvaluatorTest.plan("web", "system"));
        List<String> impure = List.of("--impure");
        com.google.gson.JsonElement paths = FlakeEvaluator.paths(flake, plans, impure);
        String evaluated = paths.getAsJsonObject().getAsJsonObject("web").getAsJsonObject("system").get("path")
                .getAsString();
        Optional<String> derivation = FlakeEvaluator.derivation(paths, plans.get(0));
        // evaluated again, the path would now be another one
        java.nio.file.Files.writeString(name, "nixdeploy-evaluated-twice");

        List<ProfilePlan> withPath = List.of(plans.get(0).withStorePath(evaluated));
        Builder.build(flake, withPath, Map.of(plans.get(0).name(), derivation.orElseThrow()), impure, Optional.empty());

        NixCli.Output version = NixCli.run(List.of("nix", "--version"));
        boolean before213 = version.stdout().matches("(?s).*\\b2\\.([0-9]|1[0-2])\\.[0-9]+\\s*$");
        assertThat(derivation.get()).endsWith("-nixdeploy-evaluated-once.drv^out");
        assertThat(java.nio.file.Files.exists(java.nio.file.Path.of(evaluated)))
                .as("built what was evaluated (%s); Nix before 2.13 builds the attribute again", version.stdout())
                .isEqualTo(!before213);
    }
}
