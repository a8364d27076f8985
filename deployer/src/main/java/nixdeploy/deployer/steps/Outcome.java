package nixdeploy.deployer.steps;

import java.util.Comparator;
import java.util.List;
import nixdeploy.deployer.ExitCode;
import nixdeploy.deployer.config.ProfilePlan;

/** How one profile's deployment ended, as read back from the host. */
public record Outcome(ProfilePlan plan, Status status, String message) {

    /** The final states the summary can show. */
    public enum Status {
        CONFIRMED("confirmed", ExitCode.OK),
        ACTIVATED("activated (no confirmation asked)", ExitCode.OK),
        DRY_ACTIVATED("dry-activated", ExitCode.OK),
        ACTIVATION_FAILED("activation failed", ExitCode.ACTIVATION_FAILED),
        ROLLED_BACK("rolled back", ExitCode.ROLLED_BACK),
        UNDONE("confirmed, then rolled back because another profile failed", ExitCode.ROLLED_BACK),
        HEALTH_CHECK_FAILED("health check failed, rolled back", ExitCode.HEALTH_CHECK_FAILED),
        CONNECT_FAILED("not deployed: cannot connect", ExitCode.CONNECT_FAILED),
        NOT_DEPLOYED("not deployed", ExitCode.CONNECT_FAILED),
        /** Not tried because another profile failed first; that failure sets the exit code. */
        SKIPPED("skipped", ExitCode.CONNECT_FAILED),
        HOST_UNSUPPORTED("not deployed: the host cannot run this deploy", ExitCode.HOST_UNSUPPORTED),
        BUILD_FAILED("not deployed: the build on the host failed", ExitCode.BUILD_FAILED),
        /** {@code deploy rollback --to} a generation the profile does not have. */
        NO_SUCH_GENERATION("not rolled back: no such generation", ExitCode.BAD_INPUT),
        STATE_UNKNOWN("unreachable, state unknown", ExitCode.STATE_UNKNOWN),
        ROLLBACK_FAILED("rolling back failed: check the host", ExitCode.ROLLBACK_FAILED),
        CONFIRMED_STEP_FAILED("confirmed, but its nixdeploy-confirmed step failed (not the boot default)",
                ExitCode.CONFIRMED_STEP_FAILED),
        SUPERSEDED("not confirmed; the profile was changed by someone else meanwhile and left as it is",
                ExitCode.ROLLED_BACK),
        INTERRUPTED("interrupted", ExitCode.INTERRUPTED),
        /** A bug in the deployer; the message says where to look. */
        INTERNAL_ERROR("failed unexpectedly (a bug in nixdeploy)", ExitCode.INTERNAL_ERROR);

        public final String label;
        public final ExitCode exitCode;

        Status(String label, ExitCode exitCode) {
            this.label = label;
            this.exitCode = exitCode;
        }
    }

    public boolean ok() {
        return status.exitCode == ExitCode.OK;
    }

    /**
     * The exit code of a run whose profiles ended so: 0 when every one is ok; otherwise the most
     * urgent code among the failed profiles ({@link ExitCode#MOST_URGENT_FIRST}). Profiles skipped or
     * undone because another failed are that failure's consequences, so they count only when
     * nothing else failed (then 6: something was rolled back).
     */
    public static ExitCode exitCode(List<Outcome> outcomes) {
        return outcomes.stream().filter(o -> !o.ok() && o.status() != Status.UNDONE && o.status() != Status.SKIPPED)
                .map(o -> o.status().exitCode).min(Comparator.comparingInt(ExitCode::urgency))
                .orElse(outcomes.stream().allMatch(Outcome::ok) ? ExitCode.OK : ExitCode.ROLLED_BACK);
    }
}
