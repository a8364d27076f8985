package nixdeploy.deployer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import nixdeploy.testhosts.NixpkgsStandIn;

/**
 * Writes a flake whose profiles are built with the nixpkgs stand-in's tools (so with Nix's sandbox
 * on), in the shape deploy-rs users write: {@code deploy.nodes.<node>.profiles.<profile>.path}.
 */
final class TestFlake {
    /**
     * {@code system}, {@code sh} and {@code bin} (see {@link NixpkgsStandIn#bindings}), and
     * {@code profile = name: activateScript: <drv>}, for a {@code let} block.
     */
    private static final String PROFILE = String.join("\n",
            "system = \"x86_64-linux\";",
            "profile = name: script: builtins.derivation {",
            "  inherit name system script;",
            "  builder = sh;",
            "  PATH = bin;",
            "  args = [ \"-c\" ''mkdir -p $out && echo $name > $out/name && "
                    + "printf '%s\\n' '#!/bin/sh' \"$script\" > $out/deploy-rs-activate && "
                    + "chmod +x $out/deploy-rs-activate'' ];",
            "};");

    private TestFlake() {}

    /** A flake whose {@code let} block defines {@code profile = name: activateScript: <drv>}. */
    static Path write(Path dir, String deployAttrs) {
        String flake = String.join("\n",
                "{",
                "  " + NixpkgsStandIn.flakeInput(),
                "  outputs = { self, nixpkgs }: let",
                NixpkgsStandIn.bindings("nixpkgs.legacyPackages.x86_64-linux").indent(4).stripTrailing(),
                PROFILE.indent(4).stripTrailing(),
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

    /**
     * The same profiles and {@code deployAttrs} in a plain Nix file, {@code dir/default.nix}, for
     * {@code --file}: a function of no required arguments, as deploy-rs's flake-compat file is.
     */
    static Path writeFile(Path dir, String deployAttrs) {
        String file = String.join("\n",
                "{ ... }: let",
                NixpkgsStandIn.bindings(NixpkgsStandIn.importExpr()).indent(2).stripTrailing(),
                PROFILE.indent(2).stripTrailing(),
                "in {",
                deployAttrs,
                "}",
                "");
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("default.nix"), file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }
}
