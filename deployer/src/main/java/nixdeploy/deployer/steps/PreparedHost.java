package nixdeploy.deployer.steps;

import java.util.List;
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
    record Ready(SshTarget target, RemoteHost host, RemoteHost.RemoteProcess serve, CompletableFuture<StoreCopy> store,
            RemoteHost.RemoteProcess activation, String activationCommand, ActivatorLaunch launch, String profileUser,
            String deploymentId, boolean gateOpened) {
    }

    private final ProfilePlan plan;
    private final CompletableFuture<Ready> ready;
    private final CompletableFuture<List<String>> question;

    /**
     * {@code question}: the paths to ask the host about as soon as the copy's channel is open (see
     * {@link #ask}); {@code ready} asks it on the channel it opens.
     */
    PreparedHost(ProfilePlan plan, CompletableFuture<Ready> ready, CompletableFuture<List<String>> question) {
        this.plan = plan;
        this.ready = ready;
        this.question = question;
    }

    public ProfilePlan plan() {
        return plan;
    }

    /**
     * The paths whose absence on the host the copy asks about first, once {@code paths} has them:
     * the question then goes as soon as the copy's channel is open, while the rest of the host is
     * made ready, so its answer costs no round trip of its own.
     */
    void ask(CompletableFuture<List<String>> paths) {
        paths.whenComplete((p, failed) -> {
            if (failed == null) {
                question.complete(p);
            } else {
                question.completeExceptionally(failed);
            }
        });
    }

    CompletableFuture<List<String>> question() {
        return question;
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
