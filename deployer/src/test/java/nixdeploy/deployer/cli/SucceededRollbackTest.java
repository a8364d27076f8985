package nixdeploy.deployer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import nixdeploy.deployer.config.ProfilePlan;
import nixdeploy.deployer.config.Settings;
import nixdeploy.deployer.steps.Outcome;
import org.junit.jupiter.api.Test;

/** Which confirmed profiles are undone when another fails, with and without rolling batches. */
class SucceededRollbackTest {
    private static final ProfilePlan PLAN = new ProfilePlan("web", "app", "web", List.of(), null, Optional.empty(),
            Settings.EMPTY, null, "");

    /** Batch 1 (0, 1) confirmed; batch 2: 2 confirmed, 3 failed. */
    private static final List<Outcome> OUTCOMES = List.of(
            new Outcome(PLAN, Outcome.Status.CONFIRMED, ""), new Outcome(PLAN, Outcome.Status.CONFIRMED, ""),
            new Outcome(PLAN, Outcome.Status.CONFIRMED, ""), new Outcome(PLAN, Outcome.Status.ROLLED_BACK, ""));
    private static final Set<Integer> FAILED_BATCH = Set.of(2, 3);

    @Test
    void withoutBatchesEveryConfirmedProfileIsUndoneAsInDeployRs() {
        assertThat(SucceededRollback.toUndo(OUTCOMES, Set.of(0, 1, 2, 3), false, Optional.empty()))
                .containsExactly(0, 1, 2);
    }

    @Test
    void aRollingDeployKeepsTheBatchesConfirmedBeforeTheFailedOne() {
        assertThat(SucceededRollback.toUndo(OUTCOMES, FAILED_BATCH, true, Optional.empty())).containsExactly(2);
    }

    @Test
    void rollbackSucceededTrueGivenExplicitlyUndoesEarlierBatchesToo() {
        assertThat(SucceededRollback.toUndo(OUTCOMES, FAILED_BATCH, true, Optional.of(true))).containsExactly(0, 1, 2);
    }

    @Test
    void rollbackSucceededFalseUndoesNothing() {
        assertThat(SucceededRollback.toUndo(OUTCOMES, FAILED_BATCH, true, Optional.of(false))).isEmpty();
        assertThat(SucceededRollback.toUndo(OUTCOMES, FAILED_BATCH, false, Optional.of(false))).isEmpty();
    }

    @Test
    void whenNothingFailedNothingIsUndone() {
        assertThat(SucceededRollback.toUndo(OUTCOMES.subList(0, 3), Set.of(), false, Optional.of(true))).isEmpty();
    }
}
