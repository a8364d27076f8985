package nixdeploy.deployer;

import java.util.List;

/**
 * The deployer's exit codes, one per outcome a script or CI job may want to act on. This is their
 * one source: {@code deploy --help} prints them from here, and a test holds README's table to them.
 */
public enum ExitCode {
    OK(0, "every profile was deployed and confirmed"),
    INTERNAL_ERROR(1, "unexpected error (a bug: rerun with --debug-logs and report it)"),
    BAD_INPUT(2, "bad command line or flake configuration; nothing was changed"),
    BUILD_FAILED(3, "evaluating or building failed; nothing was changed"),
    CONNECT_FAILED(4, "could not connect (network, authentication, host key) before changing the host"),
    ACTIVATION_FAILED(5, "an activation failed (rolled back unless autoRollback = false)"),
    ROLLED_BACK(6, "not confirmed in time: the host rolled back to its previous generation"),
    HEALTH_CHECK_FAILED(7, "a health check failed, so the host was rolled back"),
    STATE_UNKNOWN(8, "the host became unreachable after activation; its state could not be read back"),
    INTERRUPTED(9, "interrupted; pending deployments were asked to roll back"),
    ROLLBACK_FAILED(10, "rolling back failed: the old generation would not activate again, so the host needs "
            + "attention (the message says what to do)"),
    CONFIRMED_STEP_FAILED(11, "confirmed, but the generation's nixdeploy-confirmed step failed (NixOS: it is "
            + "running but not the boot default)"),
    DECLINED(12, "--interactive: the answer was not yes; nothing was built, copied or changed"),
    HOST_UNSUPPORTED(13, "a host cannot run this deploy: no Java 17+ for the activator and no runtime of ours for "
            + "its system, a signature it refuses (--checksigs), or a sudo setting interactiveSudo cannot use; "
            + "nothing was changed"),
    CACHE_PUSH_FAILED(14, "pushing the closure to the binary cache (--cache, the cache setting) failed; nothing was "
            + "copied to a host or changed");

    /**
     * When profiles end differently, the run exits with the first of these that any of them has:
     * a host that needs a person first, then a bug, an interrupt, changes that were undone, and
     * last the failures that changed nothing.
     */
    public static final List<ExitCode> MOST_URGENT_FIRST = List.of(ROLLBACK_FAILED, STATE_UNKNOWN, INTERNAL_ERROR,
            INTERRUPTED, ACTIVATION_FAILED, HEALTH_CHECK_FAILED, ROLLED_BACK, CONFIRMED_STEP_FAILED, HOST_UNSUPPORTED,
            CONNECT_FAILED, CACHE_PUSH_FAILED, BUILD_FAILED, BAD_INPUT, DECLINED, OK);

    public final int code;
    public final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    /** Lower is more urgent; see {@link #MOST_URGENT_FIRST}. */
    public int urgency() {
        return MOST_URGENT_FIRST.indexOf(this);
    }
}
