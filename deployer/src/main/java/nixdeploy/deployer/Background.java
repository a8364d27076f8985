package nixdeploy.deployer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Runs blocking work (SSH, pipes of child processes) on daemon threads of its own, never in the
 * common fork-join pool, which is sized for computation and has a single thread on two cores.
 */
public final class Background {
    private static final ExecutorService THREADS = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "nixdeploy-background");
        thread.setDaemon(true);
        return thread;
    });

    private Background() {}

    /** The threads themselves, for a stage of a future that blocks. */
    public static java.util.concurrent.Executor executor() {
        return THREADS;
    }

    public static <T> CompletableFuture<T> supply(Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, THREADS);
    }

    /** Waits for {@code future}; throws what it failed with, an {@link UncheckedIOException}'s cause as itself. */
    public static <T> T joinIo(CompletableFuture<T> future) throws IOException {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** Waits for {@code future}; throws what it failed with: a {@link DeployException} or unchecked one as itself. */
    public static <T> T join(CompletableFuture<T> future) throws DeployException {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof DeployException deploy) {
                throw deploy;
            }
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }
}
