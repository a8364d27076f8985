package nixdeploy.protocol;

/** The states a profile deployment moves through, as recorded in the host's journal. */
public enum DeploymentState {
    ACTIVATING,
    AWAITING,
    CONFIRMED,
    ROLLED_BACK,
    FAILED;

    public boolean isFinal() {
        return this == CONFIRMED || this == ROLLED_BACK || this == FAILED;
    }
}
