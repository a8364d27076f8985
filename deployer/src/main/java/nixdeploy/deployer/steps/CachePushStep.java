package nixdeploy.deployer.steps;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.ExitCode;
import nixdeploy.deployer.config.ProfilePlan;
import nixdeploy.deployer.nix.Closure;
import nixdeploy.deployer.nix.NixCli;
import nixdeploy.deployer.nix.PathInfo;
import nixdeploy.deployer.output.Console;

/**
 * Pushes the run's closures to their binary caches ({@code --cache}, the {@code cache} setting)
 * once, before any host is copied to, so that hosts substitute from the cache instead of taking
 * every byte from the deployer's uplink. Runs once per run, not per host: one {@code nix copy --to}
 * per cache URL, with every profile that names it and the activator jar. Signing is Nix's: a
 * {@code ?secret-key=FILE} in the URL signs while uploading; {@code LOCAL_KEY} signs the paths here
 * first, and their signatures travel into the cache. A failure stops the run before any host changes.
 */
public final class CachePushStep {
    private final Console console;
    private final Optional<String> localKey;

    public CachePushStep(Console console, Optional<String> localKey) {
        this.console = console;
        this.localKey = localKey;
    }

    /** Pushes what {@code plans} deploy (profiles built here, and {@code activatorJar}) to their caches. */
    public void push(List<ProfilePlan> plans, String activatorJar) throws DeployException {
        for (Map.Entry<String, List<String>> cache : rootsByCache(plans, activatorJar).entrySet()) {
            push(cache.getKey(), cache.getValue());
        }
    }

    /**
     * The store paths to push, by cache URL, in plan order. A profile built on its host
     * ({@code remoteBuild}) has no output here to push.
     */
    static Map<String, List<String>> rootsByCache(List<ProfilePlan> plans, String activatorJar) {
        Map<String, Set<String>> roots = new LinkedHashMap<>();
        for (ProfilePlan plan : plans) {
            if (plan.cache().isPresent() && !plan.remoteBuild()) {
                Set<String> paths = roots.computeIfAbsent(plan.cache().get(), url -> new LinkedHashSet<>());
                paths.add(plan.storePath());
                paths.add(activatorJar);
            }
        }
        Map<String, List<String>> result = new LinkedHashMap<>();
        roots.forEach((url, paths) -> result.put(url, List.copyOf(paths)));
        return result;
    }

    private void push(String url, List<String> roots) throws DeployException {
        String where = shown(url);
        Closure closure = Closure.of(roots);
        if (localKey.isPresent()) {
            PathInfo.sign(closure.paths(), localKey.get());
        }
        console.info("", "pushing " + closure.paths().size() + " paths (" + Human.bytes(closure.bytes(closure.paths()))
                + ") to the binary cache " + where + (localKey.isPresent() ? ", signed with LOCAL_KEY" : ""));
        long start = System.nanoTime();
        List<String> prefix = List.of("nix", "copy", "--to", url);
        for (List<String> argv : NixCli.batches(prefix, new ArrayList<>(roots))) {
            NixCli.Output output = NixCli.run(argv);
            if (output.exitCode() != 0) {
                throw new DeployException(ExitCode.CACHE_PUSH_FAILED, "pushing to the binary cache " + where
                        + " failed:\n" + NixCli.errorText(output.stderr()) + "\nNothing was copied to any host or "
                        + "changed. Check the cache URL and that you may write there (the folder's permissions, "
                        + "S3 credentials), or deploy without --cache and the cache setting.");
            }
        }
        console.info("", "pushed to " + where + " in " + Human.millisSince(start) + " ms; hosts substitute from it");
    }

    /**
     * Why a host that should have substituted from the cache still needs {@code missing} paths from
     * the deployer, which then sends them: the cache is not among its {@code substituters}, or its
     * key not among its {@code trusted-public-keys} (the deployer never passes either: that is the
     * host's own trust), or the cache is unreachable from it.
     */
    static Optional<String> notSubstituted(ProfilePlan plan, ProfileDeployer.Mode mode, int missing) {
        if (plan.cache().isEmpty() || plan.remoteBuild() || mode.rollbackTo().isPresent()) {
            return Optional.empty();
        }
        return Optional.of("the host did not fetch " + missing + " path(s) from the binary cache "
                + shown(plan.cache().get()) + ", so they are sent from here. Add the cache's URL to the host's "
                + "substituters (as the host reaches it) and its public key to trusted-public-keys in nix.conf.");
    }

    /**
     * The URL as messages show it: without its query, which may name a secret key file (its path
     * is no secret, but it is noise) or other store parameters.
     */
    static String shown(String url) {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query);
    }
}
