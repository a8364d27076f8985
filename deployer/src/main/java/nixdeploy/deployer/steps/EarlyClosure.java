package nixdeploy.deployer.steps;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import nixdeploy.deployer.Background;
import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.nix.Closure;

/**
 * The closures one deployment copies, read in the background while its connection is made: the
 * profile's (its path or derivation, and the activator), which the host is asked about as soon as
 * the copy's channel is open, and our Java runtime's, which only a host without Java needs.
 * Released once copied: a fleet does not keep every host's closure through its confirmation.
 */
final class EarlyClosure {
    private CompletableFuture<Closure> profile;
    private CompletableFuture<Optional<Closure>> runtime;

    EarlyClosure(Closures closures, List<String> roots, Optional<String> runtimePath) {
        this.profile = read(() -> closures.of(roots));
        this.runtime = read(() -> runtimePath.isEmpty() ? Optional.empty()
                : Optional.of(closures.of(List.of(runtimePath.get()))));
    }

    /** The profile closure's paths, once read. */
    CompletableFuture<List<String>> profilePaths() {
        return profile.thenApply(Closure::paths);
    }

    /** What to copy: the profile's closure, with the runtime's when the host runs the activator on it. */
    Closure toCopy(boolean withRuntime) throws DeployException {
        Closure closure = Background.join(profile);
        Optional<Closure> ours = withRuntime ? Background.join(runtime) : Optional.empty();
        return ours.map(closure::with).orElse(closure);
    }

    void release() {
        profile = null;
        runtime = null;
    }

    private interface Read<T> {
        T read() throws DeployException;
    }

    private static <T> CompletableFuture<T> read(Read<T> read) {
        return Background.supply(() -> {
            try {
                return read.read();
            } catch (DeployException e) {
                throw new CompletionException(e);
            }
        });
    }
}
