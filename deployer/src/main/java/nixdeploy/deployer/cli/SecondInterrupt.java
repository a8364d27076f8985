package nixdeploy.deployer.cli;

import java.util.concurrent.CompletableFuture;
import sun.misc.Signal;

/**
 * A second Ctrl-C (or SIGTERM) while the first one's rollback requests are under way. The JVM
 * ignores signals during its shutdown, so without this the deployer would sit silent for up to a
 * minute, however often it is interrupted.
 */
final class SecondInterrupt {
    private SecondInterrupt() {}

    /** Completes on the next SIGINT or SIGTERM of this process. */
    static CompletableFuture<Void> watch() {
        CompletableFuture<Void> next = new CompletableFuture<>();
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                Signal.handle(new Signal(name), signal -> next.complete(null));
            } catch (IllegalArgumentException unsupported) {
                // no such signal here, or the JVM keeps it (-Xrs): nothing to watch
            }
        }
        return next;
    }
}
