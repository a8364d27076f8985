package nixdeploy.deployer.steps;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.ExitCode;

/**
 * The activator's own Java runtime: a jlink'd JRE in the Nix store, made by nixdeploy's Nix package
 * for the system it runs on ({@code nix/package.nix}). It travels with the closure to hosts of
 * that system that have no Java 17 or newer, so such hosts need nothing but Nix.
 */
public record ActivatorRuntime(String storePath, String system) {
    /** Set by the launcher, from NIXDEPLOY_ACTIVATOR_RUNTIME or the package's own runtime. */
    static final String PROPERTY = "nixdeploy.activatorRuntime";
    /** The file in the runtime that names its Nix system, e.g. {@code x86_64-linux}. */
    static final String SYSTEM_FILE = "nixdeploy-system";

    /** The runtime this deployer was given, if any. */
    public static Optional<ActivatorRuntime> configured() throws DeployException {
        String value = System.getProperty(PROPERTY, "");
        return value.isBlank() ? Optional.empty() : Optional.of(at(Path.of(value)));
    }

    static ActivatorRuntime at(Path path) throws DeployException {
        Path real;
        String system;
        try {
            real = path.toRealPath();
            system = Files.readString(real.resolve(SYSTEM_FILE)).trim();
        } catch (IOException e) {
            throw notARuntime(path, "cannot read its " + SYSTEM_FILE + " (" + e.getMessage() + ")");
        }
        if (!real.startsWith("/nix/store") || real.getNameCount() != 3) {
            throw notARuntime(path, "it is not a Nix store path");
        }
        if (!Files.isExecutable(real.resolve("bin/java"))) {
            throw notARuntime(path, "it has no bin/java");
        }
        return new ActivatorRuntime(real.toString(), system);
    }

    String java() {
        return storePath + "/bin/java";
    }

    private static DeployException notARuntime(Path path, String why) {
        return new DeployException(ExitCode.BAD_INPUT, "the activator runtime " + path + " (NIXDEPLOY_ACTIVATOR_RUNTIME) "
                + "cannot be used: " + why + ". Build it with `nix build .#activator-runtime` in nixdeploy's repository, "
                + "or unset the variable.");
    }
}
