package nixdeploy.deployer.steps;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.output.Console;
import nixdeploy.deployer.remote.RemoteConnector;
import nixdeploy.deployer.remote.RemoteHost;
import nixdeploy.deployer.remote.SshTarget;

/**
 * Runs an action on a new connection (never one reused: the confirmation must prove the host can
 * still be reached), connecting again until a deadline.
 */
final class FreshConnections {
    /** What to do on the host once connected. */
    interface HostAction<T> {
        T apply(RemoteHost host) throws IOException;
    }

    private final RemoteConnector connector;
    private final Console console;

    FreshConnections(RemoteConnector connector, Console console) {
        this.connector = connector;
        this.console = console;
    }

    <T> Optional<T> run(SshTarget target, long deadline, HostAction<T> action) {
        return run(target, deadline, new AtomicReference<>(), ConfirmConnection.none(), action);
    }

    RemoteConnector connector() {
        return connector;
    }

    /**
     * Empty if it never got through by {@code deadline}, or the action threw
     * {@link CancellationException}. {@code failures} is set to a note on the attempts that failed.
     * The first attempt is {@code opened}'s if it was opened: a connection begun once whatever it
     * must prove had happened.
     */
    <T> Optional<T> run(SshTarget target, long deadline, AtomicReference<String> failures, ConfirmConnection opened,
            HostAction<T> action) {
        AtomicBoolean first = new AtomicBoolean(true);
        AtomicInteger failed = new AtomicInteger();
        RetryConfig config = RetryConfig.custom()
                .maxAttempts(Integer.MAX_VALUE)
                .intervalFunction(IntervalFunction.of(Duration.ofMillis(500)))
                .retryOnException(e -> !(e instanceof CancellationException)
                        && System.currentTimeMillis() + 500 < deadline)
                .failAfterMaxAttempts(false)
                .build();
        Retry retry = Retry.of("fresh-connection", config);
        try {
            return Optional.of(Retry.decorateCheckedSupplier(retry, () -> {
                long left = Math.max(1000, deadline - System.currentTimeMillis());
                SshTarget bounded = target.withConnectTimeout(
                        Duration.ofMillis(Math.min(left, target.connectTimeout().toMillis())));
                try (RemoteHost host = connection(first.getAndSet(false), opened, bounded)) {
                    return action.apply(host);
                } catch (DeployException | IOException e) {
                    failures.set(" (" + failed.incrementAndGet() + " connection attempt(s) failed, the last with: "
                            + e.getMessage() + ")");
                    throw e;
                }
            }).get());
        } catch (Throwable e) {
            console.debug(target.describe(), "gave up connecting: " + e.getMessage());
            return Optional.empty();
        }
    }

    /** The first attempt's connection if one was opened for it, else a new one. */
    private RemoteHost connection(boolean first, ConfirmConnection opened, SshTarget target) throws DeployException {
        Optional<RemoteHost> given = first ? opened.take() : Optional.empty();
        return given.isPresent() ? given.get() : connector.connect(target);
    }
}
