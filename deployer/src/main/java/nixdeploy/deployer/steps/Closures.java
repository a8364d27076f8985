package nixdeploy.deployer.steps;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import nixdeploy.deployer.Background;
import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.nix.Closure;

/**
 * The closures one run reads, each read once while it is among the last few asked for: hosts that
 * get the same profile (and the same activator) share one read, however many deploy at once, and a
 * fleet of hosts with profiles of their own does not keep every host's closure until the run ends.
 */
final class Closures {
    /** How a closure is read: {@link Closure#of}. */
    interface Reader {
        Closure read(List<String> roots) throws DeployException;
    }

    static final int KEPT = 8;

    private final Map<Set<String>, CompletableFuture<Closure>> recent = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Set<String>, CompletableFuture<Closure>> eldest) {
            return size() > KEPT;
        }
    };
    private final Reader reader;

    Closures() {
        this(Closure::of);
    }

    Closures(Reader reader) {
        this.reader = reader;
    }

    Closure of(List<String> roots) throws DeployException {
        Set<String> key = Set.copyOf(roots);
        CompletableFuture<Closure> mine = new CompletableFuture<>();
        CompletableFuture<Closure> first;
        synchronized (recent) {
            first = recent.putIfAbsent(key, mine);
        }
        if (first == null) {
            read(key, roots, mine);
            first = mine;
        }
        return Background.join(first);
    }

    /** Completes {@code mine} whatever happens, so no host waits for it forever; a failure is not kept. */
    private void read(Set<String> key, List<String> roots, CompletableFuture<Closure> mine) {
        try {
            mine.complete(reader.read(roots));
        } catch (Throwable e) {
            synchronized (recent) {
                recent.remove(key, mine);  // the next deployment that needs it reads it again
            }
            mine.completeExceptionally(e);
        }
    }
}
