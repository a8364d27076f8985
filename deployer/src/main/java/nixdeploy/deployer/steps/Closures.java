package nixdeploy.deployer.steps;

import java.util.List;
import java.util.Set;
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

    private final SharedResults<Set<String>, Closure> recent = new SharedResults<>(KEPT);
    private final Reader reader;

    Closures() {
        this(Closure::of);
    }

    Closures(Reader reader) {
        this.reader = reader;
    }

    Closure of(List<String> roots) throws DeployException {
        return recent.get(Set.copyOf(roots), () -> reader.read(roots));
    }
}
