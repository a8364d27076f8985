package nixdeploy.deployer.steps;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.ExitCode;
import nixdeploy.deployer.config.ProfilePlan;
import nixdeploy.deployer.nix.Closure;
import nixdeploy.deployer.nix.ClosureDiff;
import nixdeploy.deployer.remote.RemoteConnector;
import nixdeploy.deployer.remote.RemoteHost;
import nixdeploy.shell.ShellQuote;

/**
 * {@code deploy --dry-run}: what a deploy would change on each profile's host, read without
 * changing anything there: the store path the profile points at now, the one it would point at,
 * their closures' difference by package ({@link ClosureDiff}), and which paths a deploy would
 * copy, asked in the copy's own single round trip on Nix's serve protocol, read-only and without
 * letting the host substitute (which would fill its store).
 */
public final class DryRunStep {
    /**
     * One profile's preview, or why it could not be read ({@code failure}, with the exit code a
     * deploy would meet). {@code copyPaths} and {@code copyBytes} count what the host lacks of the
     * profile's closure plus the activator (and our Java runtime, for a host without Java 17+).
     */
    public record Preview(ProfilePlan plan, String profilePath, Optional<String> current,
            List<ClosureDiff.Change> changes, int copyPaths, long copyBytes, int closurePaths,
            Optional<String> failure, ExitCode code) {
        /** For people: {@code would copy 2 of 5 paths (1.3 KiB)}. */
        public String wouldCopy() {
            return "would copy " + copyPaths + " of " + closurePaths + " paths (" + Human.bytes(copyBytes) + ")";
        }

        static Preview failed(ProfilePlan plan, ExitCode code, String why) {
            return new Preview(plan, null, Optional.empty(), List.of(), 0, 0, 0, Optional.of(why), code);
        }
    }

    private final RemoteConnector connector;
    private final String activatorJar;
    private final Optional<ActivatorRuntime> runtime;
    private final Targets targets;

    public DryRunStep(RemoteConnector connector, nixdeploy.deployer.output.Console console, String activatorJar,
            Optional<ActivatorRuntime> runtime) {
        this.connector = connector;
        this.activatorJar = activatorJar;
        this.runtime = runtime;
        this.targets = new Targets(console);
    }

    /** The previews of {@code plans}, which all go to one host, read over one connection. */
    public List<Preview> preview(List<ProfilePlan> plans) {
        return OneConnection.each(connector, targets, plans, this::preview, Preview::failed);
    }

    private Preview preview(RemoteHost host, ProfilePlan plan) {
        try {
            String profileUser = plan.profileUser().orElse(host.user());
            RemoteHost.Result read = host.run(CurrentClosure.command(plan, host.user(), profileUser), "",
                    Duration.ofSeconds(120));
            if (!read.ok()) {
                return Preview.failed(plan, ExitCode.CONNECT_FAILED, "could not read the profile on "
                        + host.describe() + " (exit " + read.exitStatus() + "): " + HostAnswers.message(read));
            }
            CurrentClosure now = CurrentClosure.parse(read.stdout());
            List<String> roots = new ArrayList<>(List.of(plan.storePath(), activatorJar));
            // how a deploy would run the activator there decides whether our Java runtime goes too
            ActivatorLaunch.ask(host, plan, activatorJar, runtime).runtime().ifPresent(roots::add);
            Closure wouldSend = Closure.of(roots);
            List<String> missing;
            try (RemoteHost.RemoteProcess serve = host.start(ShellQuote.command(List.of("nix-store", "--serve")));
                    StoreCopy store = new StoreCopy(serve.stdin(), serve.stdout())) {
                missing = store.missing(wouldSend.paths(), false);
            }
            List<ClosureDiff.Change> changes = ClosureDiff.between(now.sizes(),
                    Closure.of(List.of(plan.storePath())).sizes());
            return new Preview(plan, now.profilePath(), now.storePath(), changes, missing.size(),
                    wouldSend.bytes(missing), wouldSend.paths().size(), Optional.empty(), ExitCode.OK);
        } catch (DeployException e) {
            return Preview.failed(plan, e.exitCode(), e.getMessage());
        } catch (IOException | IllegalArgumentException e) {
            return Preview.failed(plan, ExitCode.CONNECT_FAILED, "reading " + host.describe() + " failed: "
                    + e.getMessage());
        }
    }
}
