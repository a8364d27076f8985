package nixdeploy.activator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import nixdeploy.activator.profile.Profile;
import nixdeploy.activator.profile.StateDir;

/**
 * On a systemd host whose units are files of its own (not NixOS, whose {@code /etc} is made from
 * the store), as root: a unit that settles the profile's pending deployment at boot. A host that
 * restarts inside the confirmation window then rolls back by itself right after booting. It is
 * installed when the window opens and removed once the deployment is settled.
 */
final class BootSettleUnit {
    private final Path systemdRuntime;
    private final Path unitDir;

    BootSettleUnit(Path systemdRuntime, Path unitDir) {
        this.systemdRuntime = systemdRuntime;
        this.unitDir = unitDir;
    }

    static BootSettleUnit system() {
        return new BootSettleUnit(Path.of("/run/systemd/system"), Path.of("/etc/systemd/system"));
    }

    /** Whether systemd runs here and this process may add a unit of its own that starts at boot. */
    boolean possible(String user) {
        return "root".equals(user) && Files.isDirectory(systemdRuntime)
                && Files.isDirectory(unitDir, LinkOption.NOFOLLOW_LINKS) && Files.isWritable(unitDir);
    }

    Path unitFile(Profile profile) {
        String key = StateDir.key(profile);
        return unitDir.resolve("nixdeploy-settle-" + key.substring(key.length() - 12) + ".service");
    }

    private Path wantedLink(Profile profile) {
        return unitDir.resolve("multi-user.target.wants").resolve(unitFile(profile).getFileName());
    }

    /** Writes and enables the unit that runs {@code settle} at boot. */
    void install(Profile profile, List<String> settle, Map<String, String> env) throws IOException {
        Path unit = unitFile(profile);
        Path temp = unit.resolveSibling(unit.getFileName() + ".tmp");
        Files.writeString(temp, text(profile, settle, env), StandardCharsets.UTF_8);
        Files.move(temp, unit, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Path link = wantedLink(profile);
        Files.createDirectories(link.getParent());
        if (!Files.isSymbolicLink(link)) {
            Files.createSymbolicLink(link, unit);
        }
    }

    /** Removes the unit; what cannot be removed now is removed by the next deployment's settle. */
    void remove(Profile profile) {
        try {
            Files.deleteIfExists(wantedLink(profile));
            Files.deleteIfExists(unitFile(profile));
        } catch (IOException e) {
            // a leftover unit only runs a settle at boot, which finds nothing to do
        }
    }

    static String text(Profile profile, List<String> settle, Map<String, String> env) {
        List<String> lines = new ArrayList<>(List.of(
                "# Made by nixdeploy's activator while a deployment of " + profile.toString().replace('\n', ' ')
                        + " awaits confirmation;",
                "# it rolls that deployment back if the host restarts before it is confirmed, and goes away after.",
                "[Unit]",
                "Description=nixdeploy: settle a deployment left unconfirmed by a restart",
                "After=local-fs.target nix-daemon.socket nix-daemon.service",
                "",
                "[Service]",
                "Type=oneshot"));
        WatcherLaunch.unitEnvironment(env)
                .forEach((name, value) -> lines.add("Environment=" + quote(name + "=" + value)));
        lines.add("ExecStart=" + String.join(" ", settle.stream().map(BootSettleUnit::quote).toList()));
        lines.addAll(List.of("", "[Install]", "WantedBy=multi-user.target", ""));
        return String.join("\n", lines);
    }

    /** One word of a unit file line, quoted so systemd takes it literally (no specifiers, no variables). */
    static String quote(String word) {
        if (word.indexOf('\n') >= 0 || word.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a line break cannot go into a systemd unit: " + word);
        }
        return "\"" + word.replace("\\", "\\\\").replace("\"", "\\\"").replace("%", "%%").replace("$", "$$") + "\"";
    }
}
