package nixdeploy.activator.profile;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/** The few Nix commands the activator needs, all available on every Nix install. */
public final class NixEnv {
    private static final long TIMEOUT_SECONDS = 120;

    private NixEnv() {}

    /** Makes a new generation of {@code profile} that points at {@code closure}. */
    public static void set(Profile profile, String closure) throws IOException {
        CommandRunner.check(List.of("nix-env", "-p", profile.toString(), "--set", closure), TIMEOUT_SECONDS);
    }

    public static void switchGeneration(Profile profile, long generation) throws IOException {
        CommandRunner.check(List.of("nix-env", "-p", profile.toString(), "--switch-generation",
                Long.toString(generation)), TIMEOUT_SECONDS);
    }

    public static void deleteGeneration(Profile profile, long generation) throws IOException {
        CommandRunner.check(List.of("nix-env", "-p", profile.toString(), "--delete-generations",
                Long.toString(generation)), TIMEOUT_SECONDS);
    }

    /** Whether {@code path} is a valid path in this host's store. */
    public static boolean isValidStorePath(String path) throws IOException {
        return CommandRunner.run(List.of("nix-store", "--check-validity", path), Map.of(), null,
                TIMEOUT_SECONDS, line -> { }).ok();
    }
}
