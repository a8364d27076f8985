package nixdeploy.deployer.steps;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import nixdeploy.deployer.Background;
import nixdeploy.deployer.Causes;

/**
 * Deployments that await confirmation right now. When the deployer is interrupted (Ctrl-C), each
 * host is asked to roll back at once instead of waiting for its deadline, and no confirmation that
 * was not yet sent is sent. One already sent may still win on the host, so each rollback reports
 * what its host answered.
 */
public final class PendingRollbacks {
    /** What one host answered when asked to roll back. */
    public record Report(String name, String message) {
    }

    /** One deployment between its activation and its confirmation's answer. */
    static final class Entry {
        private final String name;
        private final boolean rollsBackAlone;
        private final Function<Boolean, String> rollBack;
        private boolean confirmationSent;
        private boolean interrupted;

        private Entry(String name, boolean rollsBackAlone, Function<Boolean, String> rollBack) {
            this.name = name;
            this.rollsBackAlone = rollsBackAlone;
            this.rollBack = rollBack;
        }

        /** Records that the confirmation is being sent; false after an interrupt: do not send it. */
        synchronized boolean sendingConfirmation() {
            if (!interrupted) {
                confirmationSent = true;
            }
            return !interrupted;
        }

        synchronized boolean interrupted() {
            return interrupted;
        }

        private synchronized void interrupt() {
            interrupted = true;
        }

        /** Whether the confirmation was sent; final once interrupted. */
        private synchronized boolean confirmationSent() {
            return confirmationSent;
        }
    }

    private final Map<String, Entry> pending = new LinkedHashMap<>();
    private boolean interrupted;

    /** {@link #add(String, boolean, Function)} for a host that rolls back by itself (magic rollback). */
    synchronized Optional<Entry> add(String name, Function<Boolean, String> rollBack) {
        return add(name, true, rollBack);
    }

    /**
     * Registers a deployment about to be confirmed, with how to roll it back (given whether its
     * confirmation was sent; it returns what the host answered); {@code rollsBackAlone}: its host
     * rolls back by itself at its deadline (magic rollback). Empty when the run was interrupted: do
     * not confirm.
     */
    synchronized Optional<Entry> add(String name, boolean rollsBackAlone, Function<Boolean, String> rollBack) {
        if (interrupted) {
            return Optional.empty();
        }
        Entry entry = new Entry(name, rollsBackAlone, rollBack);
        pending.put(name, entry);
        return Optional.of(entry);
    }

    synchronized void remove(Entry entry) {
        pending.remove(entry.name, entry);
    }

    /** {@link #rollBackAll(Duration, CompletableFuture)}, waiting for the answers up to {@code wait}. */
    public List<Report> rollBackAll(Duration wait) {
        return rollBackAll(wait, new CompletableFuture<>());
    }

    /**
     * Asks every pending deployment's host to roll back, side by side in the background; called from
     * the shutdown hook. Returns each host's answer, in the order the deployments were registered,
     * after at most {@code wait}, or once {@code stopWaiting} completes.
     */
    public List<Report> rollBackAll(Duration wait, CompletableFuture<?> stopWaiting) {
        List<Entry> all;
        synchronized (this) {
            interrupted = true;
            all = new ArrayList<>(pending.values());
            pending.clear();
        }
        Map<Entry, CompletableFuture<String>> answers = new LinkedHashMap<>();
        for (Entry entry : all) {
            entry.interrupt();
            boolean sent = entry.confirmationSent();
            answers.put(entry, Background.supply(() -> entry.rollBack.apply(sent))
                    .exceptionally(e -> "asking the host to roll back failed: " + Causes.rootMessage(e)));
        }
        try {
            CompletableFuture.anyOf(CompletableFuture.allOf(answers.values().toArray(CompletableFuture[]::new)),
                    stopWaiting).get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // the reports say which hosts did not answer
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Report> reports = new ArrayList<>();
        String unanswered = stopWaiting.isDone() ? "no answer yet" : "no answer within " + wait.toSeconds() + " s";
        answers.forEach((entry, answer) -> reports.add(new Report(entry.name, answer.getNow(unanswered + "; "
                + (!entry.rollsBackAlone ? "magic rollback is off: unless the request got through, the new "
                + "generation stays; check the host with deploy status" : (entry.confirmationSent()
                ? "unless it accepted the confirmation already, " : "") + "the host rolls back by itself at its "
                + "deadline")))));
        return reports;
    }

    public synchronized boolean isEmpty() {
        return pending.isEmpty();
    }
}
