package nixdeploy.deployer.steps;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import nixdeploy.deployer.Background;
import nixdeploy.deployer.Causes;
import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.config.ProfilePlan;
import nixdeploy.deployer.health.CheckContext;
import nixdeploy.deployer.health.HealthCheck;
import nixdeploy.deployer.health.HealthChecks;
import nixdeploy.deployer.health.HttpClient;
import nixdeploy.deployer.nix.Closure;
import nixdeploy.deployer.nix.NixCli;
import nixdeploy.deployer.nix.PathInfo;
import nixdeploy.deployer.output.Console;
import nixdeploy.deployer.remote.RemoteConnector;
import nixdeploy.deployer.remote.RemoteHost;
import nixdeploy.deployer.remote.SshOptions;
import nixdeploy.deployer.remote.SshSettings;
import nixdeploy.deployer.remote.SshTarget;
import nixdeploy.protocol.ActivatorExit;
import nixdeploy.protocol.DeploymentId;
import nixdeploy.protocol.DeploymentState;
import nixdeploy.protocol.Event;
import nixdeploy.protocol.EventType;
import nixdeploy.protocol.Events;

/**
 * Deploys one profile: connect, learn what the host lacks, copy it, activate, then confirm over a
 * new connection. It reports the state it read back from the host, never a guess.
 */
public final class ProfileDeployer {
    /**
     * How long a build on the host ({@code --remote-build}) may take: as long as it needs, as with
     * deploy-rs (a slow board builds for hours). A host that goes away is still noticed: the
     * connection's keepalives close it after two minutes without an answer (MinaConnector).
     */
    static final Duration REMOTE_BUILD_TIMEOUT = null;
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * How to copy and activate, for every profile of one run; {@code checkSigs} ({@code --checksigs})
     * has the host verify the copied paths' signatures against its trusted keys before activating.
     */
    public record Mode(boolean dryActivate, boolean boot, boolean checkSigs) {
    }

    private final RemoteConnector connector;
    private final Console console;
    private final String activatorJar;
    private final Optional<ActivatorRuntime> runtime;
    private final Mode mode;
    private final PendingRollbacks pending;
    private final Supplier<String> sudoPassword;
    private final HttpClient http;
    private final Map<String, Invocation> confirmed = new ConcurrentHashMap<>();
    /** Warnings about a profile's SSH options already shown: its connections read the same options. */
    private final java.util.Set<String> sshWarnings = ConcurrentHashMap.newKeySet();

    /**
     * {@code activatorJar} is the activator's store path; {@code runtime}, our Java runtime for hosts
     * without Java 17+ (see {@link ActivatorRuntime}).
     */
    public ProfileDeployer(RemoteConnector connector, Console console, String activatorJar,
            Optional<ActivatorRuntime> runtime, Mode mode, PendingRollbacks pending, Supplier<String> sudoPassword,
            HttpClient http) {
        this.http = http;
        this.connector = connector;
        this.console = console;
        this.activatorJar = activatorJar;
        this.runtime = runtime;
        this.mode = mode;
        this.pending = pending;
        this.sudoPassword = sudoPassword;
    }

    /**
     * Starts connecting to {@code plan}'s host and starting the commands the deployment runs there,
     * in the background; {@link #deploy} then uses them.
     */
    public PreparedHost prepare(ProfilePlan plan) {
        return new PreparedHost(plan, Background.supply(() -> open(plan)));
    }

