package nixdeploy.deployer.steps;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import nixdeploy.deployer.config.ProfilePlan;

/**
 * Undoes profiles this run confirmed, when a later one fails (deploy-rs's rollback of succeeded
 * deployments), and reports what was read back from each host.
 */
final class UndoStep {
    private final RollbackStep rollback;
    private final Map<String, Invocation> confirmed = new ConcurrentHashMap<>();

    UndoStep(RollbackStep rollback) {
        this.rollback = rollback;
    }

    /** Remembers a confirmed deployment, so that it can be undone later in the run. */
    void confirmed(Invocation inv) {
        confirmed.put(inv.plan().name(), inv);
    }

    /** Undone, rollback failed, or still confirmed when the host could not be reached or refused. */
    Outcome undo(Outcome confirmedOutcome, String reason) {
        ProfilePlan plan = confirmedOutcome.plan();
        Invocation inv = confirmed.remove(plan.name());
        if (inv == null) {
            return confirmedOutcome;
        }
        Optional<RollbackStep.Answer> answer = rollback.ask(inv, reason, true);
        if (answer.isEmpty()) {
            return new Outcome(plan, Outcome.Status.CONFIRMED, "could not reach the host to undo it ("
                    + reason + "); the confirmed generation stays");
        }
        if (answer.get().rollbackFailed()) {
            return new Outcome(plan, Outcome.Status.ROLLBACK_FAILED, "undoing it failed: " + answer.get().message());
        }
        if (!answer.get().asked().ok()) {
            return new Outcome(plan, Outcome.Status.CONFIRMED, "the host did not undo it: " + answer.get().message()
                    + "; the confirmed generation stays");
        }
        return new Outcome(plan, Outcome.Status.UNDONE, "rolled back because another profile failed: "
                + answer.get().message());
    }
}
