package nixdeploy.deployer.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import nixdeploy.deployer.Causes;
import nixdeploy.deployer.ExitCode;
import nixdeploy.deployer.config.ProfilePlan;
import nixdeploy.deployer.health.HealthCheck;
import nixdeploy.deployer.output.Console;
import nixdeploy.deployer.steps.Outcome;
import nixdeploy.deployer.steps.PendingRollbacks;
import nixdeploy.deployer.steps.PreparedHost;
import nixdeploy.deployer.steps.ProfileDeployer;

/**
 * Deploys every host's task, at most {@code --parallel} hosts at once and batch after batch; a
 * batch with a failure stops the batches after it. Ctrl-C asks every host with a deployment in
 * progress to roll back at once, and exits {@link ExitCode#INTERRUPTED}.
 */
final class FleetDeploy {
    /** How long Ctrl-C waits for the hosts' answers to the rollback requests before exiting. */
    private static final Duration ROLLBACK_WAIT = Duration.ofSeconds(60);

    private final ProfileDeployer deployer;
    private final PendingRollbacks pending;
    private final Console console;
    private final List<ProfilePlan> plans;
    private final Map<String, List<HealthCheck>> checks;
    private final Map<String, String> derivations;
    private final Map<Integer, PreparedHost> prepared;

    FleetDeploy(ProfileDeployer deployer, PendingRollbacks pending, Console console, List<ProfilePlan> plans,
            Map<String, List<HealthCheck>> checks, Map<String, String> derivations,
            Map<Integer, PreparedHost> prepared) {
        this.deployer = deployer;
        this.pending = pending;
        this.console = console;
        this.plans = plans;
        this.checks = checks;
        this.derivations = derivations;
        this.prepared = prepared;
    }

    /** Every profile's outcome, in the plans' order. */
    List<Outcome> deploy(Fleet fleet, List<HostTask> hosts, Optional<Boolean> rollbackSucceeded) {
        Thread hook = new Thread(this::rollBackPending, "rollback-on-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        Outcome[] outcomes = new Outcome[plans.size()];
        ExecutorService pool = Executors.newFixedThreadPool(fleet.parallel(), task -> {
            Thread thread = new Thread(task, "deploy-host");
            thread.setDaemon(true);
            return thread;
        });
        try {
            Set<Integer> failedBatch = Set.of();
            for (List<HostTask> batch : fleet.batches(hosts)) {
                List<Integer> inBatch = HostTask.profiles(batch);
                if (!failedBatch.isEmpty()) {
                    inBatch.forEach(i -> outcomes[i] = report(new Outcome(plans.get(i), Outcome.Status.SKIPPED,
                            "an earlier batch failed")));
                    continue;
                }
                List<Future<?>> running = new ArrayList<>();
                for (HostTask host : batch) {
                    running.add(pool.submit(() -> host.nodes().forEach(node -> deployNode(node, outcomes))));
                }
                for (Future<?> done : running) {
                    done.get();
                }
                if (inBatch.stream().anyMatch(i -> !outcomes[i].ok())) {
                    failedBatch = new HashSet<>(inBatch);
                }
            }
            List<Outcome> all = new ArrayList<>(List.of(outcomes));
            for (int i : SucceededRollback.toUndo(all, failedBatch, fleet.batchSize().isPresent(), rollbackSucceeded)) {
                all.set(i, report(deployer.undo(all.get(i), "another profile of this run failed "
                        + "(--rollback-succeeded)")));
            }
            return all;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while deploying", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("deploying a host failed unexpectedly", e.getCause());
        } finally {
            awaitInterruptRollbacks(hook);
            pool.shutdownNow();
            prepared.values().forEach(PreparedHost::close);
        }
    }

    /**
     * Removes the interrupt hook; when it is running already, waits for it instead (it ends the
     * JVM): returning would let the run close the SSH connector under the hook's rollback requests,
     * and a host still activating when Ctrl-C came would then roll back only at its deadline.
     */
    private static void awaitInterruptRollbacks(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            try {
                // the JVM starts its hooks just after it refuses to remove them
                long giveUp = System.currentTimeMillis() + ROLLBACK_WAIT.plusSeconds(30).toMillis();
                while (hook.getState() == Thread.State.NEW && System.currentTimeMillis() < giveUp) {
                    Thread.sleep(10);
                }
                hook.join(Math.max(1, giveUp - System.currentTimeMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Ctrl-C at any moment: hosts with a deployment between its activation and its confirmation are
     * asked to roll back, and no deployment starts after this (rollBackAll closes the registry under
     * the same lock a new one registers with). Always exit 9.
     */
    private void rollBackPending() {
        CompletableFuture<Void> again = SecondInterrupt.watch(ExitCode.INTERRUPTED.code);
        console.plain(pending.isEmpty() ? "interrupted: no deployment was between its activation and its "
                + "confirmation; none starts now" : "interrupted: asking hosts with pending deployments to roll back now");
        List<PendingRollbacks.Report> reports = pending.rollBackAll(ROLLBACK_WAIT, again);
        if (again.isDone()) {
            console.plain("interrupted again: not waiting for the hosts' answers any longer");
        }
        for (PendingRollbacks.Report report : reports) {
            console.info(report.name(), report.message());
        }
        console.endLive();
        Runtime.getRuntime().halt(ExitCode.INTERRUPTED.code);
    }

    /** One node's profiles in order; after a failure, the node's remaining profiles are skipped. */
    private void deployNode(HostTask.Node node, Outcome[] outcomes) {
        boolean failed = false;
        for (int i : node.profiles()) {
            ProfilePlan plan = plans.get(i);
            if (failed) {
                outcomes[i] = report(new Outcome(plan, Outcome.Status.SKIPPED,
                        "an earlier profile of node " + plan.node() + " failed"));
                continue;
            }
            PreparedHost host = prepared.remove(i);
            try {
                outcomes[i] = report(deployer.deploy(host != null ? host : deployer.prepare(plan),
                        checks.getOrDefault(plan.name(), List.of()), Optional.ofNullable(derivations.get(plan.name()))));
            } catch (RuntimeException e) {
                // a bug must not take the other hosts down with it
                console.debug(plan.name(), Causes.stackTrace(e));
                outcomes[i] = report(new Outcome(plan, Outcome.Status.INTERNAL_ERROR, "unexpected failure (" + e
                        + "); check the profile on the host, and please report it with --debug-logs"));
            }
            failed = !outcomes[i].ok();
        }
    }

    private Outcome report(Outcome outcome) {
        console.done(outcome.plan().name(), outcome.status().label + ": " + outcome.message());
        return outcome;
    }
}
