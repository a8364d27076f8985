package nixdeploy.activator.profile;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where a profile lives when the flake does not say, by deploy-rs's rules, for the running user. */
public final class ProfilePaths {
    private ProfilePaths() {}

    public static Path defaultPath(String name) {
        String user = System.getProperty("user.name");
        if ("root".equals(user)) {
            return "system".equals(name) ? Path.of("/nix/var/nix/profiles/system")
                    : Path.of("/nix/var/nix/profiles/per-user/root", name);
        }
        Path perUser = Path.of("/nix/var/nix/profiles/per-user", user);
        if (Files.isDirectory(perUser)) {
            return perUser.resolve(name);
        }
        String xdg = System.getenv("XDG_STATE_HOME");
        Path state = xdg != null && xdg.startsWith("/") ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".local", "state");
        return state.resolve("nix").resolve("profiles").resolve(name);
    }
}
