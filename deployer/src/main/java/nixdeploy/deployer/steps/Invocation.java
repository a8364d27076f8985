package nixdeploy.deployer.steps;

import java.util.List;
import nixdeploy.deployer.config.ProfilePlan;
import nixdeploy.deployer.health.HealthCheck;
import nixdeploy.deployer.remote.SshTarget;

/**
 * What one activation needs to be confirmed or undone later. {@code hostAddress} is where the SSH
 * connection went (HostName for an ssh_config alias), for health checks; {@code profilePath} is null
 * until the activator reports where it placed the profile.
 */
record Invocation(ProfilePlan plan, SshTarget target, String hostAddress, String sshUser, String profileUser,
        ActivatorLaunch launch, String profilePath, String token, String sudoPassword, List<HealthCheck> checks,
        String deploymentId) {

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

    /** The activator command that settles this deployment: {@code confirm}, {@code rollback} or {@code status}. */
    String settle(String subcommand, List<String> extra) {
        return command(ActivatorArgs.settle(subcommand, plan, profilePath, extra));
    }
}
