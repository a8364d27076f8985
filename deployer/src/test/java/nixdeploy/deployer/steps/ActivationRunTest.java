package nixdeploy.deployer.steps;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ActivationRunTest {
    @Test
    void onlyAConfirmationThatFollowsTheActivationAtOnceMayUseAConnectionOpenedWhenItFinished() {
        Invocation plain = StepFixtures.invocation();
        Invocation checked = new Invocation(plain.plan(), plain.target(), plain.hostAddress(), plain.sshUser(),
                plain.profileUser(), plain.launch(), plain.profilePath(), plain.token(), null,
                List.of(StepFixtures.unhealthy()), plain.deploymentId());
        ProfileDeployer.Mode deploy = new ProfileDeployer.Mode(false, false, false);

        assertThat(ActivationRun.confirmsAtOnce(plain, deploy)).isTrue();
        assertThat(ActivationRun.confirmsAtOnce(checked, deploy)).as("health checks run first").isFalse();
    }
}
