package nixdeploy.deployer.steps;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Deployments that await confirmation right now. When the deployer is interrupted (Ctrl-C), each
 * is asked to roll back at once instead of waiting for its deadline, and no other may start
 * confirming.
 */
public final class PendingRollbacks {
    private final Map<String, Runnable> pending = new LinkedHashMap<>();
    private boolean interrupted;

    /** Registers a deployment about to be confirmed; false when the run was interrupted: do not confirm. */
    synchronized boolean add(String name, Runnable rollBack) {
        if (interrupted) {
            return false;
        }
        pending.put(name, rollBack);
        return true;
    }

    synchronized void remove(String name) {
        pending.remove(name);
    }

    /** Rolls back every pending deployment; called from the shutdown hook. */
    public void rollBackAll() {
        List<Runnable> all;
        synchronized (this) {
            interrupted = true;
            all = new ArrayList<>(pending.values());
            pending.clear();
        }
        all.parallelStream().forEach(Runnable::run);
    }

    public synchronized boolean isEmpty() {
        return pending.isEmpty();
    }
}
