package nixdeploy.deployer.config;

import com.google.gson.JsonArray;
import java.util.List;
import java.util.Optional;

/**
 * One profile to deploy to one node, with every setting resolved and defaults applied. {@code flake}
 * is set when a run deploys from more than one flake (two flakes may both have a node {@code web}),
 * and empty otherwise.
 */
public record ProfilePlan(String node, String profile, String hostname, List<String> tags, String storePath,
        Optional<String> explicitProfilePath, Settings settings, JsonArray healthChecks, String healthChecksAt,
        String flake) {

    public ProfilePlan(String node, String profile, String hostname, List<String> tags, String storePath,
            Optional<String> explicitProfilePath, Settings settings, JsonArray healthChecks, String healthChecksAt) {
        this(node, profile, hostname, tags, storePath, explicitProfilePath, settings, healthChecks, healthChecksAt, "");
    }

    /**
     * What the run calls this profile, unique within it: {@code node.profile}, prefixed with its flake
     * ({@code ./b#web.app}) when the run deploys from several. Everything a run keeps per profile is
     * keyed by it.
     */
    public String name() {
        return (flake.isEmpty() ? "" : flake + "#") + node + "." + profile;
    }

    public ProfilePlan withStorePath(String path) {
        return new ProfilePlan(node, profile, hostname, tags, path, explicitProfilePath, settings, healthChecks,
                healthChecksAt, flake);
    }

    /** The same plan, named with the flake it comes from. */
    public ProfilePlan inFlake(String flakeRef) {
        return new ProfilePlan(node, profile, hostname, tags, storePath, explicitProfilePath, settings, healthChecks,
                healthChecksAt, flakeRef);
    }

    public Optional<String> sshUser() {
        return Optional.ofNullable(settings.sshUser());
    }

    /** The user the profile belongs to: {@code user}, else the SSH user (unknown until connected). */
    public Optional<String> profileUser() {
        return Optional.ofNullable(settings.user()).or(this::sshUser);
    }

    public List<String> sshOpts() {
        return settings.sshOpts() == null ? List.of() : settings.sshOpts();
    }

    public boolean fastConnection() {
        return Boolean.TRUE.equals(settings.fastConnection());
    }

    /** The binary cache the run pushes this profile's closure to ({@code cache}), if any. */
    public Optional<String> cache() {
        return Optional.ofNullable(settings.cache());
    }

    /**
     * Whether the host is asked to fetch from its own substituters before the deployer sends what
     * is still missing: with a binary cache always (that is what the cache is for), otherwise
     * unless {@code fastConnection}.
     */
    public boolean substituteOnHost() {
        return cache().isPresent() || !fastConnection();
    }

    public boolean autoRollback() {
        return !Boolean.FALSE.equals(settings.autoRollback());
    }

    public boolean magicRollback() {
        return !Boolean.FALSE.equals(settings.magicRollback());
    }

    public int confirmTimeout() {
        return settings.confirmTimeout() == null ? 30 : settings.confirmTimeout();
    }

    public int activationTimeout() {
        return settings.activationTimeout() == null ? 240 : settings.activationTimeout();
    }

    public List<String> sudo() {
        return List.of((settings.sudo() == null ? "sudo -u" : settings.sudo()).trim().split("\\s+"));
    }

    public boolean interactiveSudo() {
        return Boolean.TRUE.equals(settings.interactiveSudo());
    }

    public boolean remoteBuild() {
        return Boolean.TRUE.equals(settings.remoteBuild());
    }

    /** The java the profile names for the activator; empty: the host's, or our runtime (ActivatorLaunch). */
    public Optional<String> javaPath() {
        return Optional.ofNullable(settings.javaPath());
    }

    public Optional<String> tempPath() {
        return Optional.ofNullable(settings.tempPath());
    }

    /** Where to reconnect for the confirmation: {@code confirmHostname}, else the deploy hostname. */
    public String confirmHostname() {
        return settings.confirmHostname() == null ? hostname : settings.confirmHostname();
    }

    public List<String> confirmSshOpts() {
        return settings.confirmSshOpts() == null ? sshOpts() : settings.confirmSshOpts();
    }
}
