package nixdeploy.deployer.steps;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import nixdeploy.deployer.remote.SshTarget;
import org.junit.jupiter.api.Test;

class EarlyConnectionsTest {

    @Test
    void noneStartsNothingSoEveryProfileConnectsWhenPrepared() {
        // --interactive, --dry-run and --evaluate-only connect to nothing before their time
        EarlyConnections none = EarlyConnections.none();
        none.start(List.of(StepFixtures.plan()));

        assertThat(none.take(SshTarget.of(StepFixtures.plan().hostname(), StepFixtures.plan().sshUser().orElse(null))))
                .as("a connection that never comes would hang the deploy").isEmpty();
    }
}
