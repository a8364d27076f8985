package nixdeploy.deployer.steps;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import nixdeploy.deployer.Background;
import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.ExitCode;
import nixdeploy.deployer.config.ProfilePlan;
import nixdeploy.deployer.nix.Closure;
import nixdeploy.deployer.nix.NixCli;
import nixdeploy.deployer.nix.PathInfo;
import nixdeploy.deployer.output.Console;
import nixdeploy.deployer.remote.RemoteHost;

/**
 * Asks the host which of the closure's paths it lacks (one round trip on the serve protocol) and
 * streams just those to it: exported, or one by one with their signatures when the host must check
 * them ({@code LOCAL_KEY}, {@code --checksigs}).
 */
final class CopyStep {
    private final Console console;
    private final ProfileDeployer.Mode mode;
    private final Exports exports = new Exports(Exports::nixStore);

    CopyStep(Console console, ProfileDeployer.Mode mode) {
        this.console = console;
        this.mode = mode;
    }

    /** Returns the paths it copied. */
    List<String> copy(RemoteHost host, RemoteHost.RemoteProcess started, ProfilePlan plan, Closure closure)
            throws IOException, DeployException {
        return copy(host, started, CompletableFuture.supplyAsync(() -> {
            try {
                return new StoreCopy(started.stdin(), started.stdout());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, Runnable::run), List.of(), plan, closure);
    }

    /**
     * Returns the paths it copied; {@code talking} talks to {@code started}, and has asked about
     * {@code askedAhead} already (see {@link PreparedHost#ask}).
     */
    List<String> copy(RemoteHost host, RemoteHost.RemoteProcess started, CompletableFuture<StoreCopy> talking,
            List<String> askedAhead, ProfilePlan plan, Closure closure) throws IOException, DeployException {
        String who = plan.name();
        long start = System.nanoTime();
        List<String> missing;
        long bytes;
        try (RemoteHost.RemoteProcess serve = started) {
            try (StoreCopy store = Background.joinIo(talking)) {
                Set<String> asked = new HashSet<>(askedAhead);
                List<String> rest = closure.paths().stream().filter(p -> !asked.contains(p)).toList();
                // written before the first answer is read: small (our runtime's paths), it fits the
                // SSH window while the host writes an answer we have not read yet
                if (!rest.isEmpty()) {
                    store.ask(rest, plan.substituteOnHost());
                }
                missing = store.missing();
                if (missing.isEmpty()) {
                    console.info(who, "host already has all " + closure.paths().size() + " paths; copying nothing");
                    return missing;
                }
                bytes = closure.bytes(missing);
                CachePushStep.notSubstituted(plan, mode, missing.size()).ifPresent(w -> console.warn(who, w));
                console.info(who, "copying " + missing.size() + " of " + closure.paths().size() + " paths ("
                        + Human.bytes(bytes) + ")");
                send(store, who, missing, closure, bytes);
            } catch (IOException e) {
                throw failed(host, serve.stderr().trim(), e);
            }
            // the host confirmed every import: closing is enough, its exit would cost a round trip
        }
        console.info(who, "copied " + missing.size() + " paths (" + Human.bytes(bytes) + ") in "
                + Human.millisSince(start) + " ms");
        return missing;
    }

    private void send(StoreCopy store, String who, List<String> missing, Closure closure, long bytes)
            throws IOException, DeployException {
        boolean noDerivations = missing.stream().noneMatch(p -> p.endsWith(".drv"));
        if (mode.localKey().isPresent() && noDerivations) {
            sendSigned(store, who, missing, mode.localKey());
        } else if (mode.checkSigs() && noDerivations) {
            // the signatures the paths already have (a cache's, a build machine's) go with them
            sendSigned(store, who, missing, Optional.empty());
        } else {
            sendExported(store, who, missing, closure, bytes);
        }
    }

    /**
     * The copy's conversation broke off without a word from the host's Nix: the connection died
     * (one opened during a long build, cut by an idle timeout or a NAT box, can still look open).
     * Nothing was activated, so copying again over a new connection is safe.
     */
    static final class ConnectionLost extends DeployException {
        ConnectionLost(String message, Throwable cause) {
            super(ExitCode.CONNECT_FAILED, message, cause);
        }
    }

    /** A host that refuses the paths' signatures cannot take this deploy as it is; anything else is the connection. */
    private static DeployException failed(RemoteHost host, String why, IOException e) {
        if (why.isEmpty()) {
            return new ConnectionLost("copying to " + host.describe() + " failed: " + e.getMessage()
                    + " Nothing was activated.", e);
        }
        boolean refused = why.contains("signature") || why.contains("not allowed");
        return new DeployException(refused ? ExitCode.HOST_UNSUPPORTED : ExitCode.CONNECT_FAILED, "copying to "
                + host.describe()
                + " failed: " + why
                + (refused ? ". The SSH user is not "
                + "trusted by the host's Nix: add it to trusted-users there, deploy as root, or sign the paths with "
                + "LOCAL_KEY=<secret key file> (its public key in the host's trusted-public-keys)." : "")
                + (why.contains("not found") ? ". Is Nix installed there and nix-store on the SSH user's "
                + "PATH?" : "") + " Nothing was activated.");
    }

    /**
     * Streams {@code missing} as {@code nix-store --export} archives, one import per batch of paths
     * that fits on a command line. They come dependencies first (as {@link Closure} lists them), so
     * every batch's references are on the host before it arrives.
     */
    private void sendExported(StoreCopy store, String who, List<String> missing, Closure closure, long bytes)
            throws IOException, DeployException {
        long before = 0;
        for (List<String> argv : NixCli.batches(Exports.COMMAND, missing)) {
            long sentBefore = before;
            Optional<byte[]> shared = exports.shared(argv,
                    closure.bytes(argv.subList(Exports.COMMAND.size(), argv.size())));
            Process export = shared.isPresent() ? null : startLocal(argv);
            try (InputStream stream = new Progress(shared.isPresent() ? new ByteArrayInputStream(shared.get())
                    : Exports.streamed(export, argv), sent -> console.status(who, "copying " + missing.size()
                    + " paths: " + Human.bytes(sentBefore + sent) + " of " + Human.bytes(bytes)))) {
                before += store.importExport(stream);
            } catch (Exports.Failed e) {
                throw e.reason;
            } finally {
                if (export != null) {
                    export.destroy();
                }
            }
        }
    }

    /**
     * Sends each path with its signatures, for hosts that require them; with LOCAL_KEY
     * ({@code keyFile}) signs them here first. With {@code --checksigs}, a path built here is not
     * sent as "ultimate" (built by the host), which would make the host trust it unsigned.
     */
    private void sendSigned(StoreCopy store, String who, List<String> missing, Optional<String> keyFile)
            throws IOException, DeployException {
        if (keyFile.isPresent()) {
            PathInfo.sign(missing, keyFile.get());
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
        console.debug(who, "sent " + missing.size() + " paths with their signatures"
                + keyFile.map(k -> ", signed with " + k).orElse(""));
    }

    /** Starts a local Nix command whose output goes to the host; failing to start it is not the host's fault. */
    static Process startLocal(List<String> argv) throws DeployException {
        try {
            return new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw new DeployException(ExitCode.BAD_INPUT, NixCli.cannotRun(argv.get(0), e), e);
        }
    }
}
