package nixdeploy.activator.profile;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Undoes one deployment exactly as its journal recorded it: back to the recorded previous
 * generation, the deployment's own generation deleted, the old activation script run again.
 * It never touches a generation the journal does not own.
 */
public final class Rollback {
    private Rollback() {}

    /** Rolls back and says what it did; throws when the host could not be restored. */
    public static String perform(Profile profile, Journal journal, long activationTimeoutSeconds,
            Consumer<String> output) throws IOException {
        Long previous = journal.previousGeneration;
        Long current = journal.newGeneration;
        Long created = journal.createdGeneration ? current : null;
        if (previous == null) {
            if (created != null) {
                Files.deleteIfExists(profile.path());
                Files.deleteIfExists(profile.generationLink(created));
                return "removed profile " + profile + " (it did not exist before this deployment)";
            }
            return "profile " + profile + " had no earlier generation; nothing to restore";
        }
        if (current == null || current.equals(previous)) {
            return "generation " + previous + " was already active; nothing to switch back";
        }
        Optional<String> previousTarget = profile.generationTarget(previous);
        if (previousTarget.isEmpty()) {
            throw new IOException("generation " + previous + " of " + profile
                    + " is gone (deleted after the deployment began); cannot switch back to it");
        }
        if (journal.previousTarget != null && !journal.previousTarget.equals(previousTarget.get())) {
            throw new IOException("generation " + previous + " of " + profile + " now points at "
                    + previousTarget.get() + ", not at " + journal.previousTarget + " as recorded; refusing to guess");
        }
        // switch back (even to a generation this deployment reused rather than created), bring the old
        // configuration back up, and only then delete what this deployment created
        NixEnv.switchGeneration(profile, previous);
        String done = "switched " + profile + " back to generation " + previous;
        ActivationMode mode = journal.boot ? ActivationMode.BOOT : ActivationMode.SWITCH;
        Optional<CommandRunner.Outcome> reactivated = ActivationScript.run(profile.path(), mode,
                activationTimeoutSeconds, output);
        if (reactivated.isPresent() && !reactivated.get().ok()) {
            done += "; re-running its activation script failed ("
                    + (reactivated.get().timedOut() ? "timed out" : "exit " + reactivated.get().exitCode())
                    + "), check the host";
        } else if (reactivated.isPresent()) {
            done += ", re-ran its activation script";
        }
        if (created != null) {
            try {
                NixEnv.deleteGeneration(profile, created);
                done += ", deleted generation " + created;
            } catch (IOException e) {
                done += "; generation " + created + " could not be deleted (" + e.getMessage() + ")";
            }
        }
        return done;
    }
}
