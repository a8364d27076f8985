package nixdeploy.deployer.steps;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import nixdeploy.deployer.output.Console;
import nixdeploy.deployer.remote.RemoteHost;

/**
 * From the activator's go to the outcome read back from the host: activate ({@link ActivateStep}),
 * then confirm ({@link ConfirmStep}) what awaits it, or wait for the host to settle by itself
 * ({@link RecoverStep}) when the connection broke during the activation.
 */
final class ActivationRun {
    private final Console console;
    private final ProfileDeployer.Mode mode;
    private final boolean oneHostAtATime;
    private final ActivateStep activate;
    private final ConfirmStep confirm;
    private final RecoverStep recover;
    private final RollbackStep rollback;
    private final UndoStep undo;
    private final WatcherLogStep watcherLog;
    private final PendingRollbacks pending;

    /**
     * {@code oneHostAtATime}: no other host deploys meanwhile, so a confirmation's connection may
     * open when its activation finishes ({@link ConfirmConnection}); with hosts side by side the
     * machines' CPU is the bottleneck, and one opened early would slow the others' activations and
     * could grow too old to use.
     */
    ActivationRun(Console console, ProfileDeployer.Mode mode, boolean oneHostAtATime, ActivateStep activate,
            ConfirmStep confirm, RecoverStep recover, RollbackStep rollback, UndoStep undo, WatcherLogStep watcherLog,
            PendingRollbacks pending) {
        this.console = console;
        this.mode = mode;
        this.oneHostAtATime = oneHostAtATime;
        this.activate = activate;
        this.confirm = confirm;
        this.recover = recover;
        this.rollback = rollback;
        this.undo = undo;
        this.watcherLog = watcherLog;
        this.pending = pending;
    }

    Outcome run(RemoteHost host, PreparedHost.Ready ready, Invocation inv) throws IOException {
        try (ConfirmConnection early = oneHostAtATime && confirmsAtOnce(inv, mode) ? confirm.connectionFor(inv)
                : ConfirmConnection.none()) {
            return run(host, ready, inv, early);
        }
    }

    private Outcome run(RemoteHost host, PreparedHost.Ready ready, Invocation inv, ConfirmConnection early)
            throws IOException {
        Activation activation = activate.activate(host, ready, inv, early::open);
        if (!(activation instanceof Activation.Awaiting)) {
            early.close();
        }
        if (activation instanceof Activation.Ended ended) {
            return ended.outcome();
        }
        if (activation instanceof Activation.Lost lost) {
            return watcherLog.keep(lost.invocation(), recoverInterruptibly(lost));
        }
        Activation.Awaiting awaiting = (Activation.Awaiting) activation;
        Outcome outcome = confirm.confirm(awaiting, early);
        if (outcome.status() == Outcome.Status.CONFIRMED || outcome.status() == Outcome.Status.CONFIRMED_STEP_FAILED) {
            undo.confirmed(awaiting.invocation());
        }
        int after = awaiting.exit().completeOnTimeout(-1, 10, TimeUnit.SECONDS).exceptionally(e -> -1).join();
        if (after != 0) {
            console.debug(inv.plan().name(), "the activator exited with " + after + " after it reported that it "
                    + "awaits confirmation: " + awaiting.process().stderr().trim());
        }
        return watcherLog.keep(awaiting.invocation(), outcome);
    }

    /**
     * Whether the confirmation follows the activation at once, so that its connection may open
     * when the activation finishes ({@link ConfirmConnection}): with magic rollback and no health
     * checks; after health checks it connects anew.
     */
    static boolean confirmsAtOnce(Invocation inv, ProfileDeployer.Mode mode) {
        return ActivatorArgs.magicRollback(inv.plan(), mode) && inv.checks().isEmpty();
    }

    /** Waits for the host to settle by itself; Ctrl-C meanwhile still asks it to roll back at once. */
    private Outcome recoverInterruptibly(Activation.Lost lost) {
        Invocation inv = lost.invocation();
        Optional<PendingRollbacks.Entry> entry = pending.add(inv.plan().name(),
                ActivatorArgs.magicRollback(inv.plan(), mode), confirmSent -> rollback.onInterrupt(inv, false));
        try {
            return recover.recover(inv, lost.why(), lost.settledBy());
        } finally {
            entry.ifPresent(pending::remove);
        }
    }
}
