package nixdeploy.deployer.steps;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Deployments that await confirmation right now. When the deployer is interrupted (Ctrl-C), each
 * is asked to roll back at once instead of waiting for its deadline.
 */
public final class PendingRollbacks {
    private final Map<String, Runnable> pending = new ConcurrentHashMap<>();

    void add(String name, Runnable rollBack) {
        pending.put(name, rollBack);
    }

    void remove(String name) {
        pending.remove(name);
    }

    /** Rolls back every pending deployment; called from the shutdown hook. */
    public void rollBackAll() {
        pending.values().parallelStream().forEach(Runnable::run);
        pending.clear();
    }

    public boolean isEmpty() {
        return pending.isEmpty();
    }
}
