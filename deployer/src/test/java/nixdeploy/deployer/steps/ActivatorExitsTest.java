package nixdeploy.deployer.steps;

import static org.assertj.core.api.Assertions.assertThat;

import nixdeploy.protocol.ActivatorExit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each exit of an activation that awaited no confirmation maps to the outcome it means. */
class ActivatorExitsTest {
    @ParameterizedTest(name = "exit {0}, started {1} -> {2}")
    @CsvSource({
        "0, true, ACTIVATED",
        "4, true, ACTIVATION_FAILED",
        "5, true, ACTIVATION_FAILED",
        "8, true, ROLLBACK_FAILED",
        "1, true, STATE_UNKNOWN",
        "1, false, HOST_UNSUPPORTED",
        "127, false, HOST_UNSUPPORTED",
        "126, false, HOST_UNSUPPORTED",
        "10, true, CONFIRMED_STEP_FAILED",
        "6, true, ROLLED_BACK",
        "11, true, NO_SUCH_GENERATION",
        "3, true, NOT_DEPLOYED",
        "9, true, NOT_DEPLOYED",
    })
    void mapsTheActivatorsExitToAnOutcome(int exit, boolean started, Outcome.Status expected) {
        Outcome outcome = ActivatorExits.outcome(StepFixtures.invocation(), exit, started, false, "said", "stderr");

        assertThat(outcome.status()).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"0, DRY_ACTIVATED"})
    void aDryActivationThatSucceededSaysSo(int exit, Outcome.Status expected) {
        assertThat(ActivatorExits.outcome(StepFixtures.invocation(), exit, true, true, "", "").status())
                .isEqualTo(expected);
    }

    @org.junit.jupiter.api.Test
    void aRefusedSudoPasswordChangedNothing() {
        Invocation withPassword = new Invocation(StepFixtures.plan(), StepFixtures.invocation().target(), "h", "deploy",
                "app", StepFixtures.invocation().launch(), null, "t", "secret", java.util.List.of(), "d");

        Outcome outcome = ActivatorExits.outcome(withPassword, HostCommands.SUDO_PASSWORD_REFUSED, false, false, "",
                "Sorry, try again.");

        assertThat(outcome.status()).isEqualTo(Outcome.Status.NOT_DEPLOYED);
        assertThat(outcome.message()).contains("sudo password was refused", "nothing was changed", "Sorry, try again.")
                .doesNotContain("secret");
    }

    @org.junit.jupiter.api.Test
    void theRollbackFailedCodeIsTheActivatorsOwn() {
        assertThat(ActivatorExit.ROLLBACK_FAILED.code).isEqualTo(8);
    }
}
