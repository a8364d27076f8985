package nixdeploy.deployer.steps;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicReference;
import nixdeploy.deployer.config.ProfilePlan;
import nixdeploy.deployer.output.Console;
import nixdeploy.deployer.remote.RemoteHost;
import nixdeploy.deployer.remote.SshTarget;
import nixdeploy.protocol.ActivatorExit;
import nixdeploy.protocol.Event;
import nixdeploy.protocol.EventType;
import nixdeploy.protocol.Events;

/**
 * Confirms an activation that awaits it: the health checks first, then the confirmation over a new
 * connection before the host's deadline. While it runs, Ctrl-C asks the host to roll back at once
 * (see {@link PendingRollbacks}).
 */
final class ConfirmStep {
    private final Console console;
    private final Targets targets;
    private final FreshConnections connections;
    private final HealthGate health;
    private final RollbackStep rollback;
    private final RecoverStep recover;
    private final PendingRollbacks pending;

    ConfirmStep(Console console, Targets targets, FreshConnections connections, HealthGate health,
            RollbackStep rollback, RecoverStep recover, PendingRollbacks pending) {
        this.console = console;
        this.targets = targets;
        this.connections = connections;
        this.health = health;
        this.rollback = rollback;
        this.recover = recover;
        this.pending = pending;
    }

    /**
     * The connection the confirmation of {@code inv} may use, to be opened once its activation
     * finished (see {@link ConfirmConnection}); none when its confirmation options are bad (the
     * confirmation reports them). It may try as long as a confirmation may (its window, less the
     * second {@link #confirm} keeps), which counts from a little later, when the host awaits it.
     */
    ConfirmConnection connectionFor(Invocation inv) {
        ProfilePlan plan = inv.plan();
        try {
            return ConfirmConnection.to(connections.connector(), confirmTarget(plan),
                    Duration.ofSeconds(Math.max(1, plan.confirmTimeout() - 1)));
        } catch (IllegalArgumentException e) {
            return ConfirmConnection.none();
        }
    }

    /** Where to confirm: confirmHostname / confirmSshOpts, else the node's own (reads the SSH config). */
    private SshTarget confirmTarget(ProfilePlan plan) {
        return targets.of(plan.confirmHostname(), plan.sshUser().orElse(null), plan.confirmSshOpts(), plan.name());
    }

    /** Confirms, on {@code early}'s connection if it got through, else on a new one. */
    Outcome confirm(Activation.Awaiting activation, ConfirmConnection early) {
        Invocation inv = activation.invocation();
        ProfilePlan plan = inv.plan();
        String who = plan.name();
        // stop trying a little before the host's deadline: our clock started after the host's did
        long deadline = activation.seenAt() + plan.confirmTimeout() * 1000L - 1000;
        String until = Human.clock(deadline);
        PendingRollbacks.Entry entry = activation.pending();
        try {
            if (entry.interrupted()) {
                return new Outcome(plan, Outcome.Status.INTERRUPTED, "interrupted before confirming; the host was "
                        + "asked to roll back");
            }
            console.info(who, "confirming generation " + activation.event().generation + " over a new connection "
                    + "before " + until);
            Optional<String> unhealthy = health.failures(inv);
            if (unhealthy.isPresent()) {
                return afterUnhealthy(inv, unhealthy.get());
            }
            SshTarget confirmTarget = early.target().orElseGet(() -> confirmTarget(plan));
            long start = System.nanoTime();
            AtomicReference<String> failedAttempts = new AtomicReference<>("");
            Optional<RemoteHost.Result> answer = connections.run(confirmTarget, deadline, failedAttempts, early, host -> {
                if (!entry.sendingConfirmation()) {
                    throw new CancellationException("interrupted before confirming");
                }
                return confirmOn(host, inv, activation.event().confirmSocket);
            });
            if (answer.isEmpty() && entry.interrupted()) {
                return new Outcome(plan, Outcome.Status.INTERRUPTED, "interrupted before confirming; the host was "
                        + "asked to roll back");
            }
            if (answer.isEmpty()) {
                return recover.recover(inv, "could not reconnect to " + confirmTarget.describe()
                        + " after activation" + failedAttempts.get(), deadline + 3000);
            }
            return outcome(plan, activation.event().generation, answer.get(), failedAttempts.get(),
                    Human.millisSince(start));
        } catch (IllegalArgumentException e) {
            return new Outcome(plan, Outcome.Status.STATE_UNKNOWN, "bad confirmSshOpts: " + e.getMessage()
                    + "; the host rolls back by itself at " + until);
        } finally {
            pending.remove(entry);
        }
    }

