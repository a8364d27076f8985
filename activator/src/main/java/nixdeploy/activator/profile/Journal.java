package nixdeploy.activator.profile;

import nixdeploy.protocol.DeploymentState;

/**
 * What the host remembers of the latest deployment of one profile: enough to finish or undo it
 * after a crash or a reboot. Stored as JSON by {@link JournalStore}.
 */
public final class Journal {
    public String deploymentId;
    public String profile;
    public String closure;
    /** The generation to return to; null when the profile did not exist before. */
    public Long previousGeneration;
    public String previousTarget;
    public Long newGeneration;
    /** Whether this deployment created {@link #newGeneration}, so may delete it. */
    public boolean createdGeneration;
    public boolean autoRollback;
    public boolean magicRollback;
    public DeploymentState state;
    /** Epoch milliseconds before which a confirmation is accepted. */
    public Long deadline;
    /** Hex SHA-256 of the confirmation token; the token itself is never stored. */
    public String tokenHash;
    public Long watcherPid;
    public long startedAt;
    public long updatedAt;
    /** Why the deployment ended as it did (rollback reason, failure). */
    public String reason;
    /** Activated with BOOT=1 (so the rollback re-activates the old generation that way too). */
    public boolean boot;
    /** The profile's generations before the switch, so a crash right after it can still be undone. */
    public java.util.List<Long> generationsBefore;

    public boolean awaitingPast(long nowMillis) {
        return state == DeploymentState.AWAITING && deadline != null && nowMillis >= deadline;
    }
}
