package nixdeploy.deployer.steps;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import nixdeploy.deployer.Background;
import nixdeploy.deployer.DeployException;

/**
 * Results the deployments of one run share: each is computed once while it is among the last
 * {@code kept} asked for, however many deployments ask for it at once. A failure reaches those
 * waiting for it and is not kept, so the next deployment to ask computes it again.
 */
final class SharedResults<K, V> {
    /** Computes one result. */
    interface Computation<V> {
        V compute() throws DeployException;
    }

    private final Map<K, CompletableFuture<V>> recent;

    SharedResults(int kept) {
        recent = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, CompletableFuture<V>> eldest) {
                return size() > kept;
            }
        };
    }

    /** Whether {@code key}'s result is kept (or being computed). */
    boolean has(K key) {
        synchronized (recent) {
            return recent.containsKey(key);
        }
    }

    V get(K key, Computation<V> computation) throws DeployException {
        CompletableFuture<V> mine = new CompletableFuture<>();
        CompletableFuture<V> first;
        synchronized (recent) {
            first = recent.putIfAbsent(key, mine);
        }
        if (first == null) {
            compute(key, computation, mine);
            first = mine;
        }
        return Background.join(first);
    }

    /** Completes {@code mine} whatever happens, so no deployment waits for it forever. */
    private void compute(K key, Computation<V> computation, CompletableFuture<V> mine) {
        try {
            mine.complete(computation.compute());
        } catch (Throwable e) {
            synchronized (recent) {
                recent.remove(key, mine);
            }
            mine.completeExceptionally(e);
        }
    }
}
