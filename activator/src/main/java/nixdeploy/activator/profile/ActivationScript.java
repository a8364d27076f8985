package nixdeploy.activator.profile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Runs a profile's own scripts the way deploy-rs does, in the profile with {@code PROFILE} set:
 * {@code deploy-rs-activate}, and nixdeploy's {@code nixdeploy-confirmed}, the step run once a
 * generation is confirmed (a NixOS profile makes itself the boot default there).
 */
public final class ActivationScript {
    public static final String ACTIVATE = "deploy-rs-activate";
    public static final String CONFIRMED = "nixdeploy-confirmed";

    private ActivationScript() {}

    /**
     * Runs the activation script found in {@code root} (a profile link, or a closure for a dry
     * activation), or returns empty when there is none: a profile without a script is activated
     * by switching alone.
     */
    public static Optional<CommandRunner.Outcome> run(Path root, ActivationMode mode,
            long timeoutSeconds, Consumer<String> lines) throws IOException {
        return run(root, mode, timeoutSeconds, lines, started -> { });
    }

    /** Like {@link #run}, telling {@code started} which process runs the script. */
    public static Optional<CommandRunner.Outcome> run(Path root, ActivationMode mode, long timeoutSeconds,
            Consumer<String> lines, Consumer<ProcessHandle> started) throws IOException {
        Map<String, String> env = new HashMap<>();
        if (mode == ActivationMode.DRY_ACTIVATE) {
            env.put("DRY_ACTIVATE", "1");
        }
        if (mode == ActivationMode.BOOT) {
            env.put("BOOT", "1");
        }
        return run(root, ACTIVATE, env, timeoutSeconds, lines, started);
    }

    /**
     * Like {@link #run}, for bringing an old generation back up: a bare NixOS system (made by
     * {@code nixos-rebuild} or {@code nixos-install}, so without {@code deploy-rs-activate}) is
     * re-activated with its own {@code switch-to-configuration}, which also makes it the boot
     * default again. Switching the link alone would leave the undone configuration running.
     */
    public static Optional<CommandRunner.Outcome> runOrSwitchNixos(Path root, ActivationMode mode,
            long timeoutSeconds, Consumer<String> lines) throws IOException {
        Path switchTo = root.resolve("bin").resolve("switch-to-configuration");
        if (Files.isRegularFile(root.resolve(ACTIVATE)) || !Files.isRegularFile(switchTo)) {
            return run(root, mode, timeoutSeconds, lines);
        }
        Map<String, String> env = new HashMap<>();
        env.put("PROFILE", root.toString());
        // switch-to-configuration can fail when started from a folder that goes away (nixpkgs #73404)
        return Optional.of(CommandRunner.run(List.of(switchTo.toString(), mode == ActivationMode.BOOT ? "boot" : "switch"),
                env, Path.of("/"), timeoutSeconds, lines));
    }

    /** Runs the profile's confirmed step, or returns empty when it has none. */
    public static Optional<CommandRunner.Outcome> runConfirmed(Path root, long timeoutSeconds,
            Consumer<String> lines) throws IOException {
        return run(root, CONFIRMED, new HashMap<>(), timeoutSeconds, lines, started -> { });
    }

    public static boolean hasConfirmedStep(Path root) {
        return Files.isRegularFile(root.resolve(CONFIRMED));
    }

    private static Optional<CommandRunner.Outcome> run(Path root, String name, Map<String, String> env,
            long timeoutSeconds, Consumer<String> lines, Consumer<ProcessHandle> started) throws IOException {
        Path script = root.resolve(name);
        if (!Files.isRegularFile(script)) {
            return Optional.empty();
        }
        env.put("PROFILE", root.toString());
        return Optional.of(CommandRunner.run(List.of(script.toString()), env, root, timeoutSeconds, lines, started));
    }
}
