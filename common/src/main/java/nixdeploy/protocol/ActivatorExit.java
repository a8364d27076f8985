package nixdeploy.protocol;

import java.util.Arrays;

/** Exit codes of the activator, shared so the deployer can tell outcomes apart. */
public enum ActivatorExit {
    OK(0, "success"),
    INTERNAL_ERROR(1, "unexpected error"),
    BAD_INPUT(2, "bad arguments or input; nothing was changed"),
    LOCKED(3, "another deployment of this profile is in progress; nothing was changed"),
    ACTIVATION_FAILED_ROLLED_BACK(4, "activation failed; the previous generation was restored"),
    ACTIVATION_FAILED(5, "activation failed; the new generation was left in place"),
    ROLLED_BACK(6, "the deployment was rolled back (not confirmed in time, or on request)"),
    NOTHING_PENDING(7, "no deployment of this profile awaits confirmation"),
    ROLLBACK_FAILED(8, "rolling back failed; the host needs attention"),
    SWITCH_FAILED(9, "could not switch the profile; nothing was changed"),
    CONFIRMED_STEP_FAILED(10, "confirmed, but the generation's nixdeploy-confirmed step failed"),
    NO_SUCH_GENERATION(11, "the generation to go back to does not exist; nothing was changed");

    public final int code;
    public final String meaning;

    ActivatorExit(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public static ActivatorExit fromCode(int code) {
        return Arrays.stream(values()).filter(e -> e.code == code).findFirst().orElse(INTERNAL_ERROR);
    }
}
