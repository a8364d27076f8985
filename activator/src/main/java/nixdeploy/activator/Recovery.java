package nixdeploy.activator;

import java.io.IOException;
import java.time.Instant;
import java.util.Optional;
import nixdeploy.activator.profile.Journal;
import nixdeploy.activator.profile.JournalStore;
import nixdeploy.activator.profile.Rollback;
import nixdeploy.protocol.ActivatorExit;
import nixdeploy.protocol.DeploymentState;
import nixdeploy.protocol.Event;
import nixdeploy.protocol.EventType;

/**
 * Finishes what an earlier run left undone, under the profile's lock: a deployment whose
 * confirmation deadline passed is rolled back, and one that died while activating is undone if it
 * asked for automatic rollback. Whoever takes the lock first after the deadline does it.
 */
final class Recovery {
    private Recovery() {}

    /** Settles the journal and returns it as it stands afterwards. Call with the lock held. */
    static Optional<Journal> settle(Invocation inv, long activationTimeoutSeconds) throws ActivatorException, IOException {
        JournalStore store = inv.state.journal(inv.profile);
        Optional<Journal> found = readJournal(store);
        if (found.isEmpty()) {
            return found;
        }
        Journal journal = found.get();
        long now = System.currentTimeMillis();
        if (journal.awaitingPast(now)) {
            rollBack(inv, journal, activationTimeoutSeconds, "not confirmed before the deadline "
                    + Instant.ofEpochMilli(journal.deadline));
            inv.out.report(Event.of(EventType.RECOVERED).state(journal.state).generation(journal.previousGeneration),
                    "generation " + journal.newGeneration + " of " + inv.profile + " was " + journal.reason);
        } else if (journal.state == DeploymentState.ACTIVATING) {
            findUnrecordedGeneration(inv, journal);
            if (journal.autoRollback && journal.newGeneration != null) {
                rollBack(inv, journal, activationTimeoutSeconds, "interrupted while activating (the activator died)");
            } else {
                journal.state = DeploymentState.FAILED;
                journal.reason = "interrupted while activating (the activator died); left as it was";
                store.write(journal);
            }
            inv.out.report(Event.of(EventType.RECOVERED).state(journal.state),
                    "an earlier deployment of " + inv.profile + " was " + journal.reason);
        }
        return Optional.of(journal);
    }

    /** A crash right after switching leaves a generation the journal has not recorded yet: find it. */
    private static void findUnrecordedGeneration(Invocation inv, Journal journal) throws IOException {
        if (journal.newGeneration != null || journal.generationsBefore == null) {
            return;
        }
        Optional<Long> current = inv.profile.currentGeneration();
        if (current.isPresent() && !journal.generationsBefore.contains(current.get())) {
            journal.newGeneration = current.get();
            journal.createdGeneration = true;
        }
    }

    /** Rolls back {@code journal}'s deployment and records it; the lock must be held. */
    static String rollBack(Invocation inv, Journal journal, long activationTimeoutSeconds, String reason)
            throws ActivatorException, IOException {
        JournalStore store = inv.state.journal(inv.profile);
        try {
            String done = Rollback.perform(inv.profile, journal, activationTimeoutSeconds,
                    line -> inv.out.event(Event.of(EventType.OUTPUT).line(line)));
            journal.state = DeploymentState.ROLLED_BACK;
            journal.reason = "rolled back at " + Instant.now() + ": " + reason + "; " + done;
            store.write(journal);
            return journal.reason;
        } catch (IOException e) {
            journal.state = DeploymentState.FAILED;
            journal.reason = "rolling back failed (" + reason + "): " + e.getMessage();
            store.write(journal);
            throw new ActivatorException(ActivatorExit.ROLLBACK_FAILED, journal.reason, e);
        }
    }

    static Optional<Journal> readJournal(JournalStore store) throws ActivatorException {
        try {
            return store.read();
        } catch (IOException e) {
            throw new ActivatorException(ActivatorExit.INTERNAL_ERROR, "cannot read the journal: " + e.getMessage()
                    + "; inspect or remove " + store.file(), e);
        }
    }
}
