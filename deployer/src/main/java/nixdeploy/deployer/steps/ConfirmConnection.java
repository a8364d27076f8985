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
 * finished rather than once its watcher is ready to take the confirmation (~80 ms later), so that
 * connecting overlaps the watcher's start. It begins after the activation, which is what it must
 * prove, as deploy-rs's does; and it is used only if the confirmation comes within
 * {@link #MAX_AGE_MILLIS} of the activation's end: a connection kept open longer could hide a
 * lockout that came after it (a firewall reloaded later lets established connections through, an
 * sshd restart spares running sessions). So profiles with health checks never use one (the
 * confirmation connects after they pass), and an old one is closed and the confirmation connects
 * anew, as it does when this one failed.
 */
final class ConfirmConnection implements AutoCloseable {
    static final long MAX_AGE_MILLIS = 2000;

    private final RemoteConnector connector;
    private final SshTarget target;
    private final Duration window;
    private final long maxAgeNanos;
    private CompletableFuture<RemoteHost> attempt;
    private long openedAt;
    private boolean taken;

    private ConfirmConnection(RemoteConnector connector, SshTarget target, Duration window, long maxAgeMillis) {
        this.connector = connector;
        this.target = target;
        this.window = window;
        this.maxAgeNanos = maxAgeMillis * 1_000_000;
    }

    /** Opens nothing: the confirmation connects when it comes. */
    static ConfirmConnection none() {
        return new ConfirmConnection(null, null, Duration.ZERO, 0);
    }

    /** Will connect to {@code target}, within {@code window} (the confirmation's timeout). */
    static ConfirmConnection to(RemoteConnector connector, SshTarget target, Duration window) {
        return to(connector, target, window, MAX_AGE_MILLIS);
    }

    static ConfirmConnection to(RemoteConnector connector, SshTarget target, Duration window, long maxAgeMillis) {
        return new ConfirmConnection(connector, target, window, maxAgeMillis);
    }

    /** Where the confirmation connects, as resolved once for it; empty for {@link #none}. */
    Optional<SshTarget> target() {
        return Optional.ofNullable(target);
    }

    /** Starts connecting, once; called when the activation has finished. */
    synchronized void open() {
        if (target != null && !taken && attempt == null) {
            openedAt = System.nanoTime();
            SshTarget bounded = target.withConnectTimeout(
                    window.compareTo(target.connectTimeout()) < 0 ? window : target.connectTimeout());
            attempt = Background.supply(() -> {
                try {
                    return connector.connect(bounded);
                } catch (DeployException e) {
                    throw new CompletionException(e);
                }
            });
        }
    }

    /**
     * The connection, once it is through, for the caller to use and close; empty if it was never
     * opened, or was opened more than {@link #MAX_AGE_MILLIS} ago (then it is closed).
     *
     * @throws DeployException how connecting failed
     */
    Optional<RemoteHost> take() throws DeployException {
        CompletableFuture<RemoteHost> opened;
        synchronized (this) {
            opened = attempt;
            if (opened != null && System.nanoTime() - openedAt > maxAgeNanos) {
                close();
                return Optional.empty();
            }
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
