package nixdeploy.deployer.steps;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import nixdeploy.deployer.Background;
import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.config.ProfilePlan;
import nixdeploy.deployer.remote.RemoteConnector;
import nixdeploy.deployer.remote.RemoteHost;
import nixdeploy.deployer.remote.SshOptions;
import nixdeploy.deployer.remote.SshTarget;

/**
 * Connections opened as soon as the hosts are known (from the nodes' settings), while Nix still
 * evaluates the profiles' paths: a host's first profile then starts its commands on one of these
 * ({@link ConnectStep}) instead of connecting after the evaluation. Only the copy and the activation
 * use them; the confirmation always makes a new connection. Those left unused are closed.
 */
public final class EarlyConnections implements AutoCloseable {
    /** A connection started at {@code startNanos}: the host, or the {@link DeployException} connecting failed with. */
    record Early(long startNanos, CompletableFuture<RemoteHost> host) {
        RemoteHost join() throws DeployException {
            return Background.join(host);
        }
    }

    private final CompletableFuture<? extends RemoteConnector> connector;
    private final Map<SshTarget, Early> open = new ConcurrentHashMap<>();

    /** Connects through {@code connector} once it is set up; null: never (see {@link #none}). */
    public EarlyConnections(CompletableFuture<? extends RemoteConnector> connector) {
        this.connector = connector;
    }

    /** None: {@link #start} does nothing, and every profile connects when it is prepared. */
    public static EarlyConnections none() {
        return new EarlyConnections(null);
    }

    /** Starts connecting to the hosts of {@code plans}, one connection per SSH target. */
    public void start(List<ProfilePlan> plans) {
        if (connector == null) {
            return;
        }
        for (ProfilePlan plan : plans) {
            SshTarget target;
            try {
                // as Targets reads them; its warnings come when the profile is prepared
                target = SshOptions.apply(SshTarget.of(plan.hostname(), plan.sshUser().orElse(null)), plan.sshOpts(),
                        warning -> { });
            } catch (IllegalArgumentException e) {
                continue;  // the profile's own preparation reports it
            }
            open.computeIfAbsent(target, t -> new Early(System.nanoTime(), connector.thenApplyAsync(c -> {
                try {
                    return c.connect(t);
                } catch (DeployException e) {
                    throw new CompletionException(e);
                }
            }, Background.executor())));
        }
    }

    /** The connection started for {@code target}, if any; each is taken once. */
    Optional<Early> take(SshTarget target) {
        return Optional.ofNullable(open.remove(target));
    }

    @Override
    public void close() {
        open.values().forEach(e -> e.host().thenAccept(RemoteHost::close));
        open.clear();
    }
}
