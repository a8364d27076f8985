package nixdeploy.deployer.cli;

import java.util.concurrent.CompletableFuture;
import sun.misc.Signal;

/**
 * A second Ctrl-C while the first one's rollback requests are under way. The JVM ignores signals
 * during its shutdown, so without this the deployer would sit silent for up to a minute, however
 * often it is interrupted. SIGTERM is left alone: tools such as `timeout` send it twice at once
 * (to the process, then to its group), which must not cut the requests short.
 */
final class SecondInterrupt {
    /** A Ctrl-C this soon after the first is the same keypress's echo or an impatient double tap. */
    private static final long SETTLE_NANOS = 1_000_000_000L;

    private SecondInterrupt() {}

    /**
     * Completes on the next Ctrl-C (SIGINT) of this process at least a second from now; a third
     * ends the process at once with {@code exitCode}. Never completes where signals cannot be
     * watched (-Xrs, a Java runtime without jdk.unsupported).
     */
    static CompletableFuture<Void> watch(int exitCode) {
        CompletableFuture<Void> next = new CompletableFuture<>();
        long from = System.nanoTime() + SETTLE_NANOS;
        try {
            Signal.handle(new Signal("INT"), signal -> {
                if (System.nanoTime() - from < 0) {
                    return;
                }
                if (!next.complete(null)) {
                    Runtime.getRuntime().halt(exitCode);
                }
            });
        } catch (IllegalArgumentException | LinkageError unsupported) {
            // nothing to watch: the first interrupt's wait runs its course
        }
        return next;
    }
}
