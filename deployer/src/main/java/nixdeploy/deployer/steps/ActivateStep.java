package nixdeploy.deployer.steps;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import nixdeploy.deployer.Background;
import nixdeploy.deployer.Causes;
import nixdeploy.deployer.config.ProfilePlan;
import nixdeploy.deployer.output.Console;
import nixdeploy.deployer.remote.RemoteHost;
import nixdeploy.io.LineSink;

/**
 * Opens the gate of the activation's waiting shell and follows the activator's events until it
 * awaits confirmation or exits. It does not wait for the activator to exit once a confirmation is
 * awaited: confirming at once leaves the most of the window.
 */
final class ActivateStep {
    /** How much longer than the activation timeout to wait for the activator before giving up on it. */
    static final int GRACE_SECONDS = 120;

    private final Console console;
    private final ProfileDeployer.Mode mode;
    private final PendingRollbacks pending;
    private final RollbackStep rollback;

    ActivateStep(Console console, ProfileDeployer.Mode mode, PendingRollbacks pending, RollbackStep rollback) {
        this.console = console;
        this.mode = mode;
        this.pending = pending;
        this.rollback = rollback;
    }

    /** {@code onActivated} runs once the activator reports the activation finished. */
    Activation activate(RemoteHost host, PreparedHost.Ready ready, Invocation planned, Runnable onActivated)
            throws IOException {
        ProfilePlan plan = planned.plan();
        String who = plan.name();
        RemoteHost.RemoteProcess activator = ready.activation();
        boolean gateOpened = ready.gateOpened();
        if (!activator.isOpen()) {
            console.debug(who, "the activation's waiting shell closed during the copy; starting it again");
            activator = host.start(ready.activationCommand());
            gateOpened = false;
        }
        console.info(who, (mode.dryActivate() ? "dry-activating " : "activating ") + mode.rollbackTo()
                .map(g -> g.equals("previous") ? "the previous generation" : "generation " + g).orElse(plan.storePath())
                + (planned.profilePath() == null ? "" : " as " + planned.profilePath())
                + (ActivatorArgs.magicRollback(plan, mode) ? " (magic rollback: " + plan.confirmTimeout()
                + " s to confirm)" : ""));
        ActivationEvents events = new ActivationEvents(console, who, planned.profilePath(), onActivated);
        // from the go on, Ctrl-C asks the host to roll back at once: the activator may switch any moment
        Optional<PendingRollbacks.Entry> entry = pending.add(who, ActivatorArgs.magicRollback(plan, mode),
                confirmSent -> onInterrupt(planned, events, confirmSent));
        if (entry.isEmpty()) {
            activator.close();
            return new Activation.Ended(new Outcome(plan, Outcome.Status.INTERRUPTED, "interrupted before activating; "
                    + "nothing was changed"));
        }
        Activation activation = activate(activator, gateOpened, host, planned, events);
        if (!(activation instanceof Activation.Awaiting)) {
            pending.remove(entry.get());
        }
        return activation instanceof Activation.Awaiting awaiting ? awaiting.registered(entry.get()) : activation;
    }

    private Activation activate(RemoteHost.RemoteProcess activator, boolean gateOpened, RemoteHost host,
            Invocation planned, ActivationEvents events) {
        ProfilePlan plan = planned.plan();
        CompletableFuture<Integer> exit = follow(activator, events);
        try (OutputStream stdin = activator.stdin()) {
            // the gate's go with the java to run (unless it had it), sudo's password, the activator's go, the token
            String gate = gateOpened ? "" : HostCommands.go(planned.launch().java()) + planned.stdin(false);
            stdin.write((gate + HostCommands.activatorGo() + planned.token() + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            activator.close();
            return new Activation.Ended(new Outcome(plan, Outcome.Status.NOT_DEPLOYED, "the connection to "
                    + host.describe() + " closed before the activator could start (" + e.getMessage()
                    + "); nothing was changed"));
        }
        int status;
        try {
            CompletableFuture.anyOf(events.awaiting(), exit).get(plan.activationTimeout() + GRACE_SECONDS,
                    TimeUnit.SECONDS);
            if (events.awaiting().isDone()) {
                return new Activation.Awaiting(planned.at(events.profilePath()), events.awaiting().join(),
                        events.awaitingSeenAt(), exit, activator, null);
            }
            status = exit.join();
        } catch (ExecutionException | TimeoutException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            activator.close();
            return lost(planned.at(events.profilePath()), e);
        }
        String stderr = activator.stderr().trim();
        return new Activation.Ended(ActivatorExits.outcome(planned.at(events.profilePath()), status, events.started(),
                mode.dryActivate(), events.resultMessage(stderr), stderr));
    }

    /** Ctrl-C: until the activator reports the profile's path, nothing can be rolled back yet. */
    private String onInterrupt(Invocation planned, ActivationEvents events, boolean confirmSent) {
        if (events.profilePath() == null) {
            return "interrupted before the activator reported the profile it switches; if it switched it, "
                    + (ActivatorArgs.magicRollback(planned.plan(), mode) ? "the host rolls back by itself at its "
                    + "deadline" : "it stays switched (magic rollback is off): check the host");
        }
        return rollback.onInterrupt(planned.at(events.profilePath()), confirmSent);
    }

    /**
     * The activator keeps each line of the activation's output to 128 KiB, and JSON may write a byte
     * as six characters (a control character becomes a backslash-u escape): an event line must fit whole, or
     * it stops being JSON.
     */
    static final int EVENT_LINE_KEEP = 1024 * 1024;

    private static CompletableFuture<Integer> follow(RemoteHost.RemoteProcess activator, ActivationEvents events) {
        LineSink lines = new LineSink(events::accept, EVENT_LINE_KEEP);
        return Background.supply(() -> {
            try (lines) {
                activator.stdout().transferTo(lines);
                return activator.waitFor(Duration.ofSeconds(30));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static Activation lost(Invocation inv, Exception e) {
        ProfilePlan plan = inv.plan();
        String why = e instanceof TimeoutException ? "the activator did not finish within "
                + (plan.activationTimeout() + GRACE_SECONDS) + " s" : Causes.rootMessage(e);
        if (inv.profilePath() == null) {
            return new Activation.Ended(new Outcome(plan, Outcome.Status.STATE_UNKNOWN, "the connection broke before "
                    + "the activator reported the profile's path (" + why + "); check profile " + plan.profile()
                    + " on the host"));
        }
        // the activation may still run, then wait for its confirmation: the longest it can take
        return new Activation.Lost(inv, "the connection broke during activation (" + why + ")",
                System.currentTimeMillis() + (plan.activationTimeout() + plan.confirmTimeout()) * 1000L);
    }
}
