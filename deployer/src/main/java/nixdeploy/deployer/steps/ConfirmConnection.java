package nixdeploy.deployer.steps;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import nixdeploy.deployer.Background;
import nixdeploy.deployer.Causes;
import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.remote.RemoteConnector;
import nixdeploy.deployer.remote.RemoteHost;
import nixdeploy.deployer.remote.SshTarget;

/**
 * The confirmation's new connection, opened the moment the activator reports that the activation
 * finished rather than once its watcher is ready to take the confirmation. It still begins after
 * the activation, which is what it proves (as deploy-rs's does), and connecting overlaps the
 * watcher's start and the health checks. If it fails, the confirmation connects anew as always.
 */
final class ConfirmConnection implements AutoCloseable {
    private final RemoteConnector connector;
    private final SshTarget target;
    private CompletableFuture<RemoteHost> attempt;
    private boolean taken;

    private ConfirmConnection(RemoteConnector connector, SshTarget target) {
        this.connector = connector;
        this.target = target;
    }

    /** Opens nothing: the confirmation connects when it comes. */
    static ConfirmConnection none() {
        return new ConfirmConnection(null, null);
    }

    /** Will connect to {@code target}, within {@code window} (the confirmation's timeout). */
    static ConfirmConnection to(RemoteConnector connector, SshTarget target, Duration window) {
        Duration timeout = window.compareTo(target.connectTimeout()) < 0 ? window : target.connectTimeout();
        return new ConfirmConnection(connector, target.withConnectTimeout(timeout));
    }

    /** Starts connecting, once; called when the activation has finished. */
    synchronized void open() {
        if (target != null && !taken && attempt == null) {
            attempt = Background.supply(() -> {
                try {
                    return connector.connect(target);
                } catch (DeployException e) {
                    throw new CompletionException(e);
                }
            });
        }
    }

    /**
     * The connection, once it is through, for the caller to use and close; empty if it was never
     * opened.
     *
     * @throws DeployException how connecting failed
     */
    Optional<RemoteHost> take() throws DeployException {
        CompletableFuture<RemoteHost> opened;
        synchronized (this) {
            opened = attempt;
            taken = true;
        }
        if (opened == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(opened.join());
        } catch (CompletionException e) {
            if (e.getCause() instanceof DeployException failed) {
                throw failed;
            }
            throw new DeployException(nixdeploy.deployer.ExitCode.CONNECT_FAILED, Causes.rootMessage(e), e);
        }
    }

    /** Closes the connection unless it was taken (or once it is through, if it still connects). */
    @Override
    public synchronized void close() {
        if (attempt != null && !taken) {
            attempt.thenAccept(RemoteHost::close);
        }
        taken = true;
    }
}
