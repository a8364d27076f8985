package nixdeploy.activator;

import java.io.IOException;
import java.util.Optional;
import java.util.SortedSet;
import nixdeploy.activator.profile.Profile;
import nixdeploy.protocol.ActivatorExit;

/**
 * {@code activate --generation previous|N}: an existing generation of the profile to go back to
 * (the deployer's {@code deploy rollback}). Switching to it makes no new generation, so a rollback
 * of this activation switches back again and deletes nothing the user had.
 */
record GenerationTarget(long generation, String storePath) {
    static final String PREVIOUS = "previous";

    /**
     * Resolves {@code spec} against the profile as it is now: {@code previous} is the newest
     * generation older than the current one, as {@code nix-env --rollback} picks it.
     */
    static GenerationTarget resolve(Profile profile, String spec) throws ActivatorException, IOException {
        Optional<Long> current = profile.currentGeneration();
        SortedSet<Long> all = profile.generations();
        long wanted;
        if (spec.equals(PREVIOUS)) {
            if (current.isEmpty()) {
                throw missing(profile + " has no current generation to go back from");
            }
            SortedSet<Long> older = all.headSet(current.get());
            if (older.isEmpty()) {
                throw missing("generation " + current.get() + " is the oldest generation of " + profile
                        + "; there is none before it");
            }
            wanted = older.last();
        } else {
            wanted = number(spec);
            if (!all.contains(wanted)) {
                throw missing("generation " + wanted + " of " + profile + " does not exist (its generations: "
                        + (all.isEmpty() ? "none" : all.toString().replaceAll("[\\[\\]]", "")) + ")");
            }
            if (current.equals(Optional.of(wanted))) {
                throw new ActivatorException(ActivatorExit.NO_SUCH_GENERATION, "generation " + wanted + " is already "
                        + "the current generation of " + profile + "; nothing to go back to. Nothing was changed.");
            }
        }
        String target = profile.generationTarget(wanted).orElseThrow(() ->
                missing("generation " + wanted + " of " + profile + " vanished while it was read"));
        return new GenerationTarget(wanted, target);
    }

    private static long number(String spec) throws ActivatorException {
        try {
            long n = Long.parseLong(spec);
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ActivatorException(ActivatorExit.BAD_INPUT, "--generation takes 'previous' or a generation "
                    + "number from 1, not '" + spec + "'");
        }
    }

    private static ActivatorException missing(String why) {
        return new ActivatorException(ActivatorExit.NO_SUCH_GENERATION, why + ". Nothing was changed.");
    }
}
