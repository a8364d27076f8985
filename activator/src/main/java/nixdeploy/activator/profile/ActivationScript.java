package nixdeploy.activator.profile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** Runs {@code deploy-rs-activate} the way deploy-rs does: in the profile, with {@code PROFILE} set. */
public final class ActivationScript {
    private ActivationScript() {}

    /**
     * Runs the script found in {@code root} (a profile link, or a closure for a dry activation), or
     * returns empty when there is none: a profile without a script is activated by switching alone.
     */
    public static Optional<CommandRunner.Outcome> run(Path root, ActivationMode mode,
            long timeoutSeconds, Consumer<String> lines) throws IOException {
        Path script = root.resolve("deploy-rs-activate");
        if (!Files.isRegularFile(script)) {
            return Optional.empty();
        }
        Map<String, String> env = new HashMap<>();
        env.put("PROFILE", root.toString());
        if (mode == ActivationMode.DRY_ACTIVATE) {
            env.put("DRY_ACTIVATE", "1");
        }
        if (mode == ActivationMode.BOOT) {
            env.put("BOOT", "1");
        }
        return Optional.of(CommandRunner.run(List.of(script.toString()), env, root, timeoutSeconds, lines));
    }
}
