package nixdeploy.deployer.steps;

import java.util.Optional;
import nixdeploy.deployer.config.ProfilePlan;
import nixdeploy.deployer.output.Console;
import nixdeploy.deployer.remote.RemoteHost;
import nixdeploy.deployer.remote.SshTarget;
import nixdeploy.protocol.DeploymentState;
import nixdeploy.protocol.Event;

/**
 * The deployer lost the host after activating: the host settles the deployment by itself (it
 * rolls back at its deadline). This step waits for that, reads the settled state back over new
 * connections and reports it; unknown only if the host stays unreachable.
 */
final class RecoverStep {
    /** How long after the deadline to keep asking the host. */
    static final long READ_BACK_MILLIS = 60_000;

    private final Console console;
    private final FreshConnections connections;

    RecoverStep(Console console, FreshConnections connections) {
        this.console = console;
        this.connections = connections;
    }

    /** {@code what} went wrong; the host has settled the deployment by {@code settledBy} (epoch millis). */
    Outcome recover(Invocation inv, String what, long settledBy) {
        console.info(inv.plan().name(), what + "; the host rolls back by itself at about " + Human.clock(settledBy)
                + ". Waiting to read its state back...");
        Human.sleepUntil(settledBy);
        long giveUp = System.currentTimeMillis() + READ_BACK_MILLIS;
        Optional<Event> last = Optional.empty();
        while (System.currentTimeMillis() < giveUp) {
            Optional<RemoteHost.Result> status = connections.run(inv.target(), giveUp,
                    host -> RollbackStep.status(host, inv));
            if (status.isEmpty()) {
                break;
            }
            last = HostAnswers.resultEvent(status.get());
            if (last.isPresent() && settled(last.get(), inv.deploymentId())) {
                break;
            }
            Human.sleepUntil(System.currentTimeMillis() + 2000);
        }
        return outcome(inv, what, last);
    }

    /**
     * Settled, or another deployment's record (this one never started); a failed status (the lock
     * held by a rollback in progress, say) proves neither: ask again.
     */
    private static boolean settled(Event status, String deploymentId) {
        return status.exitCode != null && status.exitCode == 0
                && (status.state != null && status.state.isFinal() || !deploymentId.equals(status.deploymentId));
    }

    /** What the status read back (empty: the host stayed unreachable) says about the deployment. */
    static Outcome outcome(Invocation inv, String what, Optional<Event> readBack) {
        ProfilePlan plan = inv.plan();
        SshTarget target = inv.target();
        if (readBack.isEmpty()) {
            return new Outcome(plan, Outcome.Status.STATE_UNKNOWN, what + ", and the host is still unreachable, so "
                    + "its state is unknown. It should have rolled back on its own; check with: ssh "
                    + target.describe() + " " + inv.launch().java() + " -jar " + inv.launch().jar() + " status --profile "
                    + inv.profilePath());
        }
        Event result = readBack.get();
        if (result.exitCode == null || result.exitCode != 0) {
            return new Outcome(plan, Outcome.Status.STATE_UNKNOWN, what + "; the host did not settle it in time: "
                    + result.message + ". It rolls back by itself; check with the activator's status on the host");
        }
        if (!inv.deploymentId().equals(result.deploymentId)) {
            return new Outcome(plan, Outcome.Status.NOT_DEPLOYED, what + "; the host has no record of this "
                    + "deployment, so the activator never started and nothing was changed (" + result.message + ")");
        }
        if (result.state == DeploymentState.ROLLED_BACK) {
            return new Outcome(plan, Outcome.Status.ROLLED_BACK, what + "; the host rolled back by itself to "
                    + "generation " + result.previousGeneration + ". If the profile moves SSH on purpose, set "
                    + "confirmHostname / confirmSshOpts.");
        }
        if (result.state == DeploymentState.CONFIRMED) {
            return new Outcome(plan, Outcome.Status.CONFIRMED, what + ", but the deployment was confirmed: "
                    + result.message);
        }
        if (result.state == DeploymentState.ROLLBACK_FAILED) {
            return new Outcome(plan, Outcome.Status.ROLLBACK_FAILED, what + "; the host " + result.message);
        }
        if (result.state == DeploymentState.SUPERSEDED) {
            return new Outcome(plan, Outcome.Status.SUPERSEDED, what + "; the host " + result.message);
        }
        return new Outcome(plan, Outcome.Status.STATE_UNKNOWN, what + "; the host now reports: " + result.message);
    }
}
