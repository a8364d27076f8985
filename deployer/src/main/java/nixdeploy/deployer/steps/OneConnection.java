package nixdeploy.deployer.steps;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.ExitCode;
import nixdeploy.deployer.config.ProfilePlan;
import nixdeploy.deployer.remote.RemoteConnector;
import nixdeploy.deployer.remote.RemoteHost;

/**
 * Reads something of each of a host's profiles over one connection to it, for the commands that
 * only look ({@code status}, {@code --dry-run}). A connection that cannot be made fails every
 * profile with its reason, so each profile still gets an answer.
 */
final class OneConnection {
    /** What a profile gets when its host cannot be reached or its SSH settings cannot be read. */
    interface Failure<R> {
        R of(ProfilePlan plan, ExitCode code, String why);
    }

    private OneConnection() {}

    /** {@code read} of each of {@code plans}, which all go to one host, in order. */
    static <R> List<R> each(RemoteConnector connector, Targets targets, List<ProfilePlan> plans,
            BiFunction<RemoteHost, ProfilePlan, R> read, Failure<R> failed) {
        ProfilePlan first = plans.get(0);
        List<R> all = new ArrayList<>();
        try (RemoteHost host = connector.connect(targets.of(first.hostname(), first.sshUser().orElse(null),
                first.sshOpts(), first.name()))) {
            for (ProfilePlan plan : plans) {
                all.add(read.apply(host, plan));
            }
        } catch (DeployException e) {
            plans.forEach(p -> all.add(failed.of(p, e.exitCode(), e.getMessage())));
        } catch (IllegalArgumentException e) {
            plans.forEach(p -> all.add(failed.of(p, ExitCode.BAD_INPUT, e.getMessage())));
        }
        return all;
    }
}
