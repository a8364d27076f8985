package nixdeploy.deployer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a flake with no inputs whose profiles are built from builtins with /bin/sh, in the
 * shape deploy-rs users write: {@code deploy.nodes.<node>.profiles.<profile>.path}.
 */
final class TestFlake {
    private TestFlake() {}

    /** A flake whose {@code let} block defines {@code profile = name: activateScript: <drv>}. */
    static Path write(Path dir, String deployAttrs) {
        String flake = String.join("\n",
                "{",
                "  outputs = { self }: let",
                "    system = \"x86_64-linux\";",
                "    profile = name: script: builtins.derivation {",
                "      inherit name system script;",
                "      builder = \"/bin/sh\";",
                "      PATH = \"/usr/bin:/bin\";",
                "      args = [ \"-c\" ''mkdir -p $out && echo $name > $out/name && "
                        + "printf '%s\\n' '#!/bin/sh' \"$script\" > $out/deploy-rs-activate && "
                        + "chmod +x $out/deploy-rs-activate'' ];",
                "    };",
                "  in {",
                deployAttrs,
                "  };",
                "}",
                "");
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("flake.nix"), flake);
            Files.deleteIfExists(dir.resolve("flake.lock"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }
}
