package nixdeploy.deployer.steps;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import nixdeploy.deployer.ExitCode;
import org.junit.jupiter.api.Test;

/** The run's exit code when its profiles end differently (README, "Exit codes"). */
class OutcomeTest {
    private static List<Outcome> ended(Outcome.Status... statuses) {
        return Arrays.stream(statuses).map(s -> new Outcome(StepFixtures.plan(), s, "")).toList();
    }

    @Test
    void everyProfileOkIsZero() {
        assertThat(Outcome.exitCode(ended(Outcome.Status.CONFIRMED, Outcome.Status.ACTIVATED))).isEqualTo(ExitCode.OK);
        assertThat(Outcome.exitCode(List.of())).isEqualTo(ExitCode.OK);
    }

    @Test
    void aHostThatNeedsAPersonWinsOverAHigherNumber() {
        assertThat(Outcome.exitCode(ended(Outcome.Status.HOST_UNSUPPORTED, Outcome.Status.ROLLBACK_FAILED,
                Outcome.Status.CONFIRMED_STEP_FAILED))).isEqualTo(ExitCode.ROLLBACK_FAILED);
        assertThat(Outcome.exitCode(ended(Outcome.Status.INTERRUPTED, Outcome.Status.STATE_UNKNOWN)))
                .isEqualTo(ExitCode.STATE_UNKNOWN);
    }

    @Test
    void anUndoneChangeWinsOverOneThatChangedNothing() {
        assertThat(Outcome.exitCode(ended(Outcome.Status.CONNECT_FAILED, Outcome.Status.HEALTH_CHECK_FAILED)))
                .isEqualTo(ExitCode.HEALTH_CHECK_FAILED);
        assertThat(Outcome.exitCode(ended(Outcome.Status.HOST_UNSUPPORTED, Outcome.Status.CONNECT_FAILED)))
                .isEqualTo(ExitCode.HOST_UNSUPPORTED);
    }

    @Test
    void skippedAndUndoneProfilesDoNotHideTheFailureThatCausedThem() {
        assertThat(Outcome.exitCode(ended(Outcome.Status.UNDONE, Outcome.Status.SKIPPED,
                Outcome.Status.CONNECT_FAILED))).isEqualTo(ExitCode.CONNECT_FAILED);
        assertThat(Outcome.exitCode(ended(Outcome.Status.UNDONE, Outcome.Status.CONFIRMED)))
                .isEqualTo(ExitCode.ROLLED_BACK);
    }

    @Test
    void aBugInOneHostsTaskIsExitOne() {
        assertThat(Outcome.exitCode(ended(Outcome.Status.INTERNAL_ERROR, Outcome.Status.CONFIRMED)))
                .isEqualTo(ExitCode.INTERNAL_ERROR);
    }

    @Test
    void everyStatusHasAnExitCodeAndOnlyTheOkOnesAreZero() {
        for (Outcome.Status status : Outcome.Status.values()) {
            boolean ok = status == Outcome.Status.CONFIRMED || status == Outcome.Status.ACTIVATED
                    || status == Outcome.Status.DRY_ACTIVATED;
            assertThat(status.exitCode == ExitCode.OK).as(status.name()).isEqualTo(ok);
        }
    }
}
