package nixdeploy.deployer.steps;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.nix.Closure;

/**
 * The closures one run reads, each read once: hosts that get the same profile (and the same
 * activator) share it, however many deploy at once.
 */
final class Closures {
    /** How a closure is read: {@link Closure#of}. */
    interface Reader {
        Closure read(List<String> roots) throws DeployException;
    }

    private final ConcurrentMap<Set<String>, CompletableFuture<Closure>> read = new ConcurrentHashMap<>();
    private final Reader reader;

    Closures() {
        this(Closure::of);
    }

    Closures(Reader reader) {
        this.reader = reader;
    }

    Closure of(List<String> roots) throws DeployException {
        CompletableFuture<Closure> mine = new CompletableFuture<>();
        CompletableFuture<Closure> first = read.putIfAbsent(Set.copyOf(roots), mine);
        if (first == null) {
            try {
                mine.complete(reader.read(roots));
            } catch (DeployException | RuntimeException e) {
                read.remove(Set.copyOf(roots), mine);  // the next deployment that needs it reads it again
                mine.completeExceptionally(e);
            }
            first = mine;
        }
        try {
            return first.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof DeployException failed) {
                throw failed;
            }
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }
}
