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
    /** Epoch milliseconds of the deadline, for people; the window itself is timed on the fields below. */
    public Long deadline;
    /** The boot the confirmation window belongs to ({@link HostClock#bootId()}). */
    public String bootId;
    /** Monotonic nanoseconds when the window opened and when it closes, valid in {@link #bootId} only. */
    public Long awaitingSinceNanos;
    public Long deadlineNanos;
    /** Hex SHA-256 of the confirmation token; the token itself is never stored. */
    public String tokenHash;
    public Long watcherPid;
    public long startedAt;
    public long updatedAt;
    /** Why the deployment ended as it did (rollback reason, failure). */
    public String reason;
    /** Activated with BOOT=1 (so the rollback re-activates the old generation that way too). */
    public boolean boot;
    /** The activation script's process and its start (epoch ms), so a dead activator's script can be stopped. */
    public Long activationPid;
    public Long activationStartedAt;
    /** Whether the generation's confirmed step ran, so a rollback must run the old generation's too. */
    public boolean confirmedStepRan;
    /**
     * A bare NixOS generation (no deploy-rs-activate) gone back to with its own
     * {@code switch-to-configuration test}: its confirmed step is {@code switch-to-configuration boot}.
     */
    public boolean bareNixosTest;
    /**
     * How the confirmed step failed (null: it ran well, or there is none), so a repeated confirm
     * reports the failure again. Journals from before this field read as null.
     */
    public String confirmedStepFailure;
    /** The profile's generations before the switch, so a crash right after it can still be undone. */
    public java.util.List<Long> generationsBefore;

    /**
     * Whether {@code profile} points at this deployment's generation: its number and its closure,
     * as Nix gives the number of a deleted generation to the next one.
     */
    public boolean isLiveIn(Profile profile) throws java.io.IOException {
        java.util.Optional<Long> current = profile.currentGeneration();
        return newGeneration != null && current.isPresent() && current.get().equals(newGeneration)
                && (closure == null || profile.generationTarget(newGeneration).filter(closure::equals).isPresent());
    }

    /** Opens the confirmation window: {@code seconds} from now on {@code clock}. */
    public void openWindow(HostClock clock, long seconds) {
        bootId = clock.bootId();
        awaitingSinceNanos = clock.monotonicNanos();
        deadlineNanos = awaitingSinceNanos + seconds * 1_000_000_000L;
        deadline = clock.wallMillis() + seconds * 1000;
        state = DeploymentState.AWAITING;
    }

    /** Whether this deployment awaits confirmation and its window has closed. */
    public boolean awaitingPast(HostClock clock) {
        return state == DeploymentState.AWAITING && millisLeft(clock) <= 0;
    }

    /** Whether the host restarted since the window opened (so it has closed, whatever the deadline). */
    public boolean restartedSince(HostClock clock) {
        boolean bootsKnown = bootId != null && !bootId.isEmpty() && !clock.bootId().isEmpty();
        return awaitingSinceNanos != null
                && (bootsKnown && !clock.bootId().equals(bootId) || clock.monotonicNanos() - awaitingSinceNanos < 0);
    }

    /**
     * How long the window stays open, 0 once it closed. A window from another boot has closed (the
     * host rebooted inside it), and so has one whose monotonic clock went backwards.
     */
    public long millisLeft(HostClock clock) {
        if (deadlineNanos == null || awaitingSinceNanos == null) {
            // recorded by an earlier activator, which timed the window on the wall clock
            return deadline == null ? 0 : Math.max(0, deadline - clock.wallMillis());
        }
        if (restartedSince(clock)) {
            return 0;
        }
        return Math.max(0, (deadlineNanos - clock.monotonicNanos() + 999_999) / 1_000_000);
    }
}
