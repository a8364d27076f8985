package nixdeploy.deployer.steps;

import nixdeploy.deployer.config.ProfilePlan;
import nixdeploy.protocol.ActivatorExit;

/** What an activator's exit status, without a confirmation awaited, means for the profile. */
final class ActivatorExits {
    private ActivatorExits() {}

    /**
     * {@code started}: the activator said hello, so a failure is its own rather than the shell's,
     * sudo's or Java's; {@code message}: its result event's message, else its stderr.
     */
    static Outcome outcome(Invocation inv, int status, boolean started, boolean dryActivate, String message,
            String stderr) {
        ProfilePlan plan = inv.plan();
        if (status == HostCommands.SUDO_PASSWORD_REFUSED && inv.sudoPassword() != null) {
            return new Outcome(plan, Outcome.Status.NOT_DEPLOYED, "the sudo password was refused on " + plan.hostname()
                    + "; nothing was changed" + HostAnswers.sudoSaid(stderr));
        }
        if (status == 0) {
            return new Outcome(plan, dryActivate ? Outcome.Status.DRY_ACTIVATED : Outcome.Status.ACTIVATED, message);
        }
        return switch (ActivatorExit.fromCode(status)) {
            case ACTIVATION_FAILED_ROLLED_BACK -> new Outcome(plan, Outcome.Status.ACTIVATION_FAILED,
                    "activation failed and was rolled back: " + message);
            case ACTIVATION_FAILED -> new Outcome(plan, Outcome.Status.ACTIVATION_FAILED, message);
            case ROLLBACK_FAILED -> new Outcome(plan, Outcome.Status.ROLLBACK_FAILED, message
                    + ". Log in and check the profile " + inv.profilePath());
            case INTERNAL_ERROR -> started ? new Outcome(plan, Outcome.Status.STATE_UNKNOWN, "the activator "
                    + "failed: " + message + ". Check the profile " + inv.profilePath() + " on the host")
                    : cannotRun(inv, stderr);
            case CONFIRMED_STEP_FAILED -> new Outcome(plan, Outcome.Status.CONFIRMED_STEP_FAILED, message);
            case ROLLED_BACK -> new Outcome(plan, Outcome.Status.ROLLED_BACK, message);
            case NO_SUCH_GENERATION -> new Outcome(plan, Outcome.Status.NO_SUCH_GENERATION, message);
            default -> status == 127 || status == 126 ? cannotRun(inv, stderr)
                    : new Outcome(plan, Outcome.Status.NOT_DEPLOYED, message);
        };
    }

    /** The activator never started (it said no hello): Java missing or too old, or sudo refused. */
    private static Outcome cannotRun(Invocation inv, String stderr) {
        ProfilePlan plan = inv.plan();
        return new Outcome(plan, Outcome.Status.HOST_UNSUPPORTED, "the host could not run the activator (" + stderr
                + "): it needs Java 17 or newer as '" + inv.launch().java() + "' on the PATH of " + inv.profileUser()
                + (inv.profileUser().equals(inv.sshUser()) ? "" : ", reached through '" + String.join(" ", plan.sudo())
                + "'") + ". Install it, or set javaPath (lib.withJre can put a JRE into the profile). Nothing was "
                + "changed.");
    }
}
