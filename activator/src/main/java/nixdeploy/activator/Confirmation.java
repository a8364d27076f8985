package nixdeploy.activator;

import java.io.IOException;
import java.time.Instant;
import java.util.Optional;
import nixdeploy.activator.profile.ActivationScript;
import nixdeploy.activator.profile.CommandRunner;
import nixdeploy.activator.profile.Journal;
import nixdeploy.activator.profile.ProfileLock;
import nixdeploy.activator.profile.Token;
import nixdeploy.protocol.ActivatorExit;
import nixdeploy.protocol.DeploymentState;
import nixdeploy.protocol.Event;
import nixdeploy.protocol.EventType;

/**
 * Accepts a confirmation: under the profile's lock, AWAITING becomes CONFIRMED only before the
 * deadline; after it, the deployment is rolled back instead. Both the {@code confirm} command and
 * the watcher's socket come here, so there is one rule for who wins.
 */
final class Confirmation {
    private Confirmation() {}

    /** The RESULT event for a confirmation with {@code token}; throws with the exit code when it failed. */
    static Event confirm(Invocation inv, String token, long activationTimeout) throws ActivatorException, IOException {
        try (ProfileLock lock = inv.lockPatiently("confirm")) {
            Optional<Journal> found = Recovery.readJournal(inv.state.journal(inv.profile));
            if (found.isEmpty() || !Token.matches(token, found.get().tokenHash)) {
                throw new ActivatorException(ActivatorExit.NOTHING_PENDING, "no deployment of " + inv.profile
                        + " with this token awaits confirmation");
            }
            Journal journal = found.get();
            Instant now = Instant.ofEpochMilli(inv.clock.wallMillis());
            if (journal.awaitingPast(inv.clock)) {
                Recovery.rollBack(inv, journal, activationTimeout, "the confirmation arrived at "
                        + now + ", after the deadline " + Instant.ofEpochMilli(journal.deadline));
            }
            switch (journal.state) {
                case AWAITING:
                    if (!journal.isLiveIn(inv.profile)) {
                        journal.state = DeploymentState.SUPERSEDED;
                        journal.reason = "not confirmed at " + now + ": " + inv.profile + " no longer points at "
                                + "generation " + journal.newGeneration + " (someone else switched it); left as it is";
                        Recovery.record(inv, journal);
                        throw new ActivatorException(ActivatorExit.NOTHING_PENDING, journal.reason);
                    }
                    journal.state = DeploymentState.CONFIRMED;
                    journal.reason = "confirmed at " + now;
                    Recovery.record(inv, journal);
                    Optional<String> stepFailed = runConfirmedStep(inv, journal, activationTimeout);
                    boolean hasStep = ActivationScript.hasConfirmedStep(inv.profile.path(), journal.bareNixosTest);
                    Event confirmed = result(journal, "confirmed generation " + journal.newGeneration + " of "
                            + inv.profile + stepFailed.orElse(hasStep ? "; ran its " + ActivationScript.CONFIRMED
                            + " step" : ""));
                    return stepFailed.isEmpty() ? confirmed
                            : confirmed.exitCode(ActivatorExit.CONFIRMED_STEP_FAILED.code);
                case CONFIRMED:
                    // asked again (the first answer was lost): the step's failure still stands
                    Event already = result(journal, "generation " + journal.newGeneration + " of " + inv.profile
                            + " was already " + journal.reason + (journal.confirmedStepFailure == null ? ""
                            : handRun(inv, journal)));
                    return journal.confirmedStepFailure == null ? already
                            : already.exitCode(ActivatorExit.CONFIRMED_STEP_FAILED.code);
                case ROLLED_BACK:
                    throw new ActivatorException(ActivatorExit.ROLLED_BACK, "too late: " + journal.reason);
                default:
                    throw new ActivatorException(ActivatorExit.NOTHING_PENDING, "deployment of " + inv.profile
                            + " is " + journal.state + ": " + journal.reason);
            }
        }
    }

    /**
     * Runs the confirmed generation's {@code nixdeploy-confirmed} step, if it has one (a NixOS
     * profile becomes the boot default there), and records how it went; the failure, said for the
     * report, or empty when it ran well or there is none.
     */
    static Optional<String> runConfirmedStep(Invocation inv, Journal journal, long activationTimeout)
            throws ActivatorException {
        if (!ActivationScript.hasConfirmedStep(inv.profile.path(), journal.bareNixosTest)) {
            return Optional.empty();
        }
        journal.confirmedStepRan = true;
        Recovery.record(inv, journal);
        String failure;
        try {
            Optional<CommandRunner.Outcome> outcome = ActivationScript.runConfirmed(inv.profile.path(),
                    journal.bareNixosTest, activationTimeout, line -> inv.out.event(Event.of(EventType.OUTPUT).line(line)));
            if (outcome.isEmpty() || outcome.get().ok()) {
                return Optional.empty();
            }
            failure = ActivateCommand.describe(outcome.get());
        } catch (IOException e) {
            failure = "could not run: " + e.getMessage();
        }
        journal.reason += "; its " + ActivationScript.CONFIRMED + " step " + failure;
        journal.confirmedStepFailure = failure;
        Recovery.record(inv, journal);
        return Optional.of("; but its " + ActivationScript.CONFIRMED + " step " + failure + handRun(inv, journal));
    }

    private static String handRun(Invocation inv, Journal journal) {
        String step = journal.bareNixosTest && ActivationScript.isBareNixos(inv.profile.path())
                ? inv.profile + "/bin/switch-to-configuration boot" : inv.profile + "/" + ActivationScript.CONFIRMED;
        return ", so the host may start the previous generation after a restart: run " + step + " by hand";
    }

    private static Event result(Journal journal, String message) {
        return Event.of(EventType.RESULT).state(journal.state).generation(journal.newGeneration)
                .previousGeneration(journal.previousGeneration).exitCode(ActivatorExit.OK.code).message(message);
    }
}
