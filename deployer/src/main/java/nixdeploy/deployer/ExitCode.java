package nixdeploy.deployer;

/** The deployer's exit codes, one per outcome a script or CI job may want to act on. */
public enum ExitCode {
    OK(0, "every profile was deployed and confirmed"),
    INTERNAL_ERROR(1, "unexpected error (a bug; run with --debug-logs and report it)"),
    BAD_INPUT(2, "bad command line or flake configuration; nothing was changed"),
    BUILD_FAILED(3, "evaluating or building the flake failed; nothing was changed"),
    CONNECT_FAILED(4, "could not connect to a host (network, authentication or host key) before changing it"),
    ACTIVATION_FAILED(5, "an activation failed (rolled back unless auto rollback was off)"),
    ROLLED_BACK(6, "a host was not confirmed in time and rolled back to its previous generation"),
    HEALTH_CHECK_FAILED(7, "a health check failed, so the host was rolled back"),
    STATE_UNKNOWN(8, "a host became unreachable after activation; its state could not be read back"),
    INTERRUPTED(9, "interrupted; pending deployments were asked to roll back"),
    ROLLBACK_FAILED(10, "rolling back failed on a host (its old generation would not activate): it needs attention"),
    CONFIRMED_STEP_FAILED(11, "confirmed, but the generation's nixdeploy-confirmed step failed (NixOS: not the boot "
            + "default yet)"),
    DECLINED(12, "the --interactive question was not answered yes; nothing was changed"),
    HOST_UNSUPPORTED(13, "a host cannot run this deploy (no Java 17+ for the activator and no runtime of ours for "
            + "its system); nothing was changed");

    public final int code;
    public final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }
}
