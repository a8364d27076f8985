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
import nixdeploy.deployer.output.Console;
import nixdeploy.deployer.remote.RemoteConnector;
import nixdeploy.deployer.remote.RemoteHost;
import nixdeploy.protocol.Event;
import nixdeploy.protocol.EventType;
import nixdeploy.protocol.Events;

/**
 * {@code deploy status}: reads each profile's state from its host with the activator's
 * {@code status}, which settles a deployment whose deadline passed with no watcher left, as every
 * activator run does. The activator (and our Java runtime, for a host without Java) is copied first
 * if the host lacks it; nothing else on the host changes.
 */
public final class StatusStep {
    /**
     * One profile's state: the activator's status result and the deployments it settled while
     * reading it, or why it could not be read ({@code failure}, with its exit code).
     */
    public record ProfileStatus(ProfilePlan plan, Optional<Event> status, List<String> settled,
            Optional<String> failure, ExitCode code) {
        static ProfileStatus failed(ProfilePlan plan, ExitCode code, String why) {
            return new ProfileStatus(plan, Optional.empty(), List.of(), Optional.of(why), code);
        }
    }

    private final RemoteConnector connector;
    private final Console console;
    private final String activatorJar;
    private final Optional<ActivatorRuntime> runtime;
    private final Targets targets;

    public StatusStep(RemoteConnector connector, Console console, String activatorJar,
            Optional<ActivatorRuntime> runtime) {
        this.connector = connector;
        this.console = console;
        this.activatorJar = activatorJar;
        this.runtime = runtime;
        this.targets = new Targets(console);
    }

    /** The states of {@code plans}, which all go to one host, read over one connection. */
    public List<ProfileStatus> read(List<ProfilePlan> plans) {
        return OneConnection.each(connector, targets, plans, this::read, ProfileStatus::failed);
    }

    private ProfileStatus read(RemoteHost host, ProfilePlan plan) {
        try {
            ActivatorLaunch launch = ActivatorLaunch.ask(host, plan, activatorJar, runtime);
            List<String> roots = new ArrayList<>(List.of(activatorJar));
            launch.runtime().ifPresent(roots::add);
            new CopyStep(console, new ProfileDeployer.Mode(false, false, false))
                    .copy(host, host.start(HostCommands.serve()), plan, Closure.of(roots));
            String profileUser = plan.profileUser().orElse(host.user());
            List<String> args = new ArrayList<>(plan.explicitProfilePath().isEmpty()
                    ? List.of("status", "--profile-name", plan.profile())
                    : List.of("status", "--profile", plan.explicitProfilePath().get()));
            args.addAll(List.of("--activation-timeout", Integer.toString(plan.activationTimeout())));
            plan.tempPath().ifPresent(t -> args.addAll(List.of("--state-dir", t)));
            RemoteHost.Result result = host.run(HostCommands.activator(plan, host.user(), profileUser, launch, args,
                    false), null, Duration.ofSeconds(90));
            List<Event> events = result.stdout().lines().map(Events::decode).flatMap(Optional::stream).toList();
            List<String> settled = events.stream().filter(e -> e.type == EventType.RECOVERED)
                    .map(e -> e.message).toList();
            Optional<Event> status = events.stream().filter(e -> e.type == EventType.RESULT).findFirst();
            if (!result.ok() || status.isEmpty()) {
                return new ProfileStatus(plan, Optional.empty(), settled, Optional.of("the activator's status failed "
                        + "(exit " + result.exitStatus() + "): " + HostAnswers.message(result)), ExitCode.STATE_UNKNOWN);
            }
            return new ProfileStatus(plan, status, settled, Optional.empty(), ExitCode.OK);
        } catch (DeployException e) {
            return ProfileStatus.failed(plan, e.exitCode(), e.getMessage());
        } catch (IOException e) {
            return ProfileStatus.failed(plan, ExitCode.STATE_UNKNOWN, "reading the state from " + host.describe()
                    + " failed: " + e.getMessage());
        }
    }
}
