package nixdeploy.activator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import nixdeploy.activator.profile.HostClock;
import nixdeploy.activator.profile.Profile;
import nixdeploy.activator.profile.StateDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which watcher started before the go may guard the activation: only one of the same deployment,
 * profile path and runtime folder (a profile named by --profile-name can resolve to another path
 * at the go, once Nix made the per-user profile folder).
 */
class WatcherGuardsTest {
    @TempDir
    Path dir;

    private Invocation invocation(String profile) throws Exception {
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        return new Invocation(new Profile(dir.resolve(profile)), StateDir.open(dir.resolve("state")),
                new Output(quiet, quiet), HostClock.SYSTEM);
    }

    private static Watcher.Launched launchedFor(Invocation inv, String deploymentId) {
        Path ready = inv.runtime.watcherReady(inv.profile, deploymentId + "." + ProcessHandle.current().pid());
        return new Watcher.Launched(ready, new File("/dev/null"), deploymentId, System.nanoTime());
    }

    @Test
    void aWatcherOfTheSameDeploymentAndProfileGuards() throws Exception {
        Invocation inv = invocation("xdg/profiles/tools");

        assertThat(Watcher.guards(launchedFor(inv, "00000000000000b4"), inv, "00000000000000b4")).isTrue();
    }

    @Test
    void aWatcherOfTheSameNamedProfileResolvedToAnotherPathDoesNotGuard() throws Exception {
        Invocation beforeTheGo = invocation("xdg/profiles/tools");
        Invocation atTheGo = invocation("per-user/tools");

        assertThat(Watcher.guards(launchedFor(beforeTheGo, "00000000000000b4"), atTheGo, "00000000000000b4")).isFalse();
    }

    @Test
    void aWatcherOfAnotherDeploymentDoesNotGuard() throws Exception {
        Invocation inv = invocation("xdg/profiles/tools");

        assertThat(Watcher.guards(launchedFor(inv, "00000000000000b4"), inv, "00000000000000c5")).isFalse();
    }
}
