package nixdeploy.activator;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How the watcher process is started so that it outlives the SSH session that started it.
 *
 * <p>Where systemd runs and the activator is root, the watcher gets a transient unit of its own
 * ({@code systemd-run}): with logind's {@code KillUserProcesses=yes} a session's processes die
 * with it, whatever {@code setsid} and an ignored SIGHUP say, and only a unit of its own leaves
 * the session's cgroup. Elsewhere a shell starts it in a new session in the background and exits.
 */
final class WatcherLaunch {
    /* The shell exits at once: then this JVM holds no thread waiting on the watcher (HotSpot waits
     * ~0.3 s at exit for such a thread), and the watcher is reparented away from the session. */
    private static final String DETACH = "trap '' HUP INT; "
            + "if command -v setsid >/dev/null 2>&1; then setsid \"$@\" & else \"$@\" & fi";
    private static final String REDIRECT = "exec \"$@\" </dev/null >>\"$NIXDEPLOY_WATCHER_LOG\" 2>&1";

    private WatcherLaunch() {}

    /** Whether this host is run by systemd and this process may start system units. */
    static boolean systemdUnitPossible(String user, Path systemdRuntime, String path) {
        if (!"root".equals(user) || !Files.isDirectory(systemdRuntime) || path == null) {
            return false;
        }
        return List.of(path.split(":")).stream().anyMatch(dir -> !dir.isEmpty()
                && Files.isExecutable(Path.of(dir, "systemd-run")));
    }

    /** The command that starts {@code watcher} detached, logging to {@code log}. */
    static List<String> command(boolean systemdUnit, String unitName, Map<String, String> env, Path log,
            List<String> watcher) {
        List<String> argv = new ArrayList<>();
        if (systemdUnit) {
            // --no-block: queue the unit and return; the activator waits for the watcher's ready file anyway
            argv.addAll(List.of("systemd-run", "--unit=" + unitName, "--collect", "--quiet", "--no-block",
                    // the old generation's activation may start services from the watcher: keep them when it exits
                    "--property=KillMode=process",
                    "--setenv=NIXDEPLOY_WATCHER_LOG=" + log));
            for (Map.Entry<String, String> e : unitEnvironment(env).entrySet()) {
                argv.add("--setenv=" + e.getKey() + "=" + e.getValue());
            }
            argv.addAll(List.of("--", "/bin/sh", "-c", REDIRECT, "nixdeploy-watcher"));
        } else {
            argv.addAll(List.of("/bin/sh", "-c", DETACH, "nixdeploy-watcher"));
        }
        argv.addAll(watcher);
        return argv;
    }

    /** A systemd unit starts with an empty environment: what Nix and the activation scripts need of ours. */
    static Map<String, String> unitEnvironment(Map<String, String> env) {
        Map<String, String> kept = new TreeMap<>();
        env.forEach((name, value) -> {
            if (name.equals("PATH") || name.equals("HOME") || name.equals("LANG") || name.startsWith("NIX_")) {
                kept.put(name, value);
            }
        });
        return kept;
    }
}
