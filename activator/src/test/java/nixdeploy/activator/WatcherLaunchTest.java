package nixdeploy.activator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WatcherLaunchTest {
    private static final List<String> WATCHER = List.of("/nix/store/x-jre/bin/java", "-cp", "a.jar", "Main", "watch");

    @TempDir
    Path tmp;

    @Test
    void rootOnASystemdHostWithSystemdRunGetsAUnitOfItsOwn() throws IOException {
        Path runtime = Files.createDirectory(tmp.resolve("systemd-system"));
        Path bin = Files.createDirectory(tmp.resolve("bin"));
        Files.createFile(bin.resolve("systemd-run"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));

        assertThat(WatcherLaunch.systemdUnitPossible("root", runtime, "/nowhere:" + bin)).isTrue();
        assertThat(WatcherLaunch.systemdUnitPossible("alice", runtime, bin.toString()))
                .as("a normal user cannot start system units").isFalse();
        assertThat(WatcherLaunch.systemdUnitPossible("root", tmp.resolve("absent"), bin.toString()))
                .as("systemd does not run").isFalse();
        assertThat(WatcherLaunch.systemdUnitPossible("root", runtime, "/nowhere")).isFalse();
    }

    @Test
    void theUnitCarriesPathAndNixSettingsKeepsWhatTheWatcherStartsAndLogsToTheStateFolder() {
        List<String> argv = WatcherLaunch.command(true, "nixdeploy-watcher-0123456789abcdef",
                Map.of("PATH", "/run/current-system/sw/bin", "NIX_REMOTE", "daemon", "SSH_AUTH_SOCK", "/tmp/agent",
                        "HOME", "/root"),
                Path.of("/nix/var/nixdeploy/p.watcher.log"), WATCHER);

        assertThat(argv.subList(0, 2)).containsExactly("systemd-run", "--unit=nixdeploy-watcher-0123456789abcdef");
        assertThat(argv).contains("--collect", "--no-block", "--property=KillMode=process",
                "--setenv=PATH=/run/current-system/sw/bin", "--setenv=NIX_REMOTE=daemon", "--setenv=HOME=/root",
                "--setenv=NIXDEPLOY_WATCHER_LOG=/nix/var/nixdeploy/p.watcher.log");
        assertThat(argv).noneMatch(a -> a.contains("SSH_AUTH_SOCK"));
        assertThat(argv.subList(argv.size() - WATCHER.size(), argv.size())).isEqualTo(WATCHER);
    }

    @Test
    void withoutSystemdAShellStartsItInANewSessionAndExits() {
        List<String> argv = WatcherLaunch.command(false, "unused", Map.of(), Path.of("/x.log"), WATCHER);

        assertThat(argv.subList(0, 2)).containsExactly("/bin/sh", "-c");
        assertThat(argv.get(2)).contains("setsid").contains("trap '' HUP");
        assertThat(argv.subList(argv.size() - WATCHER.size(), argv.size())).isEqualTo(WATCHER);
    }

    @Test
    void theUnitsShellRunsTheWatcherWithItsOutputInTheLog() throws Exception {
        Path log = tmp.resolve("watcher.log");
        List<String> argv = WatcherLaunch.command(true, "u", Map.of(), log, List.of("sh", "-c", "echo watching; echo oops >&2"));
        List<String> shell = new ArrayList<>(argv.subList(argv.indexOf("--") + 1, argv.size()));
        ProcessBuilder builder = new ProcessBuilder(shell);
        builder.environment().put("NIXDEPLOY_WATCHER_LOG", log.toString());

        assertThat(builder.start().waitFor()).isZero();
        assertThat(Files.readString(log)).isEqualTo("watching\noops\n");
    }
}
