package nixdeploy.deployer.steps;

import java.util.concurrent.CompletableFuture;
import nixdeploy.deployer.Background;
import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.config.ProfilePlan;
import nixdeploy.deployer.remote.RemoteHost;
import nixdeploy.deployer.remote.SshTarget;

/**
 * A profile's host made ready while the deployer still builds: connected, with the shells of the
 * copy and of the activation started (a login shell can take most of a second to start). The
 * activation's shell waits behind a gate, so closing this before the deployment runs nothing there.
 */
public final class PreparedHost implements AutoCloseable {
    /**
     * The open connection and the two commands waiting on it; {@code gateOpened}: the activation's
     * gate already had its go, so its activator is booting and waits for its own go.
     */
    record Ready(SshTarget target, RemoteHost host, RemoteHost.RemoteProcess serve,
            RemoteHost.RemoteProcess activation, String activationCommand, ActivatorLaunch launch, String profileUser,
            String deploymentId, boolean gateOpened) {
    }

    private final ProfilePlan plan;
    private final CompletableFuture<Ready> ready;

    PreparedHost(ProfilePlan plan, CompletableFuture<Ready> ready) {
        this.plan = plan;
        this.ready = ready;
    }

    public ProfilePlan plan() {
        return plan;
    }

    /**
     * Waits for the host; throws what preparing it failed with: a {@link DeployException} when the
     * connection failed or the host cannot run the activator, an {@link IllegalArgumentException} for bad SSH options, or an
     * {@link java.io.UncheckedIOException} when a command could not be started.
     */
    Ready await() throws DeployException {
        return Background.join(ready);
    }

    /** Closes the connection, now or as soon as it is open. */
    @Override
    public void close() {
        ready.thenAccept(r -> r.host().close());
    }
}
