package nixdeploy.activator.profile;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Undoes one deployment exactly as its journal recorded it: back to the recorded previous
 * generation, the old activation script run again, and only then the deployment's own generation
 * deleted. It acts only while the profile points at the deployment's generation, and never
 * touches a generation the journal does not own.
 */
public final class Rollback {
    /** The profile points at a generation this deployment did not make: nothing was touched. */
    public static final class Superseded extends IOException {
        Superseded(String message) {
            super(message);
        }
    }

    /** Switched back, but the old generation's activation failed; the deployment's generation was kept. */
    public static final class ReactivationFailed extends IOException {
        ReactivationFailed(String message) {
            super(message);
        }
    }

    private Rollback() {}

    /** Rolls back and says what it did; throws when the host could not be restored. */
    public static String perform(Profile profile, Journal journal, long activationTimeoutSeconds,
            Consumer<String> output) throws IOException {
        Long previous = journal.previousGeneration;
        Long ours = journal.newGeneration;
        Optional<Long> current = profile.currentGeneration();
        if (ours == null) {
            return "profile " + profile + " was not switched by this deployment; nothing to undo";
        }
        if (ours.equals(previous)) {
            return "generation " + previous + " was already active; nothing to switch back";
        }
        if (previous == null) {
            return removeProfile(profile, journal, current);
        }
        if (journal.isLiveIn(profile)) {
            switchBack(profile, journal);
        } else if (!current.equals(Optional.of(previous))) {
            throw superseded(profile, ours, current);
        }
        // switched back now, or by a rollback that was cut short: bring the old configuration back up
        String done = "switched " + profile + " back to generation " + previous;
        ActivationMode mode = journal.boot ? ActivationMode.BOOT : ActivationMode.SWITCH;
        Optional<CommandRunner.Outcome> reactivated;
        try {
            // a bare NixOS generation switches (boot default included) at once: nothing confirms it later
            reactivated = ActivationScript.runOrSwitchNixos(profile.path(), mode, false, activationTimeoutSeconds,
                    output, started -> { });
        } catch (IOException e) {
            throw reactivationFailed(done, e.getMessage(), ours);
        }
        if (reactivated.isPresent() && !reactivated.get().ok()) {
            throw reactivationFailed(done, reactivated.get().timedOut() ? "timed out"
                    : "exit " + reactivated.get().exitCode(), ours);
        }
        if (reactivated.isPresent()) {
            done += ", re-ran its activation script";
        }
        if (journal.confirmedStepRan && ActivationScript.hasConfirmedStep(profile.path(), false)) {
            // the undone generation had made itself the boot default: the old one takes that back
            Optional<CommandRunner.Outcome> confirmed;
            try {
                confirmed = ActivationScript.runConfirmed(profile.path(), false, activationTimeoutSeconds, output);
            } catch (IOException e) {
                throw reactivationFailed(done, ActivationScript.CONFIRMED + " " + e.getMessage(), ours);
            }
            if (confirmed.isPresent() && !confirmed.get().ok()) {
                throw reactivationFailed(done, ActivationScript.CONFIRMED + (confirmed.get().timedOut() ? " timed out"
                        : " exit " + confirmed.get().exitCode()), ours);
            }
            done += ", ran its " + ActivationScript.CONFIRMED + " step";
        }
        boolean stillOurs = profile.generationTarget(ours).filter(t -> t.equals(journal.closure)).isPresent();
        if (journal.createdGeneration && stillOurs) {
            try {
                NixEnv.deleteGeneration(profile, ours);
                done += ", deleted generation " + ours;
            } catch (IOException e) {
                done += "; generation " + ours + " could not be deleted (" + e.getMessage() + ")";
            }
        }
        return done;
    }

    private static void switchBack(Profile profile, Journal journal) throws IOException {
        long previous = journal.previousGeneration;
        Optional<String> previousTarget = profile.generationTarget(previous);
        if (previousTarget.isEmpty()) {
            throw new IOException("generation " + previous + " of " + profile
                    + " is gone (deleted after the deployment began); cannot switch back to it");
        }
        if (journal.previousTarget != null && !journal.previousTarget.equals(previousTarget.get())) {
            throw new IOException("generation " + previous + " of " + profile + " now points at "
                    + previousTarget.get() + ", not at " + journal.previousTarget + " as recorded; refusing to guess");
        }
        NixEnv.switchGeneration(profile, previous);
    }

    /** The profile did not exist before: remove it again, with the generation this deployment made. */
    private static String removeProfile(Profile profile, Journal journal, Optional<Long> current) throws IOException {
        if (current.isEmpty()) {
            return "profile " + profile + " is already gone";
        }
        if (!journal.isLiveIn(profile)) {
            throw superseded(profile, journal.newGeneration, current);
        }
        Files.deleteIfExists(profile.path());
        if (journal.createdGeneration) {
            Files.deleteIfExists(profile.generationLink(journal.newGeneration));
        }
        return "removed profile " + profile + " (it did not exist before this deployment)";
    }

    private static Superseded superseded(Profile profile, long ours, Optional<Long> current) {
        return new Superseded("profile " + profile + " now points at "
                + current.map(g -> "generation " + g).orElse("no generation") + ", not at generation " + ours
                + " of this deployment: someone else changed it, so it was left as it is");
    }

    private static ReactivationFailed reactivationFailed(String done, String why, long ours) {
        return new ReactivationFailed(done + ", but its activation script failed (" + why + "); generation "
                + ours + " was kept, since the boot loader may still point at it. Check the host, then run "
                + "the old generation's activation again or deploy a fixed generation");
    }
}
