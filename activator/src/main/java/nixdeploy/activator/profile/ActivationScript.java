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
     * Activates an existing generation, in either direction (going back to it, or undoing a
     * deployment on top of it): like {@link #run}, but a bare NixOS system (made by
     * {@code nixos-rebuild} or {@code nixos-install}, so without {@code deploy-rs-activate}) is
     * activated with its own {@code switch-to-configuration}. Switching the link alone would leave
     * another configuration running. With {@code bootDefaultOnConfirm}, a switch runs it with
     * {@code test}, as {@code lib.activate.nixos} does, and {@link #runConfirmed} (given the same
     * flag) makes it the boot default once it is confirmed; otherwise {@code switch} does both now.
     */
    public static Optional<CommandRunner.Outcome> runOrSwitchNixos(Path root, ActivationMode mode,
            boolean bootDefaultOnConfirm, long timeoutSeconds, Consumer<String> lines,
            Consumer<ProcessHandle> started) throws IOException {
        if (!isBareNixos(root)) {
            return run(root, mode, timeoutSeconds, lines, started);
        }
        String verb = switch (mode) {
            case BOOT -> "boot";
            case DRY_ACTIVATE -> "dry-activate";
            case SWITCH -> bootDefaultOnConfirm ? "test" : "switch";
        };
        return Optional.of(switchToConfiguration(root, verb, timeoutSeconds, lines, started));
    }

    /** A NixOS system without an activation script of its own: nixdeploy runs its switch-to-configuration. */
    public static boolean isBareNixos(Path root) {
        return !Files.isRegularFile(root.resolve(ACTIVATE)) && Files.isRegularFile(switchTo(root));
    }

    private static Path switchTo(Path root) {
        return root.resolve("bin").resolve("switch-to-configuration");
    }

    private static CommandRunner.Outcome switchToConfiguration(Path root, String verb, long timeoutSeconds,
            Consumer<String> lines, Consumer<ProcessHandle> started) throws IOException {
        Map<String, String> env = new HashMap<>();
        env.put("PROFILE", root.toString());
        // switch-to-configuration can fail when started from a folder that goes away (nixpkgs #73404)
        return CommandRunner.run(List.of(switchTo(root).toString(), verb), env, Path.of("/"), timeoutSeconds, lines,
                started);
    }

    /**
     * Runs the profile's confirmed step, or returns empty when it has none. With
     * {@code bareNixosActivatedForTest} (a bare NixOS generation activated with {@code test}, see
     * {@link #runOrSwitchNixos}), the step is {@code switch-to-configuration boot}.
     */
    public static Optional<CommandRunner.Outcome> runConfirmed(Path root, boolean bareNixosActivatedForTest,
            long timeoutSeconds, Consumer<String> lines) throws IOException {
        if (bareNixosActivatedForTest && isBareNixos(root)) {
            return Optional.of(switchToConfiguration(root, "boot", timeoutSeconds, lines, started -> { }));
        }
        return run(root, CONFIRMED, new HashMap<>(), timeoutSeconds, lines, started -> { });
    }

    public static boolean hasConfirmedStep(Path root, boolean bareNixosActivatedForTest) {
        return Files.isRegularFile(root.resolve(CONFIRMED)) || bareNixosActivatedForTest && isBareNixos(root);
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
