package nixdeploy.deployer.steps;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ActivationRunTest {
    @Test
    void onlyAConfirmationThatFollowsTheActivationAtOnceMayUseAConnectionOpenedWhenItFinished() {
        Invocation plain = StepFixtures.invocation();
        Invocation checked = new Invocation(plain.plan(), plain.target(), plain.hostAddress(), plain.sshUser(),
                plain.profileUser(), plain.launch(), plain.profilePath(), plain.token(), null,
                List.of(new AnyCheck()), plain.deploymentId());
        ProfileDeployer.Mode deploy = new ProfileDeployer.Mode(false, false, false);

        assertThat(ActivationRun.confirmsAtOnce(plain, deploy)).isTrue();
        assertThat(ActivationRun.confirmsAtOnce(checked, deploy)).as("health checks run first").isFalse();
    }

    /** A check that is never run here. */
    private static final class AnyCheck implements nixdeploy.deployer.health.HealthCheck {
        @Override
        public String name() {
            return "any";
        }

        @Override
        public Policy policy() {
            return new Policy(0, Duration.ZERO, Duration.ofSeconds(1));
        }

        @Override
        public Attempt attempt(nixdeploy.deployer.health.CheckContext context) {
            return new Attempt(true, "200", "");
        }
    }
}
