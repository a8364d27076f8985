package nixdeploy.protocol;

/** The states a profile deployment moves through, as recorded in the host's journal. */
public enum DeploymentState {
    ACTIVATING,
    AWAITING,
    CONFIRMED,
    ROLLED_BACK,
    FAILED,
    /** Switched back, but the old generation's activation failed: the host needs attention. */
    ROLLBACK_FAILED,
    /** The profile moved to a generation this deployment did not make, so it was left alone. */
    SUPERSEDED;

    public boolean isFinal() {
        return this != ACTIVATING && this != AWAITING;
    }
}
