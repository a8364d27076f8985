package nixdeploy.deployer.config;

import java.util.List;

/**
 * deploy-rs's generic settings plus ours, any of them unset (null). Levels merge with
 * {@link #over}: profile over node over deploy, and the command line over all.
 */
public record Settings(
        String sshUser,
        String user,
        List<String> sshOpts,
        Boolean fastConnection,
        Boolean autoRollback,
        Boolean magicRollback,
        Integer confirmTimeout,
        Integer activationTimeout,
        String tempPath,
        Boolean interactiveSudo,
        String sudo,
        Boolean remoteBuild,
        String javaPath,
        String confirmHostname,
        List<String> confirmSshOpts,
        String cache) {

    public static final Settings EMPTY = new Settings(null, null, null, null, null, null, null, null, null, null,
            null, null, null, null, null, null);

    /** The settings without a binary cache, which most callers and tests leave unset. */
    public Settings(String sshUser, String user, List<String> sshOpts, Boolean fastConnection, Boolean autoRollback,
            Boolean magicRollback, Integer confirmTimeout, Integer activationTimeout, String tempPath,
            Boolean interactiveSudo, String sudo, Boolean remoteBuild, String javaPath, String confirmHostname,
            List<String> confirmSshOpts) {
        this(sshUser, user, sshOpts, fastConnection, autoRollback, magicRollback, confirmTimeout, activationTimeout,
                tempPath, interactiveSudo, sudo, remoteBuild, javaPath, confirmHostname, confirmSshOpts, null);
    }

    /** The same settings with {@code cache} (a Nix store URL, or null). */
    public Settings withCache(String url) {
        return new Settings(sshUser, user, sshOpts, fastConnection, autoRollback, magicRollback, confirmTimeout,
                activationTimeout, tempPath, interactiveSudo, sudo, remoteBuild, javaPath, confirmHostname,
                confirmSshOpts, url);
    }

    /** These settings where set, else {@code lower}'s. */
    public Settings over(Settings lower) {
        return new Settings(
                pick(sshUser, lower.sshUser),
                pick(user, lower.user),
                pick(sshOpts, lower.sshOpts),
                pick(fastConnection, lower.fastConnection),
                pick(autoRollback, lower.autoRollback),
                pick(magicRollback, lower.magicRollback),
                pick(confirmTimeout, lower.confirmTimeout),
                pick(activationTimeout, lower.activationTimeout),
                pick(tempPath, lower.tempPath),
                pick(interactiveSudo, lower.interactiveSudo),
                pick(sudo, lower.sudo),
                pick(remoteBuild, lower.remoteBuild),
                pick(javaPath, lower.javaPath),
                pick(confirmHostname, lower.confirmHostname),
                pick(confirmSshOpts, lower.confirmSshOpts),
                pick(cache, lower.cache));
    }

    private static <T> T pick(T mine, T theirs) {
        return mine != null ? mine : theirs;
    }
}