    private PreparedHost.Ready open(ProfilePlan plan) {
        String who = plan.name();
        SshTarget target = target(plan.hostname(), plan.sshUser().orElse(null), plan.sshOpts(), who);
        long start = System.nanoTime();
        RemoteHost host;
        try {
            host = connector.connect(target);
        } catch (DeployException e) {
            throw new CompletionException(e);
        }
        try {
            console.info(who, "connected to " + host.describe() + " (" + millis(start) + " ms)");
            String profileUser = plan.profileUser().orElse(host.user());
            boolean passwordOnStdin = !profileUser.equals(host.user()) && plan.interactiveSudo();
            String deploymentId = DeploymentId.random();
            RemoteHost.RemoteProcess serve = host.start(HostCommands.serve());
            ActivatorLaunch launch = launch(plan, host);
            String activationCommand = HostCommands.gatedActivator(plan, host.user(), profileUser, launch,
                    activateArgs(plan, deploymentId), passwordOnStdin);
            RemoteHost.RemoteProcess activation = host.start(activationCommand);
            return new PreparedHost.Ready(target, host, serve, activation, activationCommand, launch, profileUser,
                    deploymentId);
        } catch (DeployException e) {
            host.close();
            throw new CompletionException(e);
        } catch (IOException | RuntimeException e) {
            host.close();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    /** The profile's javaPath; else the host's own Java, or our runtime when the host has none. */
    private ActivatorLaunch launch(ProfilePlan plan, RemoteHost host) throws IOException, DeployException {
        if (plan.javaPath().isPresent()) {
            return ActivatorLaunch.with(plan.javaPath().get(), activatorJar);
        }
        RemoteHost.Result probe = host.run(HostJava.probeCommand(), "", Duration.ofSeconds(60));
        HostJava onHost = HostJava.parse(probe.stdout());
        ActivatorLaunch launch = ActivatorLaunch.choose(onHost, activatorJar, runtime, plan.hostname());
        if (launch.runtime().isPresent()) {
            console.info(plan.name(), "no Java " + HostJava.NEEDED + "+ on the host (" + onHost.found()
                    + "): the activator runs on nixdeploy's own Java runtime, copied with the closure");
        }
        return launch;
    }

    /** The prepared host, made ready again if its connection or commands closed in the meantime. */
    private PreparedHost.Ready ready(PreparedHost prepared) throws DeployException {
        PreparedHost.Ready ready = prepared.await();
        if (ready.host().isOpen() && ready.serve().isOpen() && ready.activation().isOpen()) {
            return ready;
        }
        // nothing ran there yet: the activation's shell waits for its go
        console.debug(prepared.plan().name(), "the connection opened during the build closed; connecting again");
        ready.host().close();
        try {
            return open(prepared.plan());
        } catch (CompletionException e) {
            throw (DeployException) e.getCause();
        }
    }

    /**
     * Deploys the prepared profile; {@code checks} must pass before it is confirmed. With a
     * {@code derivation}, the profile is built on the host from it ({@code remoteBuild}).
     */
    public Outcome deploy(PreparedHost prepared, List<HealthCheck> checks, Optional<String> derivation) {
        ProfilePlan plan = prepared.plan();
        PreparedHost.Ready ready;
        try {
            ready = ready(prepared);
        } catch (DeployException e) {
            return new Outcome(plan, e.exitCode() == nixdeploy.deployer.ExitCode.HOST_UNSUPPORTED
                    ? Outcome.Status.HOST_UNSUPPORTED : Outcome.Status.CONNECT_FAILED, e.getMessage());
        } catch (IllegalArgumentException e) {
            return new Outcome(plan, Outcome.Status.NOT_DEPLOYED, e.getMessage());
        } catch (UncheckedIOException e) {
            return new Outcome(plan, Outcome.Status.NOT_DEPLOYED, "the connection to " + plan.hostname()
                    + " failed before activation (" + e.getCause().getMessage() + "); nothing was changed");
        }
        RemoteHost host = ready.host();
        try (host) {
            Invocation inv;
            // up to the activation nothing on the host changes: whatever fails, it is not deployed
            try {
                List<String> roots = new ArrayList<>(List.of(derivation.orElse(plan.storePath()), activatorJar));
                ready.launch().runtime().ifPresent(roots::add);
                Closure closure = Closure.of(roots);
                String profileUser = ready.profileUser();
                boolean sudo = !profileUser.equals(host.user());
                if (sudo && plan.interactiveSudo() && !plan.sudo().get(0).endsWith("sudo")) {
                    return new Outcome(plan, Outcome.Status.NOT_DEPLOYED, "interactiveSudo works with sudo only, "
                            + "not with '" + String.join(" ", plan.sudo()) + "'");
                }
                String password = sudo && plan.interactiveSudo() ? sudoPassword.get() : null;
                copy(host, ready.serve(), plan, closure);
                if (derivation.isPresent()) {
                    buildOnHost(host, plan, derivation.get());
                }
                inv = new Invocation(plan, ready.target(), host.address(), host.user(), profileUser, ready.launch(),
                        plan.explicitProfilePath().orElse(null), newToken(), password, checks, ready.deploymentId());
            } catch (DeployException e) {
                return new Outcome(plan, e.exitCode() == nixdeploy.deployer.ExitCode.BUILD_FAILED
                        ? Outcome.Status.BUILD_FAILED : Outcome.Status.NOT_DEPLOYED, nothingChanged(e.getMessage()));
            } catch (RuntimeException e) {
                console.debug(plan.name(), "before activation: " + Causes.stackTrace(e));
                return new Outcome(plan, Outcome.Status.NOT_DEPLOYED, "unexpected failure before activation (" + e
                        + "); nothing was changed on the host. Please report it, with --debug-logs");
            }
            return activateAndConfirm(host, ready, inv);
        } catch (IOException e) {
            return new Outcome(plan, Outcome.Status.NOT_DEPLOYED, "the connection to " + plan.hostname()
                    + " failed before activation (" + e.getMessage() + "); nothing was changed");
        }
    }

    /** Failures before the activation left the host's profiles as they were: say so, once. */
    static String nothingChanged(String message) {
        return message.toLowerCase(java.util.Locale.ROOT).contains("nothing was") ? message
                : message + "\nNothing was changed on the host.";
    }

    /** What one activation needs to be confirmed or undone later. */
    /** {@code hostAddress}: where the SSH connection went (HostName for an ssh_config alias), for health checks. */
    private record Invocation(ProfilePlan plan, SshTarget target, String hostAddress, String sshUser,
            String profileUser, ActivatorLaunch launch, String profilePath, String token, String sudoPassword,
            List<HealthCheck> checks, String deploymentId) {

        String command(List<String> args) {
            return HostCommands.activator(plan, sshUser, profileUser, launch, args, sudoPassword != null);
        }

        Invocation at(String resolvedProfilePath) {
            return new Invocation(plan, target, hostAddress, sshUser, profileUser, launch, resolvedProfilePath, token,
                    sudoPassword, checks, deploymentId);
        }

        /**
         * The command's stdin: sudo's password when asked for (only {@code sudo -v} reads it, see
         * {@link HostCommands#activator}), then the token for the activator.
         */
        String stdin(boolean withToken) {
            return (sudoPassword == null ? "" : sudoPassword + "\n") + (withToken ? token + "\n" : "");
        }
    }

    private SshTarget target(String host, String user, List<String> opts, String who) {
        java.util.function.Consumer<String> warn = warning -> {
            if (sshWarnings.add(who + "\n" + warning)) {
                console.warn(who, warning);
            }
        };
        SshTarget target = SshOptions.apply(SshTarget.of(host, user), opts, warn);
        SshSettings.forMessages(target).ifPresent(settings -> {
            settings.warnings().forEach(warn);
            settings.debugNotes().forEach(note -> console.debug(who, note));
        });
        return target;
    }

    /** Asks the host which paths it lacks (one round trip) and streams just those to it. */
    private void copy(RemoteHost host, RemoteHost.RemoteProcess started, ProfilePlan plan, Closure closure)
            throws IOException, DeployException {
        String who = plan.name();
        long start = System.nanoTime();
        try (RemoteHost.RemoteProcess serve = started) {
            List<String> missing;
            long bytes;
            try (StoreCopy store = new StoreCopy(serve.stdin(), serve.stdout())) {
                missing = store.missing(closure.paths(), !plan.fastConnection());
                if (missing.isEmpty()) {
                    console.info(who, "host already has all " + closure.paths().size() + " paths; copying nothing");
                    return;
                }
                bytes = closure.bytes(missing);
                console.info(who, "copying " + missing.size() + " of " + closure.paths().size() + " paths ("
                        + human(bytes) + ")");
                String localKey = System.getenv("LOCAL_KEY");
                boolean noDerivations = missing.stream().noneMatch(p -> p.endsWith(".drv"));
                if (localKey != null && !localKey.isBlank() && noDerivations) {
                    sendSigned(store, plan, missing, localKey);
                } else if (mode.checkSigs() && noDerivations) {
                    // the signatures the paths already have (a cache's, a build machine's) go with them
                    sendSigned(store, plan, missing, null);
                } else {
                    sendExported(store, who, missing, bytes);
                }
            } catch (IOException e) {
                String why = serve.stderr().trim();
                throw new DeployException(nixdeploy.deployer.ExitCode.CONNECT_FAILED, "copying to " + host.describe()
                        + " failed: " + (why.isEmpty() ? e.getMessage() : why)
                        + (why.contains("signature") || why.contains("not allowed") ? ". The SSH user is not "
                        + "trusted by the host's Nix: add it to trusted-users there, deploy as root, or sign the paths with "
                        + "LOCAL_KEY=<secret key file> (its public key in the host's trusted-public-keys)." : "")
                        + (why.contains("not found") ? ". Is Nix installed there and nix-store on the SSH user's "
                        + "PATH?" : "") + " Nothing was activated.");
            }
            serve.waitFor(Duration.ofSeconds(30));
            console.info(who, "copied " + missing.size() + " paths (" + human(bytes) + ") in " + millis(start) + " ms");
            if (mode.checkSigs()) {
                verifySignatures(host, plan, missing);
            }
        }
    }

    /**
     * {@code --checksigs}: Nix's serve protocol imports without checking signatures (as
     * {@code nix copy --to ssh://} does), so the host checks the copied paths afterwards, against its
     * own {@code trusted-public-keys}, before anything is activated. A path that fails stays in its
     * store, unused.
     */
    private void verifySignatures(RemoteHost host, ProfilePlan plan, List<String> copied)
            throws IOException, DeployException {
        List<String> paths = copied.stream().filter(p -> !p.endsWith(".drv")).toList();
        for (List<String> argv : NixCli.batches(HostCommands.VERIFY_SIGNATURES, paths)) {
            java.io.ByteArrayOutputStream output = new java.io.ByteArrayOutputStream();
            int status = host.exec(nixdeploy.shell.ShellQuote.command(argv), null, output, output,
                    Duration.ofMinutes(10));
            if (status != 0) {
                throw new DeployException(nixdeploy.deployer.ExitCode.BAD_INPUT, "--checksigs: " + host.describe()
                        + " does not trust the signatures of the copied paths (nix store verify exit " + status + "):\n"
                        + NixCli.errorText(output.toString(java.nio.charset.StandardCharsets.UTF_8))
                        + "\nSign them with a key in the host's trusted-public-keys (LOCAL_KEY=<secret key file>), "
                        + "or deploy without --checksigs. The paths stay in its store, unused: nothing was activated.");
            }
        }
        console.info(plan.name(), "the host verified the signatures of " + paths.size() + " copied paths");
    }

    /**
     * Streams {@code missing} as {@code nix-store --export} archives, one import per batch of paths
     * that fits on a command line. They come dependencies first (as {@link Closure} lists them), so
     * every batch's references are on the host before it arrives.
     */
    private void sendExported(StoreCopy store, String who, List<String> missing, long bytes)
            throws IOException, DeployException {
        long before = 0;
        for (List<String> argv : NixCli.batches(List.of("nix-store", "--export"), missing)) {
            Process export = startLocal(argv);
            long sentBefore = before;
            try (InputStream stream = new Progress(export.getInputStream(), sent -> console.status(who,
                    "copying " + missing.size() + " paths: " + human(sentBefore + sent) + " of " + human(bytes)))) {
                before += store.importExport(stream);
            } finally {
                export.destroy();
            }
        }
    }

    /**
     * Sends each path with its signatures, for hosts that require them; with LOCAL_KEY
     * ({@code keyFile}) signs them here first. With {@code --checksigs}, a path built here is not
     * sent as "ultimate" (built by the host), which would make the host trust it unsigned.
     */
    private void sendSigned(StoreCopy store, ProfilePlan plan, List<String> missing, String keyFile)
            throws IOException, DeployException {
        if (keyFile != null) {
            PathInfo.sign(missing, keyFile);
        }
        for (PathInfo found : PathInfo.inDependencyOrder(missing)) {
            PathInfo info = mode.checkSigs() ? found.notUltimate() : found;
            Process dump = startLocal(List.of("nix-store", "--dump", info.path()));
            try (InputStream nar = dump.getInputStream()) {
                store.addToStoreNar(info, nar);
            } finally {
                dump.destroy();
            }
        }
        console.debug(plan.name(), "sent " + missing.size() + " paths with their signatures"
                + (keyFile == null ? "" : ", signed with " + keyFile));
    }

    /** Starts a local Nix command whose output goes to the host; failing to start it is not the host's fault. */
    private static Process startLocal(List<String> argv) throws DeployException {
        try {
            return new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw new DeployException(nixdeploy.deployer.ExitCode.BAD_INPUT, NixCli.cannotRun(argv.get(0), e), e);
        }
    }

    void buildOnHost(RemoteHost host, ProfilePlan plan, String derivation)
            throws IOException, DeployException {
        String who = plan.name();
        long start = System.nanoTime();
        console.info(who, "building " + derivation + " on " + host.describe());
        int status;
        try (LineSink lines = new LineSink(line -> console.output(who, line))) {
            status = host.exec(HostCommands.realise(derivation), null, lines, lines, REMOTE_BUILD_TIMEOUT);
        }
        if (status != 0) {
            throw new DeployException(nixdeploy.deployer.ExitCode.BUILD_FAILED, "building " + plan.name() + " on "
                    + host.describe() + " failed (exit " + status + "); see the build output above. Nothing was "
                    + "activated.");
        }
        console.info(who, "built on the host in " + millis(start) + " ms");
    }

    /** The activator's arguments; without profilePath it places the profile itself (deploy-rs's rules). */
    private List<String> activateArgs(ProfilePlan plan, String deploymentId) {
        List<String> args = new ArrayList<>(plan.explicitProfilePath().isEmpty()
                ? List.of("activate", "--profile-name", plan.profile())
                : List.of("activate", "--profile", plan.explicitProfilePath().get()));
        args.addAll(List.of("--deployment-id", deploymentId));
        args.addAll(List.of("--closure", plan.storePath(), "--activation-timeout",
                Integer.toString(plan.activationTimeout()), "--confirm-timeout", Integer.toString(plan.confirmTimeout())));
        if (magicRollback(plan)) {
            args.add("--magic-rollback");
        }
        if (plan.autoRollback()) {
            args.add("--auto-rollback");
        }
        if (mode.dryActivate()) {
            args.add("--dry-activate");
        }
        if (mode.boot()) {
            args.add("--boot");
        }
        plan.tempPath().ifPresent(t -> {
            args.add("--state-dir");
            args.add(t);
        });
        return args;
    }

    private boolean magicRollback(ProfilePlan plan) {
        return plan.magicRollback() && !mode.dryActivate() && !mode.boot();
    }

    /**
     * Opens the gate of the activation's waiting shell and follows the activator's events. Once
     * it awaits confirmation, confirms at once, without waiting for the activator to exit.
     */
    private Outcome activateAndConfirm(RemoteHost host, PreparedHost.Ready ready, Invocation planned)
            throws IOException {
        ProfilePlan plan = planned.plan();
        String who = plan.name();
        RemoteHost.RemoteProcess activation = ready.activation();
        if (!activation.isOpen()) {
            console.debug(who, "the activation's waiting shell closed during the copy; starting it again");
            activation = host.start(ready.activationCommand());
        }
        console.info(who, (mode.dryActivate() ? "dry-activating " : "activating ") + plan.storePath()
                + (planned.profilePath() == null ? "" : " as " + planned.profilePath())
                + (magicRollback(plan) ? " (magic rollback: " + plan.confirmTimeout() + " s to confirm)" : ""));
        AtomicReference<String> resolvedPath = new AtomicReference<>(planned.profilePath());
        CompletableFuture<Event> awaiting = new CompletableFuture<>();
        AtomicReference<Event> result = new AtomicReference<>();
        AtomicLong awaitingSeenAt = new AtomicLong();
        AtomicBoolean started = new AtomicBoolean();
        LineSink events = new LineSink(line -> Events.decode(line).ifPresentOrElse(e -> {
            switch (e.type) {
                case HELLO -> started.set(true);
                case OUTPUT -> console.output(who, e.line);
                case SWITCHED, ACTIVATED, RECOVERED -> {
                    if (e.profile != null) {
                        resolvedPath.set(e.profile);
                    }
                    console.info(who, e.message);
                }
                case AWAITING_CONFIRMATION -> {
                    awaitingSeenAt.set(System.currentTimeMillis());
                    awaiting.complete(e);
                }
                case RESULT -> result.set(e);
                default -> console.debug(who, "activator: " + line);
            }
        }, () -> console.debug(who, "activator: " + line)));
        RemoteHost.RemoteProcess activator = activation;
        CompletableFuture<Integer> exit = Background.supply(() -> {
            try (events) {
                activator.stdout().transferTo(events);
                return activator.waitFor(Duration.ofSeconds(30));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try (OutputStream stdin = activator.stdin()) {
            stdin.write(("go\n" + planned.stdin(true)).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            activator.close();
            return new Outcome(plan, Outcome.Status.NOT_DEPLOYED, "the connection to " + host.describe()
                    + " closed before the activator could start (" + e.getMessage() + "); nothing was changed");
        }
        int status;
        try {
            CompletableFuture.anyOf(awaiting, exit).get(plan.activationTimeout() + 120L, TimeUnit.SECONDS);
            if (awaiting.isDone()) {
                Outcome outcome = confirm(planned.at(resolvedPath.get()), awaiting.join(), awaitingSeenAt.get());
                int after = exit.completeOnTimeout(-1, 10, TimeUnit.SECONDS).exceptionally(e -> -1).join();
                if (after != 0) {
                    console.debug(who, "the activator exited with " + after + " after it reported that it awaits "
                            + "confirmation: " + activator.stderr().trim());
                }
                return outcome;
            }
            status = exit.join();
        } catch (ExecutionException | TimeoutException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            activator.close();
            Invocation inv = planned.at(resolvedPath.get());
            String why = e instanceof TimeoutException ? "the activator did not finish within "
                    + (plan.activationTimeout() + 120) + " s" : Causes.rootMessage(e);
            if (inv.profilePath() == null) {
                return new Outcome(plan, Outcome.Status.STATE_UNKNOWN, "the connection broke before the activator "
                        + "reported the profile's path (" + why + "); check profile " + plan.profile()
                        + " on the host");
            }
            // the activation may still run, then wait for its confirmation: the longest it can take
            return afterLostConnection(inv, "the connection broke during activation (" + why + ")",
                    System.currentTimeMillis() + (plan.activationTimeout() + plan.confirmTimeout()) * 1000L);
        }
        Invocation inv = planned.at(resolvedPath.get());
        String stderr = activator.stderr().trim();
        String message = result.get() != null && result.get().message != null ? result.get().message : stderr;
        if (status == HostCommands.SUDO_PASSWORD_REFUSED && inv.sudoPassword() != null) {
            return new Outcome(plan, Outcome.Status.NOT_DEPLOYED, "the sudo password was refused on " + plan.hostname()
                    + "; nothing was changed" + sudoSaid(stderr));
        }
        if (status == 0) {
            return new Outcome(plan, mode.dryActivate() ? Outcome.Status.DRY_ACTIVATED : Outcome.Status.ACTIVATED,
                    message);
        }
        ActivatorExit exitCode = ActivatorExit.fromCode(status);
        return switch (exitCode) {
            case ACTIVATION_FAILED_ROLLED_BACK -> new Outcome(plan, Outcome.Status.ACTIVATION_FAILED,
                    "activation failed and was rolled back: " + message);
            case ACTIVATION_FAILED -> new Outcome(plan, Outcome.Status.ACTIVATION_FAILED, message);
            case ROLLBACK_FAILED -> new Outcome(plan, Outcome.Status.ROLLBACK_FAILED, message
                    + ". Log in and check the profile " + inv.profilePath());
            case INTERNAL_ERROR -> started.get() ? new Outcome(plan, Outcome.Status.STATE_UNKNOWN, "the activator "
                    + "failed: " + message + ". Check the profile " + inv.profilePath() + " on the host")
                    : cannotRun(plan, inv, stderr);
            case CONFIRMED_STEP_FAILED -> new Outcome(plan, Outcome.Status.CONFIRMED_STEP_FAILED, message);
            case ROLLED_BACK -> new Outcome(plan, Outcome.Status.ROLLED_BACK, message);
            default -> status == 127 || status == 126 ? cannotRun(plan, inv, stderr)
                    : new Outcome(plan, Outcome.Status.NOT_DEPLOYED, message);
        };
    }

    /** The activator never started (it said no hello): Java missing or too old, or sudo refused. */
    private Outcome cannotRun(ProfilePlan plan, Invocation inv, String stderr) {
        return new Outcome(plan, Outcome.Status.HOST_UNSUPPORTED, "the host could not run the activator (" + stderr
                + "): it needs Java 17 or newer as '" + inv.launch().java() + "' on the PATH of " + inv.profileUser()
                + (inv.profileUser().equals(inv.sshUser()) ? "" : ", reached through '" + String.join(" ", plan.sudo())
                + "'") + ". Install it, or set javaPath (lib.withJre can put a JRE into the profile). Nothing was "
                + "changed.");
    }

    private Outcome confirm(Invocation inv, Event awaiting, long seenAt) {
        ProfilePlan plan = inv.plan();
        String who = plan.name();
        // stop trying a little before the host's deadline: our clock started after the host's did
        long deadline = seenAt + plan.confirmTimeout() * 1000L - 1000;
        String until = clock(deadline);
        console.info(who, "confirming generation " + awaiting.generation + " over a new connection before " + until);
        Optional<PendingRollbacks.Entry> registered = pending.add(who,
                confirmSent -> rollBackOnInterrupt(inv, confirmSent));
        if (registered.isEmpty()) {
            return new Outcome(plan, Outcome.Status.INTERRUPTED, "interrupted before confirming; the host rolls back "
                    + "by itself at " + until);
        }
        PendingRollbacks.Entry entry = registered.get();
        try {
            Optional<String> unhealthy = runHealthChecks(inv);
            if (unhealthy.isPresent()) {
                return afterUnhealthy(inv, unhealthy.get());
            }
            SshTarget confirmTarget = target(plan.confirmHostname(), plan.sshUser().orElse(null),
                    plan.confirmSshOpts(), who);
            long start = System.nanoTime();
            AtomicReference<String> failedAttempts = new AtomicReference<>("");
            Optional<RemoteHost.Result> answer = withFreshConnection(confirmTarget, deadline, failedAttempts, host -> {
                if (!entry.sendingConfirmation()) {
                    throw new CancellationException("interrupted before confirming");
                }
                return confirmOn(host, inv, awaiting.confirmSocket);
            });
            if (answer.isEmpty() && entry.interrupted()) {
                return new Outcome(plan, Outcome.Status.INTERRUPTED, "interrupted before confirming; the host was "
                        + "asked to roll back");
            }
            if (answer.isEmpty()) {
                return afterLostConnection(inv, "could not reconnect to " + confirmTarget.describe()
                        + " after activation" + failedAttempts.get(), deadline + 3000);
            }
            RemoteHost.Result result = answer.get();
            String message = resultMessage(result);
            if (result.ok()) {
                confirmed.put(who, inv);
                return new Outcome(plan, Outcome.Status.CONFIRMED, "generation " + awaiting.generation
                        + " confirmed over a new connection (" + millis(start) + " ms)");
            }
            if (result.exitStatus() == ActivatorExit.CONFIRMED_STEP_FAILED.code) {
                confirmed.put(who, inv);
                return new Outcome(plan, Outcome.Status.CONFIRMED_STEP_FAILED, "generation " + awaiting.generation
                        + " " + message);
            }
            if (result.exitStatus() == ActivatorExit.ROLLBACK_FAILED.code) {
                return new Outcome(plan, Outcome.Status.ROLLBACK_FAILED, "could not confirm in time, and " + message);
            }
            if (result.exitStatus() == ActivatorExit.ROLLED_BACK.code) {
                return new Outcome(plan, Outcome.Status.ROLLED_BACK, "could not confirm in time"
                        + failedAttempts.get() + "; the host " + message.replaceFirst("^too late: ", "")
                        + (failedAttempts.get().isEmpty() ? "" : ". If the profile moves SSH on purpose, set "
                        + "confirmHostname / confirmSshOpts."));
            }
            return new Outcome(plan, Outcome.Status.STATE_UNKNOWN, "confirming failed (exit " + result.exitStatus()
                    + "): " + message);
        } catch (IllegalArgumentException e) {
            return new Outcome(plan, Outcome.Status.STATE_UNKNOWN, "bad confirmSshOpts: " + e.getMessage()
                    + "; the host rolls back by itself at " + until);
        } finally {
            pending.remove(entry);
        }
    }

    /**
     * Confirms on a (fresh) connection: through the watcher's socket when the host offers one and
     * the SSH user may reach it (no shell, no JVM start), else with the activator's confirm command.
     */
    private RemoteHost.Result confirmOn(RemoteHost host, Invocation inv, String socket) throws IOException {
        if (socket != null && inv.sudoPassword() == null && inv.sshUser().equals(inv.profileUser())) {
            try {
                // the answer comes after the generation's confirmed step (a NixOS boot loader update)
                String line = host.exchangeWithSocket(socket, inv.token(), Duration.ofSeconds(90));
                Optional<Event> result = Events.decode(line).filter(e -> e.type == EventType.RESULT);
                if (result.isPresent() && result.get().exitCode != null) {
                    console.debug(inv.plan().name(), "confirmed through the watcher's socket: " + line);
                    return new RemoteHost.Result(result.get().exitCode, line + "\n", "");
                }
                console.debug(inv.plan().name(), "the watcher's socket answered '" + line + "'; using the command");
            } catch (IOException e) {
                console.debug(inv.plan().name(), "the watcher's socket is not reachable (" + e.getMessage()
                        + "); using the command");
            }
        }
        return host.run(inv.command(settleArgs("confirm", inv)), inv.stdin(true),
                Duration.ofSeconds(90));
    }

    /** Runs the profile's checks; the failures, described, or empty when all passed. */
    private Optional<String> runHealthChecks(Invocation inv) {
        if (inv.checks().isEmpty()) {
            return Optional.empty();
        }
        String who = inv.plan().name();
        console.info(who, "running " + inv.checks().size() + " health check(s)");
        List<HealthChecks.Result> results = HealthChecks.run(inv.checks(),
                new CheckContext(inv.hostAddress(), connector, inv.target(), http));
        List<String> failed = new ArrayList<>();
        for (HealthChecks.Result r : results) {
            String human = "health check " + r.name() + ": " + (r.healthy() ? "healthy" : "FAILED") + " after "
                    + r.attempts() + " attempt(s), last: " + r.lastStatus()
                    + (r.snippet().isEmpty() || r.healthy() ? "" : "; body: " + r.snippet());
            console.report("health", who, Map.of("check", r.name(), "healthy", r.healthy(), "attempts", r.attempts(),
                    "lastStatus", r.lastStatus(), "snippet", r.snippet()), human);
            if (!r.healthy()) {
                failed.add(r.name() + " (" + r.lastStatus() + ")");
            }
        }
        return failed.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", failed));
    }

    /**
     * The deployer lost the host after activating: the host settles the deployment by itself (it
     * rolls back at its deadline). Read the settled state back, polling until {@code settledBy}
     * plus a grace period, and report it; unknown only if the host stays unreachable.
     */
    private Outcome afterLostConnection(Invocation inv, String what, long settledBy) {
        ProfilePlan plan = inv.plan();
        String who = plan.name();
        console.info(who, what + "; the host rolls back by itself at about " + clock(settledBy)
                + ". Waiting to read its state back...");
        sleepUntil(settledBy);
        SshTarget target = inv.target();
        long giveUp = System.currentTimeMillis() + 60_000;
        Optional<Event> last = Optional.empty();
        while (System.currentTimeMillis() < giveUp) {
            Optional<RemoteHost.Result> status = withFreshConnection(target, giveUp, new AtomicReference<>(),
                    host -> status(host, inv));
            if (status.isEmpty()) {
                break;
            }
            last = resultEvent(status.get());
            // settled, or another deployment's record (this one never started); a failed status
            // (the lock held by a rollback in progress, say) proves neither: ask again
            if (last.isPresent() && last.get().exitCode != null && last.get().exitCode == 0
                    && (last.get().state != null && last.get().state.isFinal()
                    || !inv.deploymentId().equals(last.get().deploymentId))) {
                break;
            }
            sleepUntil(System.currentTimeMillis() + 2000);
        }
        if (last.isEmpty()) {
            return new Outcome(plan, Outcome.Status.STATE_UNKNOWN, what + ", and the host is still unreachable, so "
                    + "its state is unknown. It should have rolled back on its own; check with: ssh "
                    + target.describe() + " " + inv.launch().java() + " -jar " + inv.launch().jar() + " status --profile "
                    + inv.profilePath());
        }
        Event result = last.get();
        if (result.exitCode == null || result.exitCode != 0) {
            return new Outcome(plan, Outcome.Status.STATE_UNKNOWN, what + "; the host did not settle it in time: "
                    + result.message + ". It rolls back by itself; check with the activator's status on the host");
        }
        if (!inv.deploymentId().equals(result.deploymentId)) {
            return new Outcome(plan, Outcome.Status.NOT_DEPLOYED, what + "; the host has no record of this "
                    + "deployment, so the activator never started and nothing was changed (" + result.message + ")");
        }
        if (result.state == DeploymentState.ROLLED_BACK) {
            return new Outcome(plan, Outcome.Status.ROLLED_BACK, what + "; the host rolled back by itself to "
                    + "generation " + result.previousGeneration + ". If the profile moves SSH on purpose, set "
                    + "confirmHostname / confirmSshOpts.");
        }
        if (result.state == DeploymentState.CONFIRMED) {
            return new Outcome(plan, Outcome.Status.CONFIRMED, what + ", but the deployment was confirmed: "
                    + result.message);
        }
        if (result.state == DeploymentState.ROLLBACK_FAILED) {
            return new Outcome(plan, Outcome.Status.ROLLBACK_FAILED, what + "; the host " + result.message);
        }
        if (result.state == DeploymentState.SUPERSEDED) {
            return new Outcome(plan, Outcome.Status.SUPERSEDED, what + "; the host " + result.message);
        }
        return new Outcome(plan, Outcome.Status.STATE_UNKNOWN, what + "; the host now reports: " + result.message);
    }

    /**
     * Undoes a profile this run already confirmed (deploy-rs's rollback of succeeded deployments),
     * returning what the host said; empty when this run did not confirm {@code name}.
     */
    public Optional<String> rollBackConfirmed(String name, String reason) {
        Invocation inv = confirmed.remove(name);
        if (inv == null) {
            return Optional.empty();
        }
        return Optional.of(rollBack(inv, reason, true));
    }

    private String rollBack(Invocation inv, String reason, boolean evenIfConfirmed) {
        return askToRollBack(inv, reason, evenIfConfirmed).map(RollbackAnswer::message)
                .orElse("could not reach the host to roll back" + (evenIfConfirmed ? "; generation stays"
                        : "; it rolls back by itself at its deadline"));
    }

    /** A health check failed: ask the host to roll back now, and report what it answered. */
    private Outcome afterUnhealthy(Invocation inv, String unhealthy) {
        String reason = "health check failed: " + unhealthy;
        Optional<RollbackAnswer> answer = askToRollBack(inv, reason, false);
        if (answer.isPresent() && answer.get().asked().exitStatus() == ActivatorExit.ROLLBACK_FAILED.code) {
            return new Outcome(inv.plan(), Outcome.Status.ROLLBACK_FAILED, reason + "; " + answer.get().message());
        }
        return new Outcome(inv.plan(), Outcome.Status.HEALTH_CHECK_FAILED, reason + "; " + answer
                .map(RollbackAnswer::message)
                .orElse("could not reach the host to roll back; it rolls back by itself at its deadline"));
    }

    /** After Ctrl-C: what the host answered; a confirmation sent before may have won. */
    private String rollBackOnInterrupt(Invocation inv, boolean confirmSent) {
        Optional<RollbackAnswer> answer = askToRollBack(inv, "the deployer was interrupted", false);
        if (answer.isPresent() && answer.get().confirmed(inv.deploymentId())) {
            return "confirmed before the interrupt; the host keeps it: " + answer.get().status().get().message;
        }
        return answer.map(RollbackAnswer::message).orElse("could not reach the host to roll back; "
                + (confirmSent ? "unless it accepted the confirmation already, " : "") + "it rolls back by itself at "
                + "its deadline");
    }

    /** What a host answered a rollback request, and its status when nothing awaited confirmation there. */
    private record RollbackAnswer(RemoteHost.Result asked, Optional<Event> status) {
        boolean confirmed(String deploymentId) {
            return status.isPresent() && status.get().state == DeploymentState.CONFIRMED
                    && deploymentId.equals(status.get().deploymentId);
        }

        String message() {
            if (asked.ok()) {
                return resultMessage(asked);
            }
            return "rollback request answered: " + resultMessage(asked)
                    + status.map(e -> "; the host reports: " + e.message).orElse("");
        }
    }

    /**
     * Asks the host to roll back over a fresh connection; when the deployment was settled already
     * (confirmed, or rolled back at its deadline), also reads the host's status on that connection.
     */
    private Optional<RollbackAnswer> askToRollBack(Invocation inv, String reason, boolean evenIfConfirmed) {
        List<String> args = settleArgs("rollback", inv);
        args.add("--reason");
        args.add(reason);
        if (evenIfConfirmed) {
            args.add("--confirmed");
        }
        return withFreshConnection(inv.target(), System.currentTimeMillis() + 10_000, new AtomicReference<>(), host -> {
            RemoteHost.Result asked = host.run(inv.command(args), inv.stdin(true), Duration.ofSeconds(60));
            if (asked.exitStatus() != ActivatorExit.NOTHING_PENDING.code) {
                return new RollbackAnswer(asked, Optional.empty());
            }
            return new RollbackAnswer(asked, resultEvent(status(host, inv)));
        });
    }

    private RemoteHost.Result status(RemoteHost host, Invocation inv) throws IOException {
        return host.run(inv.command(settleArgs("status", inv)), inv.stdin(false), Duration.ofSeconds(90));
    }

    private List<String> settleArgs(String command, Invocation inv) {
        List<String> args = new ArrayList<>(List.of(command, "--profile", inv.profilePath(), "--activation-timeout",
                Integer.toString(inv.plan().activationTimeout())));
        inv.plan().tempPath().ifPresent(t -> {
            args.add("--state-dir");
            args.add(t);
        });
        return args;
    }

    private interface HostAction<T> {
        T apply(RemoteHost host) throws IOException;
    }

    /**
     * Connects anew (never reusing a connection) and retries until {@code deadline}; empty if it
     * never got through. {@code failures} is set to a note on the attempts that failed, if any.
     */
    private <T> Optional<T> withFreshConnection(SshTarget target, long deadline, AtomicReference<String> failures,
            HostAction<T> action) {
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
                try (RemoteHost host = connector.connect(bounded)) {
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

    private static String clock(long epochMillis) {
        return LocalTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneId.systemDefault())
                .truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static Optional<Event> resultEvent(RemoteHost.Result result) {
        return result.stdout().lines().map(Events::decode).flatMap(Optional::stream)
                .filter(e -> e.type == EventType.RESULT).findFirst();
    }

    private static String resultMessage(RemoteHost.Result result) {
        String said = result.stdout().lines().map(Events::decode).flatMap(Optional::stream)
                .filter(e -> e.type == EventType.RESULT && e.message != null).map(e -> e.message).findFirst()
                .orElse(result.stderr().trim());
        return result.exitStatus() == HostCommands.SUDO_PASSWORD_REFUSED
                ? "the sudo password was refused" + sudoSaid(said) : said;
    }

    private static String sudoSaid(String stderr) {
        List<String> lines = stderr.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        return lines.isEmpty() ? "" : " (" + String.join("; ", lines) + ")";
    }

    private static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }


    private static void sleepUntil(long epochMillis) {
        long left;
        while ((left = epochMillis - System.currentTimeMillis()) > 0) {
            try {
                Thread.sleep(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static long millis(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format("%.1f KiB", bytes / 1024.0);
        }
        return String.format("%.1f MiB", bytes / (1024.0 * 1024));
    }
}
