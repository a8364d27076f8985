package nixdeploy.deployer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class EarlyEvaluationTest {
    @Test
    void theFlakeOfATargetWithAFragmentIsGuessedAmongOptions() {
        assertThat(EarlyEvaluation.flake(List.of("-s", "./infra#web", "--ssh-user", "admin"))).contains("./infra");
        assertThat(EarlyEvaluation.flake(List.of("#web"))).contains(".");
    }

    @Test
    void theFlakeOptionIsReadInBothSpellings() {
        assertThat(EarlyEvaluation.flake(List.of("--flake", "github:org/infra#web"))).contains("github:org/infra");
        assertThat(EarlyEvaluation.flake(List.of("--flake=.#web.system"))).contains(".");
    }

    @Test
    void severalTargetsOfOneFlakeNameIt() {
        assertThat(EarlyEvaluation.flake(List.of("--targets", ".#web", ".#db"))).contains(".");
    }

    @Test
    void nothingIsGuessedForSeveralFlakesNoTargetOrABadOne() {
        assertThat(EarlyEvaluation.flake(List.of(".#web", "../other#db"))).isEmpty();
        assertThat(EarlyEvaluation.flake(List.of("-s", "."))).isEmpty();
        assertThat(EarlyEvaluation.flake(List.of(".#\"unterminated"))).isEmpty();
        assertThat(EarlyEvaluation.flake(List.of())).isEmpty();
    }

    @Test
    void subcommandsHelpAndFilesAreNoFlakeDeployment() {
        assertThat(EarlyEvaluation.flake(List.of("status", ".#web"))).isEmpty();
        assertThat(EarlyEvaluation.flake(List.of("rollback", ".#web"))).isEmpty();
        assertThat(EarlyEvaluation.flake(List.of(".#web", "--help"))).isEmpty();
        assertThat(EarlyEvaluation.flake(List.of("--file", "deploy.nix", "deploy.nix#web"))).isEmpty();
        assertThat(EarlyEvaluation.flake(List.of("--file=deploy.nix", "deploy.nix#web"))).isEmpty();
    }
}