    /** What the host answered the confirmation; {@code failedAttempts} notes connections that failed first. */
    static Outcome outcome(ProfilePlan plan, Long generation, RemoteHost.Result result, String failedAttempts,
            long millis) {
        String message = HostAnswers.message(result);
        if (result.ok()) {
            return new Outcome(plan, Outcome.Status.CONFIRMED, "generation " + generation
                    + " confirmed over a new connection (" + millis + " ms)");
        }
        if (result.exitStatus() == ActivatorExit.CONFIRMED_STEP_FAILED.code) {
            return new Outcome(plan, Outcome.Status.CONFIRMED_STEP_FAILED, "generation " + generation + " " + message);
        }
        if (result.exitStatus() == ActivatorExit.ROLLBACK_FAILED.code) {
            return new Outcome(plan, Outcome.Status.ROLLBACK_FAILED, "could not confirm in time, and " + message);
        }
        if (result.exitStatus() == ActivatorExit.ROLLED_BACK.code) {
            return new Outcome(plan, Outcome.Status.ROLLED_BACK, "could not confirm in time"
                    + failedAttempts + "; the host " + message.replaceFirst("^too late: ", "")
                    + (failedAttempts.isEmpty() ? "" : ". If the profile moves SSH on purpose, set "
                    + "confirmHostname / confirmSshOpts."));
        }
        return new Outcome(plan, Outcome.Status.STATE_UNKNOWN, "confirming failed (exit " + result.exitStatus()
                + "): " + message);
    }

    /** A health check failed: ask the host to roll back now, and report what it answered. */
    private Outcome afterUnhealthy(Invocation inv, String unhealthy) {
        String reason = "health check failed: " + unhealthy;
        Optional<RollbackStep.Answer> answer = rollback.ask(inv, reason, false);
        if (answer.isPresent() && answer.get().rollbackFailed()) {
            return new Outcome(inv.plan(), Outcome.Status.ROLLBACK_FAILED, reason + "; " + answer.get().message());
        }
        return new Outcome(inv.plan(), Outcome.Status.HEALTH_CHECK_FAILED, reason + "; " + answer
                .map(RollbackStep.Answer::message)
                .orElse("could not reach the host to roll back; it rolls back by itself at its deadline"));
    }

    /**
     * Confirms on a (fresh) connection: through the watcher's socket when the host offers one and
     * the SSH user may reach it (no shell, no JVM start), else with the activator's confirm command.
     */
    private RemoteHost.Result confirmOn(RemoteHost host, Invocation inv, String socket) throws IOException {
        if (socket != null && inv.sudoPassword() == null && inv.sshUser().equals(inv.profileUser())) {
            try {
                // the answer comes after the generation's confirmed step (a NixOS boot loader update)
                String line = host.exchangeWithSocket(socket, inv.token(), Duration.ofSeconds(90));
                Optional<Event> result = Events.decode(line).filter(e -> e.type == EventType.RESULT);
                if (result.isPresent() && result.get().exitCode != null) {
                    console.debug(inv.plan().name(), "confirmed through the watcher's socket: " + line);
                    return new RemoteHost.Result(result.get().exitCode, line + "\n", "");
                }
                console.debug(inv.plan().name(), "the watcher's socket answered '" + line + "'; using the command");
            } catch (IOException e) {
                console.debug(inv.plan().name(), "the watcher's socket is not reachable (" + e.getMessage()
                        + "); using the command");
            }
        }
        return host.run(inv.settle("confirm", List.of()), inv.stdin(true), Duration.ofSeconds(90));
    }
}
