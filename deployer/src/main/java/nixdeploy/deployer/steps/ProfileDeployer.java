package nixdeploy.deployer.steps;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import nixdeploy.deployer.Background;
import nixdeploy.deployer.Causes;
import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.ExitCode;
import nixdeploy.deployer.config.ProfilePlan;
import nixdeploy.deployer.health.HealthCheck;
import nixdeploy.deployer.health.HttpClient;
import nixdeploy.deployer.nix.Closure;
import nixdeploy.deployer.output.Console;
import nixdeploy.deployer.remote.RemoteConnector;
import nixdeploy.deployer.remote.RemoteHost;

/**
 * Deploys one profile, step by step: connect and prepare ({@link ConnectStep}), copy
 * ({@link CopyStep}, {@link SignatureCheckStep}, {@link RemoteBuildStep}), activate
 * ({@link ActivateStep}), confirm ({@link ConfirmStep}), and recover ({@link RecoverStep}) or roll
 * back ({@link RollbackStep}). It owns the outcome: each failure becomes the state read back from
 * the host, never a guess.
 */
public final class ProfileDeployer {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Whether this process has a core to spare (taskset, a container's CPU set) for work done ahead. */
    private static final boolean OVERLAP = Runtime.getRuntime().availableProcessors() > 1;

    /**
     * How to copy and activate, for every profile of one run; {@code checkSigs} ({@code --checksigs})
     * has the host verify the copied paths' signatures against its trusted keys before activating;
     * {@code localKey} ({@code LOCAL_KEY}) is a secret key file to sign the copied paths with;
     * {@code rollbackTo} ({@code deploy rollback}) activates an existing generation of the profile on
     * the host instead of the plan's store path: {@code previous} or its number.
     */
    public record Mode(boolean dryActivate, boolean boot, boolean checkSigs, Optional<String> localKey,
            Optional<String> rollbackTo) {
        public Mode(boolean dryActivate, boolean boot, boolean checkSigs, Optional<String> localKey) {
            this(dryActivate, boot, checkSigs, localKey, Optional.empty());
        }

        public Mode(boolean dryActivate, boolean boot, boolean checkSigs) {
            this(dryActivate, boot, checkSigs, Optional.empty());
        }

        /** {@code deploy rollback}: back to {@code generation} ({@code previous} or a number), confirmed as a deploy. */
        public static Mode rollbackTo(String generation) {
            return new Mode(false, false, false, Optional.empty(), Optional.of(generation));
        }
    }

    private final Console console;
    private final String activatorJar;
    private final Supplier<String> sudoPassword;
    private final ConnectStep connect;
    private final CopyStep copy;
    private final SignatureCheckStep signatures;
    private final RemoteBuildStep remoteBuild;
    private final ActivationRun activation;
    private final Mode mode;
    private final UndoStep undo;
    private final Closures closures = new Closures();
    private final Optional<ActivatorRuntime> runtime;

    /**
     * {@code activatorJar} is the activator's store path; {@code runtime}, our Java runtime for hosts
     * without Java 17+ (see {@link ActivatorRuntime}).
     */
    public ProfileDeployer(RemoteConnector connector, Console console, String activatorJar,
            Optional<ActivatorRuntime> runtime, Mode mode, PendingRollbacks pending, Supplier<String> sudoPassword,
            HttpClient http) {
        this(connector, console, activatorJar, runtime, mode, pending, sudoPassword, http, EarlyConnections.none(),
                false);
    }

    /**
     * {@code early}: connections already on their way, which the hosts' first profiles use.
     * {@code oneHostAtATime}: no other host deploys meanwhile (see {@link ActivationRun}).
     */
    public ProfileDeployer(RemoteConnector connector, Console console, String activatorJar,
            Optional<ActivatorRuntime> runtime, Mode mode, PendingRollbacks pending, Supplier<String> sudoPassword,
            HttpClient http, EarlyConnections early, boolean oneHostAtATime) {
        this.console = console;
        this.activatorJar = activatorJar;
        this.sudoPassword = sudoPassword;
        this.mode = mode;
        this.runtime = runtime;
        Targets targets = new Targets(console);
        FreshConnections connections = new FreshConnections(connector, console);
        this.connect = new ConnectStep(connector, console, targets, activatorJar, runtime, mode, early);
        this.copy = new CopyStep(console, mode);
        this.signatures = new SignatureCheckStep(console);
        this.remoteBuild = new RemoteBuildStep(console);
        RollbackStep rollback = new RollbackStep(connections);
        RecoverStep recover = new RecoverStep(console, connections);
        this.undo = new UndoStep(rollback);
        this.activation = new ActivationRun(console, mode, oneHostAtATime, new ActivateStep(console, mode, pending,
                rollback), new ConfirmStep(console, targets, connections, new HealthGate(connector, console, http),
                rollback, recover, pending), recover, rollback, undo, new WatcherLogStep(console, connections), pending);
    }

    /**
     * Starts connecting to {@code plan}'s host and starting the commands the deployment runs there,
     * in the background; {@link #deploy} then uses them.
     */
    public PreparedHost prepare(ProfilePlan plan) {
        return connect.prepare(plan);
    }

    /**
     * Deploys the prepared profile; {@code checks} must pass before it is confirmed. With a
     * {@code derivation}, the profile is built on the host from it ({@code remoteBuild}).
     */
    public Outcome deploy(PreparedHost prepared, List<HealthCheck> checks, Optional<String> derivation) {
        ProfilePlan plan = prepared.plan();
        // with a core to spare, the closure is read while the connection is made and the host asked
        // about it at once; on one core that reading only slows the connection's own work
        EarlyClosure early = OVERLAP ? read(prepared, derivation) : null;
        PreparedHost.Ready ready;
        try {
            ready = connect.ready(prepared);
        } catch (DeployException e) {
            return new Outcome(plan, e.exitCode() == ExitCode.HOST_UNSUPPORTED
                    ? Outcome.Status.HOST_UNSUPPORTED : Outcome.Status.CONNECT_FAILED, e.getMessage());
        } catch (IllegalArgumentException e) {
            return new Outcome(plan, Outcome.Status.NOT_DEPLOYED, e.getMessage());
        } catch (UncheckedIOException e) {
            return new Outcome(plan, Outcome.Status.NOT_DEPLOYED, "the connection to " + plan.hostname()
                    + " failed before activation (" + e.getCause().getMessage() + "); nothing was changed");
        }
        EarlyClosure closure = early != null ? early : read(prepared, derivation);
        return deployOn(plan, ready, closure, prepared.question(), checks, derivation, true);
    }

    /** Starts reading the deployment's closures; the host is asked about the profile's once read. */
    private EarlyClosure read(PreparedHost prepared, Optional<String> derivation) {
        EarlyClosure closure = new EarlyClosure(closures, roots(prepared.plan(), derivation),
                runtime.map(ActivatorRuntime::storePath));
        prepared.ask(closure.profilePaths());
        return closure;
    }

    /** Deploys over {@code ready}'s connection; a copy cut off by a dead connection goes once more over a new one. */
    private Outcome deployOn(ProfilePlan plan, PreparedHost.Ready ready, EarlyClosure closure,
            CompletableFuture<List<String>> question, List<HealthCheck> checks, Optional<String> derivation,
            boolean mayReconnect) {
        RemoteHost host = ready.host();
        try (host) {
            Invocation inv;
            // up to the activation nothing on the host changes: whatever fails, it is not deployed
            try {
                inv = copied(plan, ready, closure, Background.join(question), checks, derivation);
                closure.release();
            } catch (CopyStep.ConnectionLost e) {
                // with --checksigs only the paths sent are verified: those the first attempt sent would not be
                if (!mayReconnect || mode.checkSigs()) {
                    return new Outcome(plan, Outcome.Status.NOT_DEPLOYED, nothingChanged(e.getMessage()));
                }
                console.info(plan.name(), "the copy's connection broke off (" + e.getCause().getMessage()
                        + "); connecting again");
                host.close();
                PreparedHost.Ready again;
                try {
                    again = connect.reopen(plan, question);
                } catch (DeployException | RuntimeException failed) {
                    return new Outcome(plan, Outcome.Status.CONNECT_FAILED, e.getMessage() + "; connecting again "
                            + "failed too: " + failed.getMessage());
                }
                return deployOn(plan, again, closure, question, checks, derivation, false);
            } catch (DeployException e) {
                return new Outcome(plan, notDeployed(e.exitCode()), nothingChanged(e.getMessage()));
            } catch (RuntimeException e) {
                console.debug(plan.name(), "before activation: " + Causes.stackTrace(e));
                return new Outcome(plan, Outcome.Status.NOT_DEPLOYED, "unexpected failure before activation (" + e
                        + "); nothing was changed on the host. Please report it, with --debug-logs");
            }
            return activation.run(host, ready, inv);
        } catch (IOException e) {
            return new Outcome(plan, Outcome.Status.NOT_DEPLOYED, "the connection to " + plan.hostname()
                    + " failed before activation (" + e.getMessage() + "); nothing was changed");
        }
    }

    /**
     * Copies (and builds) what the profile needs, of which the host was asked about {@code askedAhead}
     * already; returns what activating it takes.
     */
    private Invocation copied(ProfilePlan plan, PreparedHost.Ready ready, EarlyClosure early, List<String> askedAhead,
            List<HealthCheck> checks, Optional<String> derivation) throws IOException, DeployException {
        RemoteHost host = ready.host();
        Closure closure = early.toCopy(ready.launch().runtime().isPresent());
        boolean sudo = !ready.profileUser().equals(host.user());
        if (sudo && plan.interactiveSudo() && !plan.sudo().get(0).endsWith("sudo")) {
            throw new DeployException(ExitCode.HOST_UNSUPPORTED, "interactiveSudo works with sudo only, not with '"
                    + String.join(" ", plan.sudo()) + "'");
        }
        String password = sudo && plan.interactiveSudo() ? sudoPassword.get() : null;
        List<String> sent = copy.copy(host, ready.serve(), ready.store(), askedAhead, plan, closure);
        if (mode.checkSigs() && !sent.isEmpty()) {
            signatures.verify(host, plan, sent);
        }
        if (derivation.isPresent()) {
            remoteBuild.build(host, plan, derivation.get());
        }
        return new Invocation(plan, ready.target(), host.address(), host.user(), ready.profileUser(), ready.launch(),
                plan.explicitProfilePath().orElse(null), newToken(), password, checks, ready.deploymentId());
    }

    /** What the profile needs on the host besides a Java runtime: its path (or derivation) and the activator. */
    private List<String> roots(ProfilePlan plan, Optional<String> derivation) {
        List<String> roots = new ArrayList<>(List.of(activatorJar));
        if (mode.rollbackTo().isEmpty()) {
            roots.add(0, derivation.orElse(plan.storePath()));
        }
        return roots;
    }

    private static Outcome.Status notDeployed(ExitCode code) {
        return switch (code) {
            case BUILD_FAILED -> Outcome.Status.BUILD_FAILED;
            case HOST_UNSUPPORTED -> Outcome.Status.HOST_UNSUPPORTED;
            default -> Outcome.Status.NOT_DEPLOYED;
        };
    }

    /** Failures before the activation left the host's profiles as they were: say so, once. */
    static String nothingChanged(String message) {
        return message.toLowerCase(Locale.ROOT).contains("nothing was") ? message
                : message + "\nNothing was changed on the host.";
    }

    /**
     * Undoes a profile this run confirmed (deploy-rs's rollback of succeeded deployments) and
     * returns its outcome as read back from the host: undone, rollback failed, or still confirmed
     * when the host could not be reached or refused.
     */
    public Outcome undo(Outcome confirmedOutcome, String reason) {
        return undo.undo(confirmedOutcome, reason);
    }

    private static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
