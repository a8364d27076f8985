package nixdeploy.deployer.steps;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import nixdeploy.protocol.DeploymentState;
import nixdeploy.protocol.Event;
import nixdeploy.protocol.EventType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** After losing the host, the outcome is what the host's status says, never a guess. */
class RecoverStepTest {
    private static Optional<Event> status(DeploymentState state, String deploymentId) {
        return Optional.of(Event.of(EventType.RESULT).exitCode(0).state(state).deploymentId(deploymentId)
                .previousGeneration(6L).message("said"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"ROLLED_BACK, ROLLED_BACK", "CONFIRMED, CONFIRMED", "ROLLBACK_FAILED, ROLLBACK_FAILED",
        "SUPERSEDED, SUPERSEDED", "AWAITING, STATE_UNKNOWN"})
    void theStateReadBackIsTheOutcome(DeploymentState state, Outcome.Status expected) {
        Outcome outcome = RecoverStep.outcome(StepFixtures.invocation(), "lost", status(state, StepFixtures.DEPLOYMENT));

        assertThat(outcome.status()).isEqualTo(expected);
    }

    @Test
    void aHostThatStaysUnreachableIsStateUnknownWithHowToCheck() {
        Outcome outcome = RecoverStep.outcome(StepFixtures.invocation(), "lost", Optional.empty());

        assertThat(outcome.status()).isEqualTo(Outcome.Status.STATE_UNKNOWN);
        assertThat(outcome.message()).contains("status --profile " + StepFixtures.PROFILE);
    }

    @Test
    void anotherDeploymentsRecordMeansThisOneNeverStarted() {
        Outcome outcome = RecoverStep.outcome(StepFixtures.invocation(), "lost",
                status(DeploymentState.CONFIRMED, "someone-else"));

        assertThat(outcome.status()).isEqualTo(Outcome.Status.NOT_DEPLOYED);
        assertThat(outcome.message()).contains("nothing was changed");
    }

    @Test
    void aFailedStatusIsStateUnknown() {
        Optional<Event> failed = Optional.of(Event.of(EventType.RESULT).exitCode(3).message("locked"));

        assertThat(RecoverStep.outcome(StepFixtures.invocation(), "lost", failed).status())
                .isEqualTo(Outcome.Status.STATE_UNKNOWN);
    }
}
