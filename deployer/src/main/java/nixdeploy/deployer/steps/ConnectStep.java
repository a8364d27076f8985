package nixdeploy.deployer.steps;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import nixdeploy.deployer.Background;
import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.config.ProfilePlan;
import nixdeploy.deployer.output.Console;
import nixdeploy.deployer.remote.RemoteConnector;
import nixdeploy.deployer.remote.RemoteHost;
import nixdeploy.deployer.remote.SshTarget;
import nixdeploy.protocol.DeploymentId;

/**
 * Connects to a profile's host and starts the two commands the deployment runs there: the store's
 * serve protocol for the copy, and the activator behind a gate that opens only once the closure is
 * there, whose shell first says which Java the host has ({@link HostJava}). Nothing on the host
 * changes in this step.
 */
final class ConnectStep {
    private final RemoteConnector connector;
    private final Console console;
    private final Targets targets;
    private final String activatorJar;
    private final Optional<ActivatorRuntime> runtime;
    private final ProfileDeployer.Mode mode;
    private final EarlyConnections early;

    ConnectStep(RemoteConnector connector, Console console, Targets targets, String activatorJar,
            Optional<ActivatorRuntime> runtime, ProfileDeployer.Mode mode, EarlyConnections early) {
        this.connector = connector;
        this.early = early;
        this.console = console;
        this.targets = targets;
        this.activatorJar = activatorJar;
        this.runtime = runtime;
        this.mode = mode;
    }

    /** Starts preparing the host in the background. */
    PreparedHost prepare(ProfilePlan plan) {
        CompletableFuture<List<String>> question = new CompletableFuture<>();
        return new PreparedHost(plan, Background.supply(() -> open(plan, question)), question);
    }

    /** The prepared host, made ready again if its connection or commands closed in the meantime. */
    PreparedHost.Ready ready(PreparedHost prepared) throws DeployException {
        PreparedHost.Ready ready;
        try {
            ready = prepared.await();
        } catch (UncheckedIOException e) {
            console.debug(prepared.plan().name(), "the connection broke while the host was made ready ("
                    + e.getCause().getMessage() + "); connecting again");
            return reopen(prepared.plan(), prepared.question());
        }
        if (ready.host().isOpen() && ready.serve().isOpen() && ready.activation().isOpen()) {
            return ready;
        }
        // nothing ran there yet: the activation's shell waits for its go
        console.debug(prepared.plan().name(), "the connection opened during the build closed; connecting again");
        ready.host().close();
        return reopen(prepared.plan(), prepared.question());
    }

    /**
     * A new connection, its commands started, for a deployment whose first connection died;
     * {@code question} as {@link PreparedHost#ask}.
     */
    PreparedHost.Ready reopen(ProfilePlan plan, CompletableFuture<List<String>> question) throws DeployException {
        try {
            return open(plan, question);
        } catch (CompletionException e) {
            throw (DeployException) e.getCause();
        }
    }

    private PreparedHost.Ready open(ProfilePlan plan, CompletableFuture<List<String>> question) {
        String who = plan.name();
        SshTarget target = targets.of(plan.hostname(), plan.sshUser().orElse(null), plan.sshOpts(), who);
        Optional<EarlyConnections.Early> early = this.early.take(target);
        long start = early.map(EarlyConnections.Early::startNanos).orElse(System.nanoTime());
        RemoteHost host;
        try {
            host = early.isPresent() ? early.get().join() : connector.connect(target);
        } catch (DeployException e) {
            throw new CompletionException(e);
        }
        try {
            console.info(who, "connected to " + host.describe() + " (" + Human.millisSince(start) + " ms)");
            if (ActivatorArgs.magicRollback(plan, mode)) {
                connector.expectConnection(host);  // the confirmation's, after the activation
            }
            String profileUser = plan.profileUser().orElse(host.user());
            boolean passwordOnStdin = !profileUser.equals(host.user()) && plan.interactiveSudo();
            String deploymentId = DeploymentId.random();
            // both channels open at once (one round trip, not two); the copy's is needed last
            CompletableFuture<RemoteHost.RemoteProcess> serveStarted = Background.supply(() -> {
                try {
                    return host.start(HostCommands.serve());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            // the question goes as soon as the channel is open and the closure read, whichever is last,
            // from a thread of its own: it can be long, and this connection may be given up meanwhile
            CompletableFuture<StoreCopy> store = serveStarted.thenCombineAsync(question, (serve, paths) -> {
                try {
                    if (!serve.isOpen()) {
                        throw new IOException("the copy's channel closed before its first question");
                    }
                    StoreCopy copy = new StoreCopy(serve.stdin(), serve.stdout());
                    copy.ask(paths, plan.substituteOnHost());
                    return copy;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, Background.executor());
            // the activation's shell answers the probe first: which Java, unless the profile names it
            List<String> args = ActivatorArgs.activate(plan, mode, deploymentId);
            String activationCommand = HostCommands.gatedActivator(plan, host.user(), profileUser, activatorJar,
                    args, passwordOnStdin, false);
            RemoteHost.RemoteProcess activation = host.start(HostCommands.gatedActivator(plan, host.user(),
                    profileUser, activatorJar, args, passwordOnStdin, true));
            String answer = probe(activation);
            ActivatorLaunch launch = plan.javaPath().isEmpty() ? launch(plan, answer)
                    : ActivatorLaunch.with(plan.javaPath().get(), activatorJar);
            String go = HostCommands.go(launch.java());
            // the activator could start now (its jar, and its java if the profile names one, are there): its
            // JVM boots while Nix builds and the closure is copied, and waits for its own go; with sudo's
            // password still to come, the gate waits
            boolean gateOpened = answer.lines().anyMatch(l -> l.strip().equals(HostCommands.ACTIVATOR_THERE))
                    && !passwordOnStdin;
            if (gateOpened) {
                activation.stdin().write(go.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                activation.stdin().flush();
            }
            RemoteHost.RemoteProcess serve = Background.joinIo(serveStarted);
            return new PreparedHost.Ready(target, host, serve, store, activation, activationCommand, launch,
                    profileUser, deploymentId, gateOpened);
        } catch (DeployException e) {
            host.close();
            throw new CompletionException(e);
        } catch (IOException | RuntimeException e) {
            host.close();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    /** The activation's shell's answer to the probe. */
    private static String probe(RemoteHost.RemoteProcess activation) throws IOException {
        try {
            return Background.supply(() -> {
                try {
                    return HostJava.read(activation.stdout());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).get(60, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            activation.close();
            throw new IOException("the host did not say which Java it has within 60 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking the host which Java it has");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof UncheckedIOException io ? io.getCause() : new IOException(e.getCause());
        }
    }

    /** The host's own Java, as the probe's {@code answer} reports it; else our runtime when the host has none. */
    private ActivatorLaunch launch(ProfilePlan plan, String answer) throws DeployException {
        HostJava onHost = HostJava.parse(answer);
        ActivatorLaunch launch = ActivatorLaunch.choose(onHost, activatorJar, runtime, plan.hostname());
        if (launch.runtime().isPresent()) {
            console.info(plan.name(), "no Java " + HostJava.NEEDED + "+ on the host (" + onHost.found()
                    + "): the activator runs on nixdeploy's own Java runtime, copied with the closure");
        }
        return launch;
    }
}
