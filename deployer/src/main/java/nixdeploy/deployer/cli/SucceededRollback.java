package nixdeploy.deployer.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import nixdeploy.deployer.steps.Outcome;

/**
 * Which confirmed profiles {@code --rollback-succeeded} undoes when another profile of the run
 * failed. As deploy-rs, every one of them by default. A rolling deploy ({@code --batch-size})
 * keeps the batches confirmed before the failed one, as Colmena and morph do, and undoes only the
 * failed batch's confirmed profiles, unless {@code --rollback-succeeded true} is given explicitly.
 */
final class SucceededRollback {
    private SucceededRollback() {}

    /**
     * {@code failedBatch}: the profiles of the batch that failed (empty when none did);
     * {@code option}: {@code --rollback-succeeded}, if given.
     */
    static List<Integer> toUndo(List<Outcome> outcomes, Set<Integer> failedBatch, boolean batched,
            Optional<Boolean> option) {
        List<Integer> undo = new ArrayList<>();
        if (outcomes.stream().allMatch(Outcome::ok) || option.equals(Optional.of(false))) {
            return undo;
        }
        boolean onlyFailedBatch = batched && option.isEmpty();
        for (int i = 0; i < outcomes.size(); i++) {
            if (outcomes.get(i).status() == Outcome.Status.CONFIRMED && (!onlyFailedBatch || failedBatch.contains(i))) {
                undo.add(i);
            }
        }
        return undo;
    }
}
