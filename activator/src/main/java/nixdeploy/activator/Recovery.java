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
 * confirmation window closed is rolled back, and one that died while activating is undone when it
 * asked for automatic or magic rollback. Whoever takes the lock first after the deadline does it.
 */
final class Recovery {
    private Recovery() {}

    /**
     * Settles the profile's latest deployment, wherever its journal is, and returns the journal of
     * the latest deployment as it stands afterwards. Call with the lock held.
     */
    static Optional<Journal> settle(Invocation inv, long activationTimeoutSeconds) throws ActivatorException, IOException {
        Optional<Invocation> elsewhere = inv.recordedElsewhere();
        if (elsewhere.isPresent()) {
            Optional<Journal> there = settleHere(elsewhere.get(), activationTimeoutSeconds);
            if (there.isPresent() && there.get().state == DeploymentState.AWAITING) {
                return there;
            }
        }
        return settleHere(inv, activationTimeoutSeconds);
    }

    private static Optional<Journal> settleHere(Invocation inv, long activationTimeoutSeconds)
            throws ActivatorException, IOException {
        Optional<Journal> found = readJournal(inv.state.journal(inv.profile));
        if (found.isEmpty()) {
            return found;
        }
        Journal journal = found.get();
        if (journal.awaitingPast(inv.clock)) {
            rollBack(inv, journal, activationTimeoutSeconds, journal.restartedSince(inv.clock)
                    ? "the host restarted before the deployment was confirmed"
                    : "not confirmed before the deadline " + Instant.ofEpochMilli(journal.deadline));
            inv.out.report(Event.of(EventType.RECOVERED).state(journal.state).generation(journal.previousGeneration),
                    "generation " + journal.newGeneration + " of " + inv.profile + ": " + journal.reason);
        } else if (journal.state == DeploymentState.ACTIVATING) {
            stopOrphanedActivation(inv, journal);
            findUnrecordedGeneration(inv, journal);
            if ((journal.autoRollback || journal.magicRollback) && journal.newGeneration != null) {
                rollBack(inv, journal, activationTimeoutSeconds, "interrupted while activating (the activator died)");
            } else {
                journal.state = DeploymentState.FAILED;
                journal.reason = "interrupted while activating (the activator died); left as it was";
                record(inv, journal);
            }
            inv.out.report(Event.of(EventType.RECOVERED).state(journal.state),
                    "an earlier deployment of " + inv.profile + ": " + journal.reason);
        }
        return Optional.of(journal);
    }

    /**
     * The activator died while its activation script ran: stop the script, and what it started,
     * before undoing it, or the old and the new activation would run side by side.
     */
    private static void stopOrphanedActivation(Invocation inv, Journal journal) {
        if (journal.activationPid == null) {
            return;
        }
        ProcessHandle.of(journal.activationPid).filter(ProcessHandle::isAlive)
                .filter(p -> journal.activationStartedAt == null || p.info().startInstant()
                        .map(Instant::toEpochMilli).filter(journal.activationStartedAt::equals).isPresent())
                .ifPresent(script -> {
                    inv.out.say("stopping the activation script the dead activator left running (pid "
                            + script.pid() + ")");
                    script.descendants().forEach(ProcessHandle::destroyForcibly);
                    script.destroyForcibly();
                    script.onExit().completeOnTimeout(script, 5, java.util.concurrent.TimeUnit.SECONDS).join();
                });
    }

    /**
     * nix-env killed or failing after it switched, or a crash right after switching, leaves a
     * generation the journal has not recorded yet. It is this deployment's only if the profile moved
     * off the previous generation to one that points at the deployment's closure: a generation an
     * admin made since is not. Nix reuses the newest generation when it already holds the closure.
     */
    static void findUnrecordedGeneration(Invocation inv, Journal journal) throws IOException {
        if (journal.newGeneration != null || journal.generationsBefore == null) {
            return;
        }
        Optional<Long> current = inv.profile.currentGeneration();
        if (current.isPresent() && !current.get().equals(journal.previousGeneration)
                && inv.profile.generationTarget(current.get()).filter(journal.closure::equals).isPresent()) {
            journal.newGeneration = current.get();
            journal.createdGeneration = !journal.generationsBefore.contains(current.get());
        }
    }

    /**
     * Rolls back {@code journal}'s deployment and records how it ended: ROLLED_BACK, SUPERSEDED
     * (someone else's generation is live, left alone), or ROLLBACK_FAILED (thrown). The lock must
     * be held.
     */
    static String rollBack(Invocation inv, Journal journal, long activationTimeoutSeconds, String reason)
            throws ActivatorException, IOException {
        String at = Instant.ofEpochMilli(inv.clock.wallMillis()).toString();
        try {
            String done = Rollback.perform(inv.profile, journal, activationTimeoutSeconds,
                    line -> inv.out.event(Event.of(EventType.OUTPUT).line(line)));
            journal.state = DeploymentState.ROLLED_BACK;
            journal.reason = "rolled back at " + at + ": " + reason + "; " + done;
        } catch (Rollback.Superseded e) {
            journal.state = DeploymentState.SUPERSEDED;
            journal.reason = "not rolled back at " + at + " (" + reason + "): " + e.getMessage();
        } catch (IOException e) {
            journal.state = DeploymentState.ROLLBACK_FAILED;
            journal.reason = "rolling back failed at " + at + " (" + reason + "): " + e.getMessage();
            try {
                record(inv, journal);
            } catch (ActivatorException unrecorded) {
                throw new ActivatorException(ActivatorExit.ROLLBACK_FAILED, unrecorded.getMessage(), e);
            }
            throw new ActivatorException(ActivatorExit.ROLLBACK_FAILED, journal.reason, e);
        }
        record(inv, journal);
        return journal.reason;
    }

    /** Writes the journal; a failure names what happened on the host, which the journal then misses. */
    static void record(Invocation inv, Journal journal) throws ActivatorException {
        try {
            inv.state.journal(inv.profile).write(journal);
            if (journal.state.isFinal()) {
                BootSettleUnit.system().remove(inv.profile);
            }
        } catch (IOException e) {
            throw new ActivatorException(ActivatorExit.INTERNAL_ERROR, "could not write the journal of " + inv.profile
                    + " (" + e.getMessage() + ") after: " + journal.state + ", " + journal.reason, e);
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
