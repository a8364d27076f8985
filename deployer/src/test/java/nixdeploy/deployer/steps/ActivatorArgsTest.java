package nixdeploy.deployer.steps;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The activator's {@code activate} arguments for a deploy and for {@code deploy rollback}. */
class ActivatorArgsTest {
    @Test
    void aDeployActivatesThePlansStorePath() {
        List<String> args = ActivatorArgs.activate(StepFixtures.plan(), new ProfileDeployer.Mode(false, false, false),
                "0123456789abcdef");

        assertThat(args).containsSequence("--closure", StepFixtures.plan().storePath())
                .doesNotContain("--generation").contains("--magic-rollback", "--auto-rollback");
    }

    @Test
    void aRollbackNamesTheGenerationNotAStorePathAndKeepsMagicRollback() {
        List<String> args = ActivatorArgs.activate(StepFixtures.plan().withStorePath(null),
                ProfileDeployer.Mode.rollbackTo("3"), "0123456789abcdef");

        assertThat(args).containsSequence("--generation", "3").doesNotContain("--closure")
                .contains("--magic-rollback", "--confirm-timeout");
    }
}
