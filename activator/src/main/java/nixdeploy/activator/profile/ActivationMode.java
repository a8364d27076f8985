package nixdeploy.activator.profile;

/** How the activation script is asked to act, as deploy-rs's {@code DRY_ACTIVATE} and {@code BOOT}. */
public enum ActivationMode {
    SWITCH,
    DRY_ACTIVATE,
    BOOT
}
