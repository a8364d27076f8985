package nixdeploy.deployer.steps;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import nixdeploy.deployer.remote.RemoteHost;
import nixdeploy.protocol.ActivatorExit;
import nixdeploy.protocol.DeploymentState;
import nixdeploy.protocol.Event;

/**
 * Asks a host to roll a deployment back now, over a new connection, instead of waiting for its
 * deadline: after a failed health check, on Ctrl-C, or to undo a confirmed profile when another
 * profile of the run failed. Reports what the host answered.
 */
final class RollbackStep {
    /** How long to keep trying to reach the host for a rollback request. */
    static final long REACH_MILLIS = 10_000;

    /** What a host answered a rollback request, and its status when nothing awaited confirmation there. */
    record Answer(RemoteHost.Result asked, Optional<Event> status) {
        boolean confirmed(String deploymentId) {
            return status.isPresent() && status.get().state == DeploymentState.CONFIRMED
                    && deploymentId.equals(status.get().deploymentId);
        }

        boolean rolledBack() {
            return asked.ok() || status.isPresent() && status.get().state == DeploymentState.ROLLED_BACK;
        }

        boolean rollbackFailed() {
            return asked.exitStatus() == ActivatorExit.ROLLBACK_FAILED.code;
        }

        String message() {
            if (asked.ok()) {
                return HostAnswers.message(asked);
            }
            return "rollback request answered: " + HostAnswers.message(asked)
                    + status.map(e -> "; the host reports: " + e.message).orElse("");
        }
    }

    private final FreshConnections connections;
    private final long reachMillis;

    RollbackStep(FreshConnections connections) {
        this(connections, REACH_MILLIS);
    }

    RollbackStep(FreshConnections connections, long reachMillis) {
        this.connections = connections;
        this.reachMillis = reachMillis;
    }

    /**
     * Asks the host to roll back; when the deployment was settled already (confirmed, or rolled
     * back at its deadline), also reads the host's status on that connection. Empty when the host
     * could not be reached. {@code evenIfConfirmed} undoes a confirmed deployment too.
     */
    Optional<Answer> ask(Invocation inv, String reason, boolean evenIfConfirmed) {
        List<String> extra = evenIfConfirmed ? List.of("--reason", reason, "--confirmed") : List.of("--reason", reason);
        return connections.run(inv.target(), System.currentTimeMillis() + reachMillis, host -> {
            RemoteHost.Result asked = host.run(inv.settle("rollback", extra), inv.stdin(true), Duration.ofSeconds(60));
            if (asked.exitStatus() != ActivatorExit.NOTHING_PENDING.code) {
                return new Answer(asked, Optional.empty());
            }
            return new Answer(asked, HostAnswers.resultEvent(status(host, inv)));
        });
    }

    /** After Ctrl-C: what the host answered; a confirmation sent before may have won. */
    String onInterrupt(Invocation inv, boolean confirmSent) {
        Optional<Answer> answer = ask(inv, "the deployer was interrupted", false);
        if (answer.isPresent() && answer.get().confirmed(inv.deploymentId())) {
            return "confirmed before the interrupt; the host keeps it: " + answer.get().status().get().message;
        }
        if (answer.isPresent()) {
            return answer.get().message();
        }
        return "could not reach the host to roll back; " + (!inv.plan().magicRollback()
                ? "magic rollback is off, so the new generation stays: check the host"
                : (confirmSent ? "unless it accepted the confirmation already, " : "")
                        + "it rolls back by itself at its deadline");
    }

    static RemoteHost.Result status(RemoteHost host, Invocation inv) throws java.io.IOException {
        return host.run(inv.settle("status", List.of()), inv.stdin(false), Duration.ofSeconds(90));
    }
}
