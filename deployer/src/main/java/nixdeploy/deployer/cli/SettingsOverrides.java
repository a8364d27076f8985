package nixdeploy.deployer.cli;

import java.util.List;
import java.util.Optional;
import nixdeploy.deployer.config.ConfigException;
import nixdeploy.deployer.config.Settings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The flake settings that {@code deploy} and {@code deploy rollback} let the command line override.
 * Each option's {@code order} is its place in {@code deploy --help}, among the options of its own.
 */
@Command
final class SettingsOverrides {
    @Option(names = "--ssh-user", order = 8, paramLabel = "USER", description = "Override sshUser.")
    String sshUser;

    @Option(names = "--profile-user", order = 9, paramLabel = "USER", description = "Override user (the profile's owner).")
    String profileUser;

    @Option(names = "--hostname", order = 10, paramLabel = "HOST", description = "Override the node's hostname.")
    String hostname;

    @Option(names = "--ssh-opts", order = 11, paramLabel = "OPTS", parameterConsumer = NextArgument.class,
            description = "Override sshOpts: one string, split like a shell would ('-p 2222 -o Key=Value').")
    String sshOpts;

    @Option(names = "--auto-rollback", order = 13, paramLabel = "BOOL", arity = "1",
            description = "Roll back when activation fails (default true).")
    Boolean autoRollback;

    @Option(names = "--magic-rollback", order = 14, paramLabel = "BOOL", arity = "1",
            description = "Roll back unless confirmed over a new connection in time (default true).")
    Boolean magicRollback;

    @Option(names = "--interactive-sudo", order = 16, paramLabel = "BOOL", arity = "1",
            description = "Ask for the sudo password once and feed it to sudo on the host.")
    Boolean interactiveSudo;

    @Option(names = "--sudo", order = 17, paramLabel = "CMD", description = "Privilege command (default 'sudo -u').")
    String sudo;

    @Option(names = "--confirm-timeout", order = 18, paramLabel = "SECONDS",
            description = "Seconds to confirm (default 30).")
    Integer confirmTimeout;

    @Option(names = "--activation-timeout", order = 19, paramLabel = "SECONDS",
            description = "Seconds the activation may take (default 240).")
    Integer activationTimeout;

    @Option(names = "--temp-path", order = 20, paramLabel = "DIR",
            description = "The activator's state directory on the host (default /nix/var/nixdeploy for root).")
    String tempPath;

    /** The overrides, checked; {@code fastConnection} and {@code remoteBuild} come from deploy's own options. */
    Settings settings(Boolean fastConnection, Boolean remoteBuild) throws ConfigException {
        if (confirmTimeout != null && (confirmTimeout < 1 || confirmTimeout > 86_400)
                || activationTimeout != null && (activationTimeout < 1 || activationTimeout > 86_400)) {
            throw new ConfigException("--confirm-timeout and --activation-timeout take seconds from 1 to 86400");
        }
        return new Settings(sshUser, profileUser, sshOpts(sshOpts), fastConnection, autoRollback, magicRollback,
                confirmTimeout, activationTimeout, tempPath, interactiveSudo, sudo, remoteBuild, null, null, null);
    }

    Optional<String> hostname() {
        return Optional.ofNullable(hostname);
    }

    /** {@code --ssh-opts}' one string as the words a shell would make of it; null when not given. */
    static List<String> sshOpts(String opts) throws ConfigException {
        try {
            return opts == null ? null : ShellWords.split(opts);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--ssh-opts: " + e.getMessage());
        }
    }
}
